"""presidio-analyzer, set up to run fully offline and tuned for prompt text.

- NLP: a blank spaCy English pipeline (tokenizer only, no special cases), or the installed
  pipeline named by ``pii.spacy_model``; nothing is ever downloaded. Tokens without a lemma get their lowercased
  text as lemma, so presidio's context words ("phone", "iban", "ssn"...) still raise scores.
- Email: the TLD check uses tldextract's bundled public-suffix snapshot, never the network.
- Recognizer set: email, phone (scored by formatting), SSN, payment card (Luhn + brand ranges),
  IBAN, IP, promptlint's secret recognizers, and spaCy NER when a pipeline with entities is
  configured. The built-ins that misfire on prompts (UK NHS, US licence/bank/passport/ITIN) are
  opt-in and only count when one of their context words is near.

Everything presidio/spaCy is imported inside ``build_analyzer``; it is built once per process,
and what it leaves in memory is frozen out of the garbage collector's way (``gc.freeze``).
"""

from __future__ import annotations

import functools
import gc
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from promptlint.pii.catalog import NER_ENTITIES, OPT_IN_ENTITIES
from promptlint.pii.precision import RESERVED_TLDS
from promptlint.pii.secrets import SECRET_SPECS

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine

LANGUAGE = "en"
PHONE_REGIONS = ("US", "GB", "DE", "FR", "IN")
PHONE_CONTEXT = [
    "phone",
    "telephone",
    "tel",
    "cell",
    "cellphone",
    "mobile",
    "call",
    "contact",
    "fax",
    "whatsapp",
    "sms",
    "text",
    "dial",
    "reach",
    "number",
    "landline",
    "hotline",
]


class PiiSetupError(Exception):
    """The configured NLP pipeline cannot be used (one line for the user)."""


@dataclass(frozen=True, slots=True)
class RawResult:
    entity: str
    start: int
    end: int
    score: float


@functools.cache
def _offline_tld_extract() -> Any:
    import tldextract

    # No URLs and no cache dir: tldextract goes straight to its bundled snapshot.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


def _has_public_suffix(address: str) -> bool:
    domain = address.rsplit("@", 1)[-1]
    if domain.rsplit(".", 1)[-1].lower() in RESERVED_TLDS:  # valid; reported as test values
        return True
    return bool(_offline_tld_extract()(domain).fqdn)


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


# Issuer ranges and lengths of the major card brands; any other Luhn-valid number is an id.
_CARD_BRANDS = re.compile(
    r"4\d{12}(?:\d{3}){0,2}"  # Visa 13/16/19
    r"|5[1-5]\d{14}|2(?:2[2-9][1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720)\d{12}"  # Mastercard
    r"|3[47]\d{13}"  # American Express
    r"|6(?:011|5\d\d|4[4-9]\d)\d{12,15}"  # Discover
    r"|35(?:2[89]|[3-8]\d)\d{12,15}"  # JCB
    r"|3(?:0[0-5]|[68]\d)\d{11,16}"  # Diners Club
    r"|62\d{14,17}"  # UnionPay
)


def is_card_number(value: str) -> bool:
    digits = re.sub(r"[ -]", "", value)
    return digits.isdigit() and bool(_CARD_BRANDS.fullmatch(digits)) and _luhn(digits)


