"""Token-efficiency checks that the rule data cannot express (rules/efficiency.yaml names them).

``check_prompt`` runs once per prompt and reports any of the codes below that are enabled.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator

import regex

from promptlint.checks.base import CheckContext
from promptlint.checks.text import (
    evidence,
    example_spans,
    in_template,
    is_skipped,
    line_bounds,
    sentence_removal,
    sentence_spans,
    shorten,
    template_spans,
)
from promptlint.checks.waste import edit_saving
from promptlint.models import FixSafety, Hit, Prompt, TextEdit

COMMON_INDENT = "EFF023"
PRETTY_JSON = "EFF024"
ROLE_ONLY = "EFF041"
ROLE_SENTENCE = "EFF042"
SHOUTING = "EFF050"
FEW_SHOT = "EFF071"
CACHE_ORDER = "EFF072"
EMPTY = "EFF073"

# Providers cache a prompt prefix only from about this many tokens (OpenAI and Anthropic
# both start at 1,024), so a smaller static block gains nothing from moving first.
CACHEABLE_TOKENS = 1024
# Few-shot examples above this share of a prompt's tokens are reported...
FEW_SHOT_SHARE = 0.6
# ...when there are at least this many examples, in a prompt of at least this size.
FEW_SHOT_MIN_EXAMPLES = 3
FEW_SHOT_MIN_TOKENS = 200
# Pretty-printed JSON is reported when minifying it saves at least this many tokens.
JSON_MIN_SAVING = 8
# Common indentation is reported when removing it saves at least this many tokens.
INDENT_MIN_SAVING = 5

_ROLE_ONLY = regex.compile(
    r"\s*(?:you\s+are|you're|act\s+as)\s+(?:a|an)\s+"
    r"(?:(?:very|really|friendly|helpful|useful|smart|intelligent|knowledgeable|kind|"
    r"polite|capable|honest|harmless|and|,)\s+|,\s*)*"
    r"(?:ai\s+|virtual\s+|digital\s+)?(?:assistant|chatbot|bot|ai|language\s+model)"
    r"\s*[.!]?\s*",
    regex.IGNORECASE,
)
# Sample dialogue, quotes and code may hold a role sentence as content.
_PROSE_ONLY = ("code", "examples", "quotes")
# Words in capitals that are names, not shouting.
# fmt: off
ACRONYMS = frozenset((
    "AI", "API", "APIS", "ASAP", "AWS", "CEO", "CFO", "CI", "CD", "CLI", "CPU", "CRM", "CSS",
    "CSV", "CTO", "DB", "DNS", "DOB", "EU", "EUR", "FAQ", "GCP", "GDPR", "GET", "GPU", "GUI",
    "HIPAA", "HR", "HTML", "HTTP", "HTTPS", "ID", "IDE", "IDS", "IP", "ISO", "IT", "JSON", "JWT",
    "KPI", "LLM", "LLMS", "ML", "MFA", "NASA", "NLP", "OCR", "OK", "OS", "PATCH", "PDF", "PII",
    "PNG", "POST", "PR", "PUT", "QA", "RAM", "REST", "RFC", "SDK", "SEO", "SKU", "SLA", "SMS",
    "SQL", "SSH", "SSN", "SSO", "SVG", "TCP", "TLS", "TODO", "UDP", "UI", "UK", "UN", "URL",
    "URLS", "US", "USA", "USD", "UTC", "UTF", "UUID", "UX", "VAT", "VPN", "XML", "YAML", "DM",
    "CC", "BCC", "FYI", "ETA", "EOD",
))
# fmt: on
_CAPS_WORD = regex.compile(r"\b[A-Z][A-Z']*[A-Z]\b")
# Only spaces between shouted words: "NAME, EMAIL, PHONE" is a list of field names.
_CAPS_GAP = regex.compile(r"[ \t]+")
_DYNAMIC = regex.compile(
    r"\{\{.*?\}\}|\{%.*?%\}|\{[A-Za-z_][^{}\n]*\}|%\([A-Za-z_]\w*\)[a-z]", regex.S
)


def check_prompt(prompt: Prompt, ctx: CheckContext) -> Iterator[Hit]:
    """Every enabled efficiency check of this module, over one prompt."""
    text = prompt.text
    if not text.strip():
        if ctx.enabled(EMPTY):
            what = "empty" if not text else "whitespace only"
            yield Hit(
                EMPTY,
                0,
                len(text),
                f"Prompt is {what}: the call pays for nothing useful",
                evidence=what,
            )
        return
    if ctx.enabled(ROLE_ONLY) or ctx.enabled(ROLE_SENTENCE):
        yield from _generic_role(prompt, ctx)
    if ctx.enabled(SHOUTING):
        yield from _shouting(prompt, ctx)
    if ctx.enabled(PRETTY_JSON):
        yield from _pretty_json(prompt, ctx)
    if ctx.enabled(COMMON_INDENT):
        yield from _common_indent(prompt, ctx)
    if ctx.enabled(FEW_SHOT):
        yield from _few_shot(prompt, ctx)
    if ctx.enabled(CACHE_ORDER):
        yield from _cache_order(prompt, ctx)


def _generic_role(prompt: Prompt, ctx: CheckContext) -> Iterator[Hit]:
    """A generic role ("You are a helpful assistant.") as the whole prompt (EFF041), or as a
    sentence of its own before or after the real instructions (EFF042)."""
    text = prompt.text
    if _ROLE_ONLY.fullmatch(text):
        if ctx.enabled(ROLE_ONLY):
            start = len(text) - len(text.lstrip())
            end = len(text.rstrip())
            yield Hit(
                ROLE_ONLY,
                start,
                end,
                f"'{shorten(text.strip())}' is the whole prompt and carries no instruction",
                wasted_tokens=ctx.tokens(text, prompt.model),
                evidence=evidence(text),
            )
        return
    if not ctx.enabled(ROLE_SENTENCE):
        return
    for start, end in sentence_spans(text):
        if not _ROLE_ONLY.fullmatch(text, start, end) or is_skipped(text, _PROSE_ONLY, start, end):
            continue
        edit = sentence_removal(text, start, end)
        yield Hit(
            ROLE_SENTENCE,
            start,
            end,
            f"'{shorten(text[start:end])}' carries no instruction; the rest of the prompt does "
            "the work",
            wasted_tokens=edit_saving(ctx, prompt, edit),
            edits=(edit,),
            fix_safety=FixSafety.UNSAFE,
            evidence=evidence(text[start:end]),
        )


def _shouting(prompt: Prompt, ctx: CheckContext) -> Iterator[Hit]:
    """Runs of three or more capitalised words, at least two of them not acronyms."""
    text = prompt.text
    caps = list(_CAPS_WORD.finditer(text))
    i = 0
    while i < len(caps):
        j = i
        while j + 1 < len(caps) and _CAPS_GAP.fullmatch(text, caps[j].end(), caps[j + 1].start()):
            j += 1
        run = caps[i : j + 1]
        i = j + 1
        shouted = [m for m in run if m.group(0) not in ACRONYMS]
        if len(run) < 3 or len(shouted) < 2 or in_template(text, run[0].start(), run[-1].end()):
            continue
        start, end = run[0].start(), run[-1].end()
        if _is_label(text, start, end):
            continue
        lowered = _lower_run(text[start:end])
        wasted = max(
            0, ctx.tokens(text[start:end], prompt.model) - ctx.tokens(lowered, prompt.model)
        )
        yield Hit(
            SHOUTING,
            start,
            end,
            f"Shouting in capitals: '{shorten(text[start:end], 40)}' (capitals cost more tokens "
            "and no more attention than plain words)",
            wasted_tokens=wasted,
            evidence=evidence(text[start:end]),
        )


def _lower_run(run: str) -> str:
    return _CAPS_WORD.sub(
        lambda m: m.group(0) if m.group(0) in ACRONYMS else m.group(0).lower(), run
    )


def _is_label(text: str, start: int, end: int) -> bool:
    """A capitalised heading or section label ("OUTPUT FORMAT RULES:") is structure, not
    shouting: the run fills its line, with at most a colon or markdown markers around it."""
    line_start, line_end = line_bounds(text, start, end)
    before = text[line_start:start].strip(" \t#*_>-[")
    after = text[end:line_end].strip(" \t*_]")
    return not before and after in ("", ":", "-")


def _pretty_json(prompt: Prompt, ctx: CheckContext) -> Iterator[Hit]:
    text = prompt.text
    decoder = json.JSONDecoder()
    pos = 0
    for m in regex.finditer(r"^[ \t]*[\[{][ \t]*\r?\n", text, regex.M):
        start = text.index(m.group(0).strip(" \t\r\n"), m.start())
        if start < pos:
            continue
        try:
            value, end = decoder.raw_decode(text, start)
        except ValueError:
            continue
        block = text[start:end]
        if not isinstance(value, (dict, list)) or block.count("\n") < 3:
            continue
        pos = end
        compact = _minify(block)
        saving = ctx.tokens(block, prompt.model) - ctx.tokens(compact, prompt.model)
        if saving < JSON_MIN_SAVING:
            continue
        touches = in_template(text, start, end)
        yield Hit(
            PRETTY_JSON,
            start,
            end,
            f"Pretty-printed JSON ({block.count(chr(10)) + 1} lines): minified it saves "
            f"{saving:,} tokens",
            wasted_tokens=saving,
            edits=() if touches else (TextEdit(start, end, compact),),
            fix_safety=None if touches else FixSafety.UNSAFE,
            evidence=evidence(compact[:200]),
        )


def _minify(block: str) -> str:
    """Drop the whitespace between JSON tokens; strings and numbers stay byte for byte."""
    out: list[str] = []
    in_string = escaped = False
    for ch in block:
        if in_string:
            out.append(ch)
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
            out.append(ch)
        elif not ch.isspace():
            out.append(ch)
    return "".join(out)


def _common_indent(prompt: Prompt, ctx: CheckContext) -> Iterator[Hit]:
    """Indentation every line shares (a triple-quoted string indented with its code)."""
    text = prompt.text
    lines = regex.split(r"(?<=\n)", text)
    # The first line usually follows the opening quotes directly (as inspect.cleandoc does).
    # Offsets by running sum: summing the lines before each line is quadratic.
    starts = itertools.accumulate((len(x) for x in lines), initial=0)
    body = [(off, line) for k, (off, line) in enumerate(zip(starts, lines, strict=False)) if k > 0]
    content = [(off, line) for off, line in body if line.strip()]
    if len(content) < 3:
        return
    widths = [len(line) - len(line.lstrip(" ")) for _, line in content]
    indent = min(widths)
    if indent < 2 or any(line[:indent].strip(" ") for _, line in content):
        return
    edits = tuple(TextEdit(off, off + indent, "") for off, _ in content)
    dedented = list(text)
    for e in reversed(edits):
        dedented[e.start : e.end] = []
    saving = ctx.tokens(text, prompt.model) - ctx.tokens("".join(dedented), prompt.model)
    if saving < INDENT_MIN_SAVING:
        return
    spans = template_spans(text)
    safe = not any(in_template(text, e.start, e.end) for e in edits) or not spans
    first = content[0][0]
    yield Hit(
        COMMON_INDENT,
        first,
        first + indent,
        f"Every line is indented by {indent} spaces: {saving:,} tokens of indentation "
        "(dedent the text, e.g. with textwrap.dedent)",
        wasted_tokens=saving,
        edits=edits if safe else (),
        fix_safety=FixSafety.UNSAFE if safe else None,
        evidence=f"indent {indent}",
    )


def _few_shot(prompt: Prompt, ctx: CheckContext) -> Iterator[Hit]:
    text = prompt.text
    total = ctx.tokens(text, prompt.model)
    if total < FEW_SHOT_MIN_TOKENS:
        return
    spans = example_spans(text)
    if len(spans) < FEW_SHOT_MIN_EXAMPLES:
        return
    inside = sum(ctx.tokens(text[s:e], prompt.model) for s, e in spans)
    share = inside / total
    if share <= FEW_SHOT_SHARE:
        return
    yield Hit(
        FEW_SHOT,
        spans[0][0],
        spans[-1][1],
        f"Few-shot examples are {share:.0%} of this prompt ({len(spans)} examples, "
        f"{inside:,} of {total:,} tokens); fewer, shorter examples usually do as well",
        evidence=f"{len(spans)} examples",
        data={"examples": len(spans), "share": round(share, 3)},
    )


def _cache_order(prompt: Prompt, ctx: CheckContext) -> Iterator[Hit]:
    """Dynamic content before a large static block: the static block can never be cached."""
    text = prompt.text
    dynamic = [m.span() for m in _DYNAMIC.finditer(text)]
    if not dynamic:
        return
    first = dynamic[0]
    bounds = [*dynamic, (len(text), len(text))]
    best = (0, 0, 0)  # tokens, start, end of the largest static run after the first field
    for (_, a), (b, _) in itertools.pairwise(bounds):
        if b - a >= CACHEABLE_TOKENS:  # a token is at least one character: skip counting
            n = ctx.tokens(text[a:b], prompt.model)
            if n > best[0]:
                best = (n, a, b)
    static_after, _, _ = best
    prefix = ctx.tokens(text[: first[0]], prompt.model)
    if static_after < CACHEABLE_TOKENS or static_after <= prefix:
        return
    field_text = text[first[0] : first[1]]
    yield Hit(
        CACHE_ORDER,
        first[0],
        first[1],
        f"Dynamic '{shorten(field_text, 30)}' comes before {static_after:,} tokens of static "
        "text, which providers then cannot cache; put static content first",
        evidence=evidence(field_text),
        data={"static_tokens": static_after, "prefix_tokens": prefix},
    )
