"""Rule packs: load and validate ``rules/*.yaml`` (built in) and the team packs of the config.

A pack is a YAML mapping with ``pack:`` (its name) and ``rules:`` (a list). Files under
``rules/data/`` are auxiliary data for Python checks, never packs. Every rule has::

    code      PREFIX + 3 digits (EFF001); unique across all loaded packs
    name      kebab-case, unique (politeness-filler)
    type      existence | substitution | occurrence | repetition | metric | python | engine
    severity  error | warning | info (default warning)
    message   one line; may name the evidence with {match}, {replacement}, {count}, {max},
              {min}, {value} (which ones a type fills is listed below)
    doc       what, why, example, better: text; fix: safe | unsafe | display-only | none
              (``doc.fix`` is also the safety of the edits the rule proposes)

Type-specific fields (regexes use the ``regex`` library syntax and run with a time limit).
existence, substitution, occurrence and repetition also take

  skip        regions not to look in: any of code (fenced blocks, `inline`), quotes ("...")
              and examples (few-shot examples); default [code]; [] looks everywhere

existence     flags phrases or patterns that should not appear. Message: {match}.
  tokens      list of literal phrases (any run of whitespace in a phrase matches any run)
  patterns    list of regexes
  ignorecase  bool, default false
  nonword     bool, default false; false wraps tokens in word boundaries
  action      remove | none (default none); remove proposes deleting the match
  waste       match | none (default match): whether the match counts as wasted tokens
substitution  a verbose form and its concise replacement. Message: {match}, {replacement}.
  swap        mapping verbose -> concise (concise may be "" to delete); keys are phrases
  regex       bool, default false: keys are regexes (replacement may use \\g<1>)
  ignorecase  bool, default false; the replacement takes the case of the match
  nonword     bool, default false
  min_saving  report only replacements that save at least this many tokens (default 0)
occurrence    a pattern counted per prompt, with a maximum and/or minimum. Message: {count},
              {max}, {min}, {match} (the first match over the maximum).
  pattern     regex (required)
  ignorecase  bool, default false
  max, min    non-negative integers; at least one
  waste       excess | none (default none): matches beyond max count as wasted tokens
repetition    repeated words or near-duplicate sentences. Message: {match}, {value} (similarity).
  unit        word | sentence (required)
  threshold   0-100, default 90: rapidfuzz ratio at which two sentences are the same
              (they must also differ by at most one word, neither a number nor a negation)
  min_words   sentences shorter than this are never compared (default 4)
  ignorecase  bool, default true
  exceptions  words that may repeat (word unit), e.g. [that, had]
  ignore      phrases dropped before sentences are compared (sentence unit): emphasis and
              framing such as [please note that, you must, always]
metric        a threshold over a measure of the whole prompt. Message: {value}, {max}, {min}.
  metric      tokens | words | sentences | lines | characters | share
  pattern     regex, required for ``share`` (share of the prompt's tokens its matches hold,
              in percent)
  ignorecase  bool, default false
  max, min    numbers; ``max: token-budget`` means the configured ``token-budget``
  min_tokens  the rule applies only to prompts of at least this many tokens (default 0)
  waste       excess | none (default none): tokens over max count as wasted (tokens and
              share only)
python        logic data cannot express.
  check       "module:function", imported on first use
  scope       prompt (default; ``f(prompt, ctx) -> Iterable[Hit]``) or project
              (``f(prompts, ctx) -> Iterable[tuple[int, Hit]]``)
engine        reported by the engine itself (suppression bookkeeping); no fields.

A mistake is a ``ConfigError`` of one line naming the file, the rule and the field.
"""

from __future__ import annotations

import difflib
import functools
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex

from promptlint.checks.text import SKIP_KINDS
from promptlint.config import Config, ConfigError
from promptlint.models import FixSafety, Severity
from promptlint.resources import rules_dir

RULE_TYPES = ("existence", "substitution", "occurrence", "repetition", "metric", "python", "engine")
FIX_KINDS = ("safe", "unsafe", "display-only", "none")
# Category prefixes of the code scheme (ARCHITECTURE.md); a team pack may add its own.
KNOWN_PREFIXES = ("EFF", "DUP", "PII", "SEC", "INJ", "POL", "TIER", "TPL", "REG", "SUP")
TOKEN_BUDGET = "token-budget"