def _load_pipeline(spacy_model: str) -> Any:
    import spacy

    if not spacy_model:
        from spacy.lang.en import English

        class ContextTokenizer(English):  # type: ignore[misc]
            """A blank English pipeline without the ~2,700 tokenizer special cases
            (contractions, abbreviations, emoticons): building them is a third of the blank
            pipeline's start-up, and the tokens only serve to find context words."""

            class Defaults(English.Defaults):  # type: ignore[misc]
                tokenizer_exceptions: ClassVar[dict[str, Any]] = {}

        return ContextTokenizer()
    if not (spacy.util.is_package(spacy_model) or Path(spacy_model).exists()):
        raise PiiSetupError(
            f"spaCy pipeline {spacy_model!r} (pii.spacy-model) is not installed; "
            "install it or leave pii.spacy-model empty"
        )
    try:
        return spacy.load(spacy_model)
    except (OSError, ValueError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise PiiSetupError(f"cannot load spaCy pipeline {spacy_model!r}: {first}") from None


def build_analyzer(spacy_model: str = "", opt_in: Iterable[str] = ()) -> AnalyzerEngine:
    """The analyzer for one configuration, built once per process (however it is asked for:
    ``build_analyzer()`` and ``build_analyzer("", ())`` are the same analyzer)."""
    return _build_analyzer(spacy_model, tuple(sorted(set(opt_in))))


@functools.lru_cache(maxsize=4)
def _build_analyzer(spacy_model: str, opt_in: tuple[str, ...]) -> AnalyzerEngine:
    import regex
    from presidio_analyzer import AnalyzerEngine, Pattern, PatternRecognizer, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
    from presidio_analyzer.predefined_recognizers import (
        CreditCardRecognizer,
        EmailRecognizer,
        IbanRecognizer,
        IpRecognizer,
        NhsRecognizer,
        PhoneRecognizer,
        SpacyRecognizer,
        UsBankRecognizer,
        UsItinRecognizer,
        UsLicenseRecognizer,
        UsPassportRecognizer,
        UsSsnRecognizer,
    )

    # presidio logs a warning per unmapped label; the run reports its own notices.
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    pipeline = _load_pipeline(spacy_model)

    class PromptNlpEngine(SpacyNlpEngine):  # type: ignore[misc]
        """SpacyNlpEngine over a pipeline promptlint loaded itself (no download path)."""

        def load(self) -> None:
            self.nlp = {LANGUAGE: pipeline}

        def _doc_to_nlp_artifact(self, doc: Any, language: str) -> Any:
            for token in doc:  # a blank pipeline has no lemmatizer
                if not token.lemma_:
                    token.lemma_ = token.lower_
            return super()._doc_to_nlp_artifact(doc, language)

    class OfflineEmailRecognizer(EmailRecognizer):  # type: ignore[misc]
        def validate_result(self, pattern_text: str) -> bool:
            return _has_public_suffix(pattern_text)

    class CardRecognizer(CreditCardRecognizer):  # type: ignore[misc]
        def validate_result(self, pattern_text: str) -> bool:
            return is_card_number(pattern_text)

    class PromptPhoneRecognizer(PhoneRecognizer):  # type: ignore[misc]
        """Formatted numbers score 0.6; a bare digit run needs a context word to pass 0.5."""

        def _get_recognizer_result(
            self, match: Any, text: str, region: str, nlp_artifacts: Any
        ) -> Any:
            result = super()._get_recognizer_result(match, text, region, nlp_artifacts)
            raw = text[match.start : match.end]
            if raw.startswith("(") and ")" not in raw:
                result.start += 1  # "(+971 50 ...)": the parenthesis belongs to the sentence
            result.score = 0.6 if re.search(r"[\s()+.-]", raw) else 0.3
            return result

    class SecretRecognizer(PatternRecognizer):  # type: ignore[misc]
        def __init__(self, spec: Any) -> None:
            self.spec = spec
            super().__init__(
                supported_entity=spec.entity,
                name=f"promptlint-{spec.entity.lower()}",
                patterns=[Pattern(spec.entity, spec.pattern, spec.score)],
                global_regex_flags=regex.MULTILINE,  # credentials are case-sensitive
            )

        def invalidate_result(self, pattern_text: str) -> bool:
            return not self.spec.validate(pattern_text)

    recognizers: list[Any] = [
        OfflineEmailRecognizer(),
        PromptPhoneRecognizer(supported_regions=PHONE_REGIONS, context=PHONE_CONTEXT),
        UsSsnRecognizer(),
        # presidio's card pattern plus the 2221-2720 Mastercard range it lacks.
        CardRecognizer(
            patterns=[
                Pattern(
                    "Payment card (weak)",
                    r"\b(?!1\d{12}(?!\d))((4\d{3})|(5[0-5]\d{2})|(2[2-7]\d{2})|(6\d{3})|(1\d{3})|(3\d{3}))"
                    r"[- ]?(\d{3,4})[- ]?(\d{3,4})[- ]?(\d{3,5})\b",
                    0.3,
                )
            ]
        ),
        IbanRecognizer(),
        IpRecognizer(),
        *(SecretRecognizer(spec) for spec in SECRET_SPECS),
    ]
    optional = {
        "UK_NHS": NhsRecognizer,
        "US_DRIVER_LICENSE": UsLicenseRecognizer,
        "US_BANK_NUMBER": UsBankRecognizer,
        "US_PASSPORT": UsPassportRecognizer,
        "US_ITIN": UsItinRecognizer,
    }
    recognizers.extend(optional[name]() for name in opt_in if name in optional)
    if pipeline.has_pipe("ner") or pipeline.has_pipe("entity_ruler"):
        recognizers.append(SpacyRecognizer(supported_entities=sorted(NER_ENTITIES)))

    engine = PromptNlpEngine(
        models=[{"lang_code": LANGUAGE, "model_name": spacy_model or "blank"}],
        ner_model_configuration=NerModelConfiguration(
            labels_to_ignore=[
                "ORG",
                "ORGANIZATION",
                "DATE",
                "DATE_TIME",
                "TIME",
                "CARDINAL",
                "ORDINAL",
                "QUANTITY",
                "MONEY",
                "PERCENT",
                "PRODUCT",
                "EVENT",
                "WORK_OF_ART",
                "LAW",
                "LANGUAGE",
                "FAC",
            ],
        ),
    )
    registry = RecognizerRegistry(recognizers=recognizers, supported_languages=[LANGUAGE])
    analyzer = AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=[LANGUAGE])
    # presidio and spaCy leave about a million long-lived objects behind. Moving everything
    # alive now out of the collector's generations spares every later collection walking
    # them, above all the final one at interpreter exit (~0.4 s of a one-file check).
    gc.freeze()
    return analyzer


