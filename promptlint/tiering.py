"""Complexity heuristics: which model tier a prompt needs, how sure we are, and why.

All messages of one call are judged together (a system prompt that says "classify" and a user
turn that is a pasted contract make one small task). The weights, keyword lists and thresholds
live in ``rules/data/tiers.yaml`` and can be overridden under ``tiers:`` in the config; they are
compiled once per distinct configuration into a phrase index, so a decision is one pass over
the words of the instructions (well under a millisecond; see benchmarks/tier_vs_litellm.py).
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from promptlint.config import Config, ConfigError
from promptlint.models import Prompt
from promptlint.resources import rules_data

TIERS = ("small", "medium", "large", "reasoning")
TIER_RANK = {name: rank for rank, name in enumerate(TIERS)}

# Message roles in the order a model reads them; unknown roles keep their place after these.
_ROLE_ORDER = {"system": 0, "developer": 0, "user": 1, "assistant": 2}

_FENCE = re.compile(r"```.*?(?:```|\Z)", re.S)
_CODE_LINE = re.compile(
    r"^\s*(?:def |class |function |fn |func |import |from \S+ import |#include|public |private |"
    r"const |let |var |return |if \(|for \(|while \(|SELECT |INSERT |UPDATE |CREATE TABLE)"
    r"|[;{}]\s*$",
    re.M,
)
_PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{[A-Za-z_][\w.\[\]]*(?:![rsa])?(?::[^{}]*)?\}")
# Words as keyword phrases see them: "trade-offs", "e.164", "don't" stay whole. \x00 stands
# for a wildcard while phrases are indexed.
_WORDS = re.compile(r"[\w\x00][\w\x00'.-]*[\w\x00]|[\w\x00]")
_RULE_LINE = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+", re.M)
# Sentences and lines: a full stop ends one only before a space ("gpt-4.1" stays whole).
_SENTENCE = re.compile(r"(?:[^\n.;!?]|[.;!?](?=\S))+")
# Formulas: powers, fractions of bracketed terms, comparisons, function application f(x).
_MATH = re.compile(r"\w ?\^ ?[\w(]|[\w)] ?/ ?\(|[<>]=|(?<![\w.])[a-z]\([a-z](?: ?[+*,] ?[a-z])?\)")
_MATH_CHARS = frozenset("^/<>(∫∑√≤≥")


def _has_formula(text: str) -> bool:
    if not _MATH_CHARS.intersection(text):
        return False
    return any(c in text for c in "∫∑√≤≥") or _MATH.search(text) is not None


@dataclass(frozen=True, slots=True)
class Signal:
    """One piece of evidence: what was seen and how much it moved the score."""

    feature: str
    text: str
    contribution: float


@dataclass(frozen=True, slots=True)
class TierDecision:
    tier: str
    confidence: float  # 0..1: how far the score sits from the nearest tier boundary
    score: float
    signals: tuple[Signal, ...]  # strongest evidence for the decision first

    @property
    def reasons(self) -> list[str]:
        """Every signal, those that support the decision first."""
        return [s.text for s in self.signals]

    @property
    def supporting(self) -> list[str]:
        """The signals that pushed toward this tier (down for small, up for the others)."""
        upward = TIER_RANK[self.tier] > 0
        return [s.text for s in self.signals if (s.contribution > 0) == upward]

    def explain(self, n: int = 3) -> str:
        return "; ".join(self.supporting[:n]) or "no strong signal"

    @property
    def summary(self) -> str:
        """E.g. ``reasoning: asks for a proof or derivation (prove, lemma); 9 hard constraints``."""
        return f"{self.tier}: {self.explain()}"


@dataclass(frozen=True)
class PhraseIndex:
    """Keyword phrases indexed by their first word, so a text is matched in one pass over its
    words (a regex alternation per group costs ten times more on long prompts)."""

    exact: Mapping[str, tuple[tuple[str, tuple[re.Pattern[str] | str, ...]], ...]]
    # First words with a wildcard, bucketed by their first three letters (shorter: key "").
    wild: Mapping[str, tuple[tuple[re.Pattern[str], str, tuple[re.Pattern[str] | str, ...]], ...]]
    groups: tuple[str, ...]

    def scan(self, words: Sequence[str]) -> list[tuple[str, str]]:
        """Every (group, matched text) in ``words``."""
        found: list[tuple[str, str]] = []
        for i, word in enumerate(words):
            for group, rest in self.exact.get(word, ()):
                end = _match_rest(words, i + 1, rest)
                if end >= 0:
                    found.append((group, " ".join(words[i:end])))
            for bucket in (word[:3], ""):
                for head, group, rest in self.wild.get(bucket, ()):
                    if head.fullmatch(word):
                        end = _match_rest(words, i + 1, rest)
                        if end >= 0:
                            found.append((group, " ".join(words[i:end])))
        return found


def _match_rest(words: Sequence[str], start: int, rest: Sequence[re.Pattern[str] | str]) -> int:
    """The index after ``rest`` matched from ``start``, or -1."""
    if start + len(rest) > len(words):
        return -1
    for offset, want in enumerate(rest):
        word = words[start + offset]
        if not (word == want if isinstance(want, str) else want.fullmatch(word)):
            return -1
    return start + len(rest)


def _word_matcher(word: str) -> re.Pattern[str] | str:
    if "*" not in word:
        return word
    return re.compile(r"\w*".join(re.escape(piece) for piece in word.split("*")))


def _index(keywords: Mapping[str, Iterable[str]]) -> PhraseIndex:
    exact: dict[str, list[tuple[str, tuple[re.Pattern[str] | str, ...]]]] = {}
    wild: dict[str, list[tuple[re.Pattern[str], str, tuple[re.Pattern[str] | str, ...]]]] = {}
    for group, phrases in keywords.items():
        for phrase in dict.fromkeys(p.strip().lower() for p in phrases if p.strip()):
            first, *rest = (
                w.replace("\x00", "*") for w in _WORDS.findall(phrase.replace("*", "\x00"))
            )
            rest_m = tuple(_word_matcher(w) for w in rest)
            if "*" in first:
                literal = first.split("*", 1)[0]
                key = literal[:3] if len(literal) >= 3 else ""
                head = _word_matcher(first)
                assert isinstance(head, re.Pattern)
                wild.setdefault(key, []).append((head, group, rest_m))
            else:
                exact.setdefault(first, []).append((group, rest_m))
    return PhraseIndex(
        {k: tuple(v) for k, v in exact.items()},
        {k: tuple(v) for k, v in wild.items()},
        tuple(keywords),
    )


@dataclass(frozen=True)
class Heuristics:
    """The compiled heuristics: weights, thresholds and the keyword index."""

    weights: Mapping[str, float]
    thresholds: Mapping[str, float]
    phrases: PhraseIndex


@functools.lru_cache(maxsize=1)
def _shipped() -> dict[str, Any]:
    import yaml

    with open(rules_data("tiers.yaml"), encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    return {key: data.get(key) or {} for key in ("weights", "thresholds", "keywords")}


@functools.lru_cache(maxsize=16)
def _compile(overrides: str) -> Heuristics:
    shipped = _shipped()
    extra = json.loads(overrides)
    weights = dict(shipped["weights"])
    thresholds = dict(shipped["thresholds"])
    for name, table, where in (
        ("weights", weights, "tiers.weights"),
        ("thresholds", thresholds, "tiers.thresholds"),
    ):
        for key, value in extra[name].items():
            if key not in table:
                raise ConfigError(
                    f"unknown key '{key}' in {where} (known: {', '.join(sorted(table))})"
                )
            table[key] = float(value)
    keywords = {group: list(phrases) for group, phrases in shipped["keywords"].items()}
    for group, phrases in extra["keywords"].items():
        if group not in keywords:
            raise ConfigError(
                f"unknown keyword group '{group}' in tiers.keywords (known: {', '.join(sorted(keywords))})"
            )
        for phrase in phrases:
            if phrase.startswith("-"):
                keywords[group] = [p for p in keywords[group] if p != phrase[1:]]
            else:
                keywords[group].append(phrase)
    return Heuristics(weights, thresholds, _index(keywords))


def heuristics(config: Config | None = None) -> Heuristics:
    """The shipped heuristics with ``config.tiers`` overrides applied (compiled once)."""
    tiers = config.tiers if config is not None else None
    key = json.dumps(
        {
            "weights": dict(tiers.weights) if tiers else {},
            "thresholds": dict(tiers.thresholds) if tiers else {},
            "keywords": {k: list(v) for k, v in tiers.keywords.items()} if tiers else {},
        },
        sort_keys=True,
    )
    return _compile(key)


def _instruction_text(text: str, th: Mapping[str, float], material: bool) -> tuple[str, bool]:
    """The part of ``text`` that holds instructions (a long part trimmed to its head and tail,
    a document after the instructions to its closing question, code and placeholders removed),
    and whether code was present."""
    code = "```" in text
    if material and len(text) > th["material_chars"]:
        # A document to work on: only a short closing paragraph (a question) can instruct.
        last = text.rstrip().rsplit("\n\n", 1)
        text = last[1] if len(last) == 2 and len(last[1]) <= th["material_tail_chars"] else ""
    elif len(text) > th["part_scan_chars"]:
        text = text[: int(th["part_head_chars"])] + "\n" + text[-int(th["part_tail_chars"]) :]
    text = _PLACEHOLDER.sub(" ", text)
    if "```" in text:
        text = _FENCE.sub(" ", text)
    elif len(_CODE_LINE.findall(text)) >= 3:
        code = True
        text = "\n".join(line for line in text.splitlines() if not _CODE_LINE.search(line))
    return text.lower(), code


@dataclass(slots=True)
class _Matches:
    """What the keyword groups found in the instructions of a call."""

    hits: dict[str, list[str]]  # group -> distinct matched phrases, in order
    counts: dict[str, int]  # group -> matches, repeats included
    hard_constraints: int  # sentences / rule lines that constrain the answer
    format_rules: int  # ... of which about formatting
    words: int


def _match(scan: str, index: PhraseIndex) -> _Matches:
    hits: dict[str, list[str]] = {group: [] for group in index.groups}
    counts = dict.fromkeys(index.groups, 0)
    hard = formatting = words = 0
    for sentence in _SENTENCE.findall(scan):
        tokens = _WORDS.findall(sentence)
        words += len(tokens)
        groups_here = set()
        for group, text in index.scan(tokens):
            groups_here.add(group)
            counts[group] += 1
            if text not in hits[group]:
                hits[group].append(text)
        if "constraint" in groups_here or _RULE_LINE.match(sentence):
            if "format_rule" in groups_here:
                formatting += 1
            elif "constraint" in groups_here:
                hard += 1
    return _Matches(hits, counts, hard, formatting, words)


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _quote(words: Sequence[str], n: int = 3) -> str:
    return ", ".join(words[:n])


def decide(parts: Sequence[tuple[str | None, str]], config: Config | None = None) -> TierDecision:
    """The tier for one call made of ``(role, text)`` parts."""
    h = heuristics(config)
    w, th = h.weights, h.thresholds
    ordered = sorted(parts, key=lambda p: _ROLE_ORDER.get(p[0] or "user", 3))
    scans: list[str] = []
    code = False
    for index, (_role, text) in enumerate(ordered):
        scan, has_code = _instruction_text(text, th, material=index > 0)
        scans.append(scan)
        code = code or has_code
    scan = "\n".join(scans)

    sat = int(th["task_saturation"])
    extra = th["extra_hit_factor"]
    matches = _match(scan, h.phrases)
    found = matches.hits
    signals: list[Signal] = []

    def add(feature: str, amount: float, text: str) -> None:
        if amount:
            signals.append(Signal(feature, text, round(amount, 3)))

    def task(group: str, text: str) -> None:
        hits = found[group]
        if hits:
            add(
                group,
                w[group] * (1 + extra * (min(len(hits), sat) - 1)),
                f"{text} ({_quote(hits)})",
            )

    task("simple_task", "routine task verbs")
    terse = found["terse_output"]
    add(
        "terse_output",
        w["terse_output"] * min(len(terse), 2),
        f"short, fixed output requested ({_quote(terse, 2)})",
    )
    task("medium_task", "writing / explaining task")
    task("large_task", "open-ended expert task")
    task("reasoning_task", "asks for a proof or derivation")
    task("reasoning_topic", "maths / optimisation content")
    large, reason = found["large_task"], found["reasoning_task"]
    topics = list(found["reasoning_topic"])
    if _has_formula(scan):
        topics.append("formulas")
        add("math_notation", w["math_notation"], "formulas in the prompt")
    if found["chain_of_thought"]:
        add(
            "chain_of_thought",
            w["chain_of_thought"],
            f"multi-step / chain-of-thought request ({_quote(found['chain_of_thought'], 2)})",
        )
    domain = found["hard_domain"]
    add(
        "hard_domain",
        w["hard_domain"] * min(len(domain), int(th["hard_domain_cap"])),
        f"hard domain ({_quote(domain)})",
    )
    if found["agentic"]:
        add("agentic", w["agentic"], f"tool use / agent plan ({_quote(found['agentic'], 2)})")

    hard, formatting = matches.hard_constraints, matches.format_rules
    cap = int(th["constraint_cap"])
    add("constraint", w["constraint"] * min(hard, cap), _plural(hard, "hard constraint"))
    if (reason or topics) and hard >= th["constrained_problem_min"]:
        add(
            "constrained_problem",
            w["constrained_problem"],
            f"a maths / planning problem under {hard} hard constraints",
        )
    add(
        "format_rule",
        w["format_rule"] * min(formatting, cap),
        _plural(formatting, "formatting rule"),
    )
    parts_asked = matches.counts["multi_part"]
    add(
        "multi_part",
        w["multi_part"] * min(parts_asked, int(th["multi_part_cap"])),
        _plural(parts_asked, "extra deliverable") + " requested",
    )

    if code:
        hard_ask = found["hard_ask_on_code"]
        if hard_ask:
            add(
                "code_with_hard_ask",
                w["code_with_hard_ask"],
                f"code present and asked to {_quote(hard_ask, 2)} it",
            )
        else:
            add("code_present", w["code_present"], "code present")

    words = matches.words
    doublings = min(max(math.log2(max(words, 1) / th["length_base_words"]), 0.0), th["length_cap"])
    add(
        "length",
        round(w["length"] * doublings, 3),
        f"long instructions ({words:,} words; weak signal)",
    )
    if words <= th["short_words"] and (reason or large or len(topics) >= 2):
        add("short_hard", w["short_hard"], "short request with a hard ask")

    score = sum(s.contribution for s in signals)
    tier, margin = _tier_for(score, th)
    gated = tier == "reasoning" and not reason and len(topics) < th["reasoning_min_topics"]
    if gated:
        tier, margin = "large", min(margin, 0.2)
    confidence = _confidence(margin, signals)
    toward_higher = TIER_RANK[tier] > 0
    signals.sort(key=lambda s: -(s.contribution if toward_higher else -s.contribution))
    return TierDecision(tier, confidence, round(score, 3), tuple(signals))


def _tier_for(score: float, th: Mapping[str, float]) -> tuple[str, float]:
    """The tier for ``score`` and the distance to the nearest boundary of that tier."""
    bounds = [th["medium"], th["large"], th["reasoning"]]
    rank = sum(1 for b in bounds if score >= b)
    lower = bounds[rank - 1] if rank > 0 else -math.inf
    upper = bounds[rank] if rank < len(bounds) else math.inf
    return TIERS[rank], min(score - lower, upper - score)


def _confidence(margin: float, signals: Sequence[Signal]) -> float:
    if not signals:
        return 0.3  # nothing to go on: the tier is a default, not a decision
    strength = 0.5 + 0.45 * min(1.0, margin / 0.9)
    if len(signals) == 1 and signals[0].feature == "length":
        strength = min(strength, 0.4)
    return round(strength, 2)


def decide_text(text: str, config: Config | None = None) -> TierDecision:
    return decide([("user", text)], config)


def decide_prompts(prompts: Sequence[Prompt], config: Config | None = None) -> TierDecision:
    """The tier for the prompts of one call (system and user parts together)."""
    return decide([(p.role, p.text) for p in prompts], config)