_CODE = regex.compile(r"[A-Z]{2,6}[0-9]{3}")
_NAME = regex.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_TARGET = regex.compile(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*")
_COMMON = ("code", "name", "type", "severity", "message", "doc")
_DOC_FIELDS = ("what", "why", "example", "better", "fix")


@dataclass(frozen=True, slots=True)
class RuleDoc:
    what: str
    why: str
    example: str
    better: str
    fix: str  # one of FIX_KINDS

    @property
    def summary(self) -> str:
        """The first sentence of ``what``, on one line."""
        flat = " ".join(self.what.split())
        end = flat.find(". ")
        return flat if end < 0 else flat[: end + 1]


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    type: str
    severity: Severity
    message: str
    doc: RuleDoc
    pack: str
    source: str  # the pack file
    options: Mapping[str, Any] = field(default_factory=dict)  # type fields, defaults filled
    check: str | None = None  # python rules: "module:function"
    scope: str = "prompt"  # python rules: prompt | project

    @property
    def fixable(self) -> bool:
        return self.doc.fix in ("safe", "unsafe")

    @property
    def fix_safety(self) -> FixSafety | None:
        """The safety of the edits this rule proposes (None when it proposes none)."""
        return None if self.doc.fix == "none" else FixSafety(self.doc.fix)


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]

    @functools.cached_property
    def by_code(self) -> Mapping[str, Rule]:
        return {r.code: r for r in self.rules}

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def get(self, code: str) -> Rule | None:
        return self.by_code.get(code)

    def closest(self, code: str) -> str | None:
        """The code nearest to a mistyped code or rule name."""
        wanted = code.strip()
        names = {r.name: r.code for r in self.rules}
        close = difflib.get_close_matches(wanted.lower(), list(names), n=1, cutoff=0.8)
        if close:
            return names[close[0]]
        close = difflib.get_close_matches(wanted.upper(), list(self.by_code), n=1, cutoff=0.5)
        return close[0] if close else None


# --- field validators: each returns the cleaned value or raises ValueError(problem) ---


def _bool(v: Any) -> bool:
    if not isinstance(v, bool):
        raise ValueError("must be true or false")
    return v


def _str_list(v: Any) -> tuple[str, ...]:
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, list) or not all(isinstance(x, str) and x for x in v):
        raise ValueError("must be a list of non-empty strings")
    return tuple(v)


def _regex(v: Any) -> str:
    if not isinstance(v, str) or not v:
        raise ValueError("must be a non-empty regex string")
    try:
        regex.compile(v)
    except regex.error as exc:
        raise ValueError(f"invalid regex {v!r}: {exc}") from None
    return v


def _regex_list(v: Any) -> tuple[str, ...]:
    return tuple(_regex(p) for p in _str_list(v))