# Consecutive chunks of a text longer than the pipeline's ``max_length`` share this many
# characters. Each chunk keeps only the results that start in its middle part, so a value up to
# half this long, with its context words, is always seen whole by exactly one chunk.
CHUNK_OVERLAP = 20_000


def chunk_bounds(
    length: int, size: int, overlap: int = CHUNK_OVERLAP
) -> list[tuple[int, int, int, int]]:
    """``(start, end, own_from, own_to)`` for each chunk of a text of ``length`` characters:
    the chunk is ``text[start:end]`` (at most ``size`` long) and it reports the results that
    start in ``[own_from, own_to)``; the owned ranges tile the whole text."""
    if length <= size:
        return [(0, length, 0, length)]
    overlap = min(overlap, size // 2)  # a pipeline configured with a tiny max_length
    step = size - overlap
    bounds: list[tuple[int, int, int, int]] = []
    start = 0
    while True:
        end = min(start + size, length)
        own_from = 0 if start == 0 else start + overlap // 2
        own_to = length if end == length else start + step + overlap // 2  # the next own_from
        bounds.append((start, end, own_from, own_to))
        if end == length:
            return bounds
        start += step


def analyze(
    text: str, entities: Iterable[str], spacy_model: str = "", opt_in: tuple[str, ...] = ()
) -> list[RawResult]:
    """presidio's results for ``entities`` in ``text``, before promptlint's precision filters.

    spaCy refuses texts over ``nlp.max_length`` (1,000,000 characters by default; a parser or
    NER model needs about 1 GB per 100,000 characters), so a longer text is analysed in
    overlapping chunks of that size: a long prompt is scanned in full, never skipped.
    """
    analyzer = build_analyzer(spacy_model, opt_in)
    supported = set(analyzer.get_supported_entities(LANGUAGE))
    wanted = sorted(set(entities) & supported)
    if not wanted:
        return []
    gated = bool(OPT_IN_ENTITIES & set(wanted))
    max_length = analyzer.nlp_engine.nlp[LANGUAGE].max_length
    out: list[RawResult] = []
    for start, end, own_from, own_to in chunk_bounds(len(text), max_length):
        results = analyzer.analyze(
            text=text[start:end], language=LANGUAGE, entities=wanted, return_decision_process=gated
        )
        for r in results:
            if not own_from <= start + r.start < own_to:
                continue  # a neighbouring chunk reports it, with its full context
            if r.entity_type in OPT_IN_ENTITIES and not (
                r.analysis_explanation and r.analysis_explanation.supportive_context_word
            ):
                continue  # opt-in recognizers count only next to one of their context words
            out.append(RawResult(r.entity_type, start + r.start, start + r.end, float(r.score)))
    return out
