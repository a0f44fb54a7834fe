"""Is this text written for a model, and is this name a prompt's name?

The Python extractor finds candidates by where text goes (signals); these tests keep out
the look-alikes: identifiers, paths, regexes, SQL, markup and code among texts, shell and
terminal prompts among names.
"""

from __future__ import annotations

import re

_PLACEHOLDER = re.compile(r"\{[^{}\n]*\}|%\(\w+\)[#0 +-]*\d*(?:\.\d+)?[a-zA-Z]|%[sdifr]")
_WORD = re.compile(r"[^\W\d_]{2,}")
_SQL = re.compile(
    r"^\s*(?:SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|WITH|MERGE|TRUNCATE|PRAGMA)\b"
    r"[\s\S]*\b(?:FROM|INTO|SET|TABLE|VALUES|WHERE|INDEX|VIEW)\b",
    re.IGNORECASE,
)
_HTML = re.compile(
    r"<(?:!DOCTYPE|html|head|body|div|span|table|tr|td|th|ul|ol|li|br|hr|p|a|img|h[1-6]|form"
    r"|input|script|style)\b",
    re.IGNORECASE,
)
_CODE_LINE = re.compile(
    r"^[ \t]*(?:import \w|from [\w.]+ import |def \w|class \w|#!|# -\*-|@media|<\?xml|\{%"
    r"|\\(?:documentclass|begin|def|usepackage)\b|function\s*\w*\()",
    re.MULTILINE,
)
_RULERS = re.compile(r"([^\w\s])\1{2,}")  # "=====", "----": separators, not code
_CODE_CHARS = tuple("(){}[];=$\\<>|")
# How prompts open: what lets a text under a generic name (*_template) count on its own.
_OPENS_LIKE_PROMPT = re.compile(
    r"\s*(?:you\b|you're|your\b|act as|pretend|imagine you|given\b|answer|respond|reply"
    r"|summari[sz]e|translate|classify|extract|generate|write|rewrite|explain|describe"
    r"|analy[sz]e|review|identify|determine|use the|based on|below is|here is|as an?\b"
    r"|read|follow|keep|always|never|do not|don't|think|consider|make sure"
    r"|(?:system|user|human|assistant):|#+\s*(?:role|task|instructions?|context)\b"
    r"|<(?:instructions?|context|task|system)>)",
    re.IGNORECASE,
)
# Files that visibly work with a model (imports, clients, model names, prompt paths).
_LLM_HINT = re.compile(
    r"(?<![A-Za-z])(?:openai|anthropic|langchain|llama_index|litellm|genai|generativeai|vertexai"
    r"|mistralai|cohere|ollama|crewai|autogen|dspy|semantic_kernel|bedrock|llm|llms|gpt|claude"
    r"|gemini|chatgpt)(?![A-Za-z])",
    re.IGNORECASE,
)
_NAME_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_PROMPT_NAME_WORDS = frozenset(
    {
        "prompt",
        "prompts",
        "template",
        "templates",
        "tmpl",
        "instruction",
        "instructions",
    }
)
_SHELL_NAME_WORDS = frozenset(
    {
        "ps",
        "shell",
        "tty",
        "terminal",
        "repl",
        "cmd",
        "command",
        "virtual",
        "readline",
        "bash",
    }
)
_SYSTEM_NAME_WORDS = frozenset({"message", "msg", "text", "content"})
_STRONG_SYSTEM_WORDS = frozenset({"message", "msg", "instruction", "instructions"})


def _without_fields(text: str) -> str:
    """``text`` with ``{...}`` fields (nested ones too) blanked out; ``{{`` stays."""
    if "{" not in text:
        return text
    out: list[str] = []
    depth = 0
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if depth == 0 and text.startswith(("{{", "}}"), i):
            out.append(c)
            i += 2
            continue
        if c == "{":
            depth += 1
            if depth == 1:
                out.append(" ")
        elif c == "}" and depth:
            depth -= 1
        elif depth == 0:
            out.append(c)
        i += 1
    return "".join(out)


def looks_like_prose(text: str, min_words: int = 2) -> bool:
    """Words a model reads, not an identifier, path, regex, SQL, markup or code."""
    bare = _RULERS.sub(" ", _PLACEHOLDER.sub(" ", _without_fields(text)))
    words = _WORD.findall(bare)
    core = bare.strip()
    if len(words) < min_words or (" " not in core and "\n" not in core):
        return False
    if _SQL.match(text) or _HTML.search(text):
        return False
    dense = len(bare) - bare.count(" ") - bare.count("\n")
    # A prompt may quote code in a fence; bare code is not a prompt.
    if "```" not in text and (
        _CODE_LINE.search(text) or sum(map(bare.count, _CODE_CHARS)) * 8 > dense
    ):
        return False
    return sum(map(len, words)) * 2 >= dense


def is_prompt_name(name: str) -> bool:
    """Prompt naming conventions: *_PROMPT*, *_TEMPLATE*, *SYSTEM*, *INSTRUCTION*, *_prompt...

    Shell and terminal prompts (``PS1_PROMPT``, ``shell_prompt``) are not model prompts.
    """
    low = name.lower()
    if (
        "prompt" not in low
        and "templ" not in low
        and "tmpl" not in low
        and "instruction" not in low
        and "system" not in low
    ):
        return False
    words = [w.lower() for w in _NAME_WORDS.findall(name)]
    if any(w in _SHELL_NAME_WORDS for w in words):
        return False
    if any(w in _PROMPT_NAME_WORDS for w in words):
        return True
    if "system" not in words:
        return False
    if name.isupper():
        return True
    return words[0] == "system" and (len(words) == 1 or words[1] in _SYSTEM_NAME_WORDS)


def name_says_prompt(name: str) -> bool:
    """Names that say "prompt", or ``system_message`` / ``system_instructions`` (LLM
    vocabulary), are enough on their own; ``*_template``, ``system``, ``instructions`` are
    common far from models (error-message templates, UI help) and need more evidence."""
    words = [w.lower() for w in _NAME_WORDS.findall(name)]
    if "prompt" in words or "prompts" in words:
        return True
    return words[:1] == ["system"] and len(words) > 1 and words[1] in _STRONG_SYSTEM_WORDS


def opens_like_prompt(text: str) -> bool:
    """Does ``text`` open the way prompts do ("You are", "Summarise", "Given the")?"""
    return _OPENS_LIKE_PROMPT.match(text) is not None


def mentions_llm(source: str) -> bool:
    """Does source text name a model SDK, framework or model family?"""
    return _LLM_HINT.search(source) is not None