def _count(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        raise ValueError("must be a non-negative integer")
    return v


def _number(v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0:
        raise ValueError("must be a non-negative number")
    return float(v)


def _limit(v: Any) -> float | str:
    if v == TOKEN_BUDGET:
        return TOKEN_BUDGET
    try:
        return _number(v)
    except ValueError:
        raise ValueError(f"must be a non-negative number or '{TOKEN_BUDGET}'") from None


def _percent(v: Any) -> float:
    n = _number(v)
    if n > 100:
        raise ValueError("must be between 0 and 100")
    return n


def _choice(*allowed: str) -> Callable[[Any], str]:
    def check(v: Any) -> str:
        if v not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}")
        return str(v)

    return check


def _swap(v: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(v, dict) or not v:
        raise ValueError("must be a non-empty mapping of verbose form -> concise form")
    pairs = []
    for key, value in v.items():
        if not isinstance(key, str) or not key.strip():
            raise ValueError("keys must be non-empty strings")
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise ValueError(f"replacement of {key!r} must be a string")
        pairs.append((key, value))
    return tuple(pairs)


def _skip(v: Any) -> tuple[str, ...]:
    kinds = () if v == [] else _str_list(v)
    for kind in kinds:
        if kind not in SKIP_KINDS:
            raise ValueError(f"must list some of {', '.join(SKIP_KINDS)} (got {kind!r})")
    return tuple(sorted(set(kinds)))


def _target(v: Any) -> str:
    if not isinstance(v, str) or not _TARGET.fullmatch(v):
        raise ValueError("must be 'package.module:function'")
    return v


_NO_DEFAULT = object()
# type -> field -> (validator, default); _NO_DEFAULT marks a required field.
_FIELDS: dict[str, dict[str, tuple[Callable[[Any], Any], Any]]] = {
    "existence": {
        "tokens": (_str_list, ()),
        "patterns": (_regex_list, ()),
        "ignorecase": (_bool, False),
        "nonword": (_bool, False),
        "action": (_choice("remove", "none"), "none"),
        "waste": (_choice("match", "none"), "match"),
        "skip": (_skip, ("code",)),
    },
    "substitution": {
        "swap": (_swap, _NO_DEFAULT),
        "regex": (_bool, False),
        "ignorecase": (_bool, False),
        "nonword": (_bool, False),
        "min_saving": (_count, 0),
        "skip": (_skip, ("code",)),
    },
    "occurrence": {
        "pattern": (_regex, _NO_DEFAULT),
        "ignorecase": (_bool, False),
        "max": (_count, None),
        "min": (_count, None),
        "waste": (_choice("excess", "none"), "none"),
        "skip": (_skip, ("code",)),
    },
    "repetition": {
        "unit": (_choice("word", "sentence"), _NO_DEFAULT),
        "threshold": (_percent, 90.0),
        "min_words": (_count, 4),
        "ignorecase": (_bool, True),
        "exceptions": (_str_list, ()),
        "ignore": (_str_list, ()),
        "skip": (_skip, ("code",)),
    },
    "metric": {
        "metric": (
            _choice("tokens", "words", "sentences", "lines", "characters", "share"),
            _NO_DEFAULT,
        ),
        "pattern": (_regex, None),
        "ignorecase": (_bool, False),
        "max": (_limit, None),
        "min": (_limit, None),
        "min_tokens": (_count, 0),
        "waste": (_choice("excess", "none"), "none"),
    },
    "python": {
        "check": (_target, _NO_DEFAULT),
        "scope": (_choice("prompt", "project"), "prompt"),
    },
    "engine": {},
}


def _cross_check(rtype: str, opts: dict[str, Any]) -> tuple[str, str] | None:
    """Constraints between fields: (field, problem) or None."""
    if rtype == "existence" and not (opts["tokens"] or opts["patterns"]):
        return "tokens", "an existence rule needs 'tokens' or 'patterns'"
    if rtype == "substitution" and opts["regex"]:
        for key, _ in opts["swap"]:
            try:
                _regex(key)
            except ValueError as exc:
                return "swap", str(exc)
    if rtype == "repetition" and opts["unit"] == "word" and opts["ignore"]:
        return "ignore", "applies to unit 'sentence' only"
    if rtype in ("occurrence", "metric") and opts["max"] is None and opts["min"] is None:
        return "max", "needs 'max' or 'min'"
    if (
        rtype == "occurrence"
        and opts["min"] is not None
        and opts["max"] is not None
        and opts["min"] > opts["max"]
    ):
        return "min", "is greater than 'max'"
    if rtype == "metric" and opts["metric"] == "share" and opts["pattern"] is None:
        return "pattern", "metric 'share' needs a 'pattern'"
    if (
        rtype == "metric"
        and opts["waste"] == "excess"
        and opts["metric"] not in ("tokens", "share")
    ):
        return "waste", "'excess' needs metric tokens or share"
    if rtype == "metric" and opts["metric"] == "share":
        for key in ("max", "min"):
            if opts[key] is not None and (opts[key] == TOKEN_BUDGET or opts[key] > 100):
                return key, "a share is a percentage between 0 and 100"
    return None


def _suggest(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _parse_rule(raw: Any, pack: str, source: str, index: int) -> Rule:
    where = f"{source}: rule #{index + 1}"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: must be a mapping")
    code = raw.get("code")
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        raise ConfigError(f"{where}: field 'code': must be PREFIX + 3 digits, like EFF001")
    where = f"{source}: {code}"

    def bad(field_name: str, problem: str) -> ConfigError:
        return ConfigError(f"{where}: field '{field_name}': {problem}")

    rtype = raw.get("type")
    if rtype not in RULE_TYPES:
        raise bad(
            "type",
            f"must be one of {', '.join(RULE_TYPES)}"
            + (_suggest(str(rtype), RULE_TYPES) if isinstance(rtype, str) else ""),
        )
    spec = _FIELDS[rtype]
    for key in raw:
        if key not in _COMMON and key not in spec:
            raise ConfigError(
                f"{where}: unknown field '{key}' for {_article(rtype)} {rtype} rule"
                + _suggest(str(key), [*_COMMON, *spec])
            )
    name = raw.get("name")
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise bad("name", "must be kebab-case, like politeness-filler")
    try:
        severity = Severity.parse(raw.get("severity", "warning"))
    except (ValueError, AttributeError):
        raise bad("severity", "must be error, warning or info") from None
    message = raw.get("message")
    if not isinstance(message, str) or not message.strip() or "\n" in message.strip():
        raise bad("message", "must be one non-empty line")
    doc_raw = raw.get("doc")
    if not isinstance(doc_raw, dict):
        raise bad("doc", f"must be a mapping with {', '.join(_DOC_FIELDS)}")
    for key in doc_raw:
        if key not in _DOC_FIELDS:
            raise bad(f"doc.{key}", "unknown documentation field" + _suggest(str(key), _DOC_FIELDS))
    for key in _DOC_FIELDS:
        value = doc_raw.get(key)
        if not isinstance(value, str) or not value.strip():
            raise bad(f"doc.{key}", "is missing or empty")
    if doc_raw["fix"] not in FIX_KINDS:
        raise bad("doc.fix", f"must be one of {', '.join(FIX_KINDS)}")
    doc = RuleDoc(*(str(doc_raw[k]).strip() for k in _DOC_FIELDS))
    opts: dict[str, Any] = {}
    for key, (validate, default) in spec.items():
        if key not in raw or raw[key] is None:
            if default is _NO_DEFAULT:
                raise bad(key, f"is required for {_article(rtype)} {rtype} rule")
            opts[key] = default
            continue
        try:
            opts[key] = validate(raw[key])
        except ValueError as exc:
            raise bad(key, str(exc)) from None
    problem = _cross_check(rtype, opts)
    if problem:
        raise bad(*problem)
    check = opts.pop("check", None)
    scope = opts.pop("scope", "prompt")
    return Rule(code, name, rtype, severity, message.strip(), doc, pack, source, opts, check, scope)


@functools.lru_cache(maxsize=64)
def _load_pack_cached(path: str, _mtime_ns: int, _size: int) -> tuple[Rule, ...]:
    import yaml

    try:
        with open(path, encoding="utf-8") as fh:
            # libyaml's loader when present: the packs are read on every run.
            data = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except OSError as exc:
        raise ConfigError(f"cannot read rule pack {path}: {exc.strerror}") from None
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ConfigError(f"{path}: invalid YAML: {first}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: a rule pack is a mapping with 'pack' and 'rules'")
    for key in data:
        if key not in ("pack", "rules"):
            raise ConfigError(f"{path}: unknown top-level key '{key}' (expected pack, rules)")
    pack = data.get("pack")
    if not isinstance(pack, str) or not pack.strip():
        raise ConfigError(f"{path}: field 'pack': must name the pack")
    rules = data.get("rules")
    if not isinstance(rules, list) or not rules:
        raise ConfigError(f"{path}: field 'rules': must be a non-empty list")
    return tuple(_parse_rule(raw, pack, path, i) for i, raw in enumerate(rules))


def load_pack(path: str | os.PathLike[str]) -> tuple[Rule, ...]:
    """Parse and validate one pack file (cached while the file is unchanged)."""
    p = str(path)
    try:
        st = os.stat(p)
    except OSError as exc:
        raise ConfigError(f"rule pack not found: {p} ({exc.strerror})") from None
    return _load_pack_cached(p, st.st_mtime_ns, st.st_size)


def builtin_pack_paths() -> list[Path]:
    """The shipped packs: ``rules/*.yaml`` (``rules/data/`` holds data, not packs)."""
    folder = rules_dir()
    return sorted(p for p in folder.glob("*.yaml") if p.is_file())


def team_pack_paths(config: Config) -> list[Path]:
    """``rule-packs`` of the config, relative to its root; a folder means its ``*.yaml``."""
    out: list[Path] = []
    for entry in config.rule_packs:
        p = Path(entry)
        if not p.is_absolute():
            p = Path(config.root) / p
        if p.is_dir():
            out.extend(sorted(x for x in p.glob("*.y*ml") if x.is_file()))
        elif p.is_file():
            out.append(p)
        else:
            raise ConfigError(f"rule-packs: {entry} not found (relative to {config.root})")
    return out


def load_rules(
    config: Config | None = None,
    *,
    builtin: bool = True,
    paths: Sequence[str | os.PathLike[str]] = (),
) -> RuleSet:
    """Every rule of the built-in packs (when ``builtin``), the config's team packs and ``paths``.

    Codes and names must be unique across all of them.
    """
    files: list[Path] = builtin_pack_paths() if builtin else []
    if config is not None:
        files.extend(team_pack_paths(config))
    files.extend(Path(p) for p in paths)
    seen_files: set[str] = set()
    by_code: dict[str, Rule] = {}
    by_name: dict[str, Rule] = {}
    for f in files:
        key = str(f.resolve())
        if key in seen_files:
            continue
        seen_files.add(key)
        for rule in load_pack(f):
            if rule.code in by_code:
                raise ConfigError(
                    f"{rule.source}: {rule.code}: code already defined in {by_code[rule.code].source}"
                )
            if rule.name in by_name:
                other = by_name[rule.name]
                raise ConfigError(
                    f"{rule.source}: {rule.code}: name '{rule.name}' already used by "
                    f"{other.code} in {other.source}"
                )
            by_code[rule.code] = rule
            by_name[rule.name] = rule
    return RuleSet(tuple(sorted(by_code.values(), key=lambda r: r.code)))
