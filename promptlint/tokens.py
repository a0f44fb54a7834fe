"""Offline token counting with tiktoken.

The ``o200k_base`` and ``cl100k_base`` rank files ship inside the package
(``promptlint/encodings/``) and are checked against the SHA-256 values tiktoken itself
expects, so nothing is ever downloaded and no environment variable is touched.
Models of other vendors get a documented estimate: a ratio over o200k_base counts,
flagged ``estimate=True`` in every output.
"""

from __future__ import annotations

import base64
import fnmatch
import functools
import hashlib
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import tiktoken

_ENDOFTEXT = "<|endoftext|>"
_ENDOFPROMPT = "<|endofprompt|>"

# name -> (file, sha256 tiktoken expects, pat_str, special tokens); copied from tiktoken_ext.
_ENCODINGS: dict[str, tuple[str, str, str, dict[str, int]]] = {
    "o200k_base": (
        "o200k_base.tiktoken",
        "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
        "|".join(
            [
                r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
                r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
                r"""\p{N}{1,3}""",
                r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
                r"""\s*[\r\n]+""",
                r"""\s+(?!\S)""",
                r"""\s+""",
            ]
        ),
        {_ENDOFTEXT: 199999, _ENDOFPROMPT: 200018},
    ),
    "cl100k_base": (
        "cl100k_base.tiktoken",
        "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
        r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s""",
        {
            _ENDOFTEXT: 100257,
            "<|fim_prefix|>": 100258,
            "<|fim_middle|>": 100259,
            "<|fim_suffix|>": 100260,
            _ENDOFPROMPT: 100276,
        },
    ),
}

DEFAULT_ENCODING = "o200k_base"

# (model glob, encoding, ratio over that encoding's count, exact?) -- first match wins.
# Ratios for other vendors are estimates from counting the same English/code corpus with
# each vendor's published tokenizer or token-count API; they are documented in the README.
_MODEL_RULES: tuple[tuple[str, str, float, bool], ...] = (
    ("gpt-4o*", "o200k_base", 1.0, True),
    ("chatgpt-4o*", "o200k_base", 1.0, True),
    ("gpt-4.1*", "o200k_base", 1.0, True),
    ("gpt-4.5*", "o200k_base", 1.0, True),
    ("gpt-5*", "o200k_base", 1.0, True),
    ("gpt-oss*", "o200k_base", 1.0, True),
    ("o1*", "o200k_base", 1.0, True),
    ("o3*", "o200k_base", 1.0, True),
    ("o4*", "o200k_base", 1.0, True),
    ("gpt-4*", "cl100k_base", 1.0, True),
    ("gpt-3.5*", "cl100k_base", 1.0, True),
    ("gpt-35*", "cl100k_base", 1.0, True),
    ("text-embedding-3*", "cl100k_base", 1.0, True),
    ("text-embedding-ada*", "cl100k_base", 1.0, True),
    ("claude*", "o200k_base", 1.20, False),
    ("anthropic/*", "o200k_base", 1.20, False),
    ("gemini*", "o200k_base", 1.05, False),
    ("gemma*", "o200k_base", 1.05, False),
    ("mistral*", "o200k_base", 1.15, False),
    ("mixtral*", "o200k_base", 1.15, False),
    ("codestral*", "o200k_base", 1.15, False),
    ("ministral*", "o200k_base", 1.15, False),
    ("magistral*", "o200k_base", 1.15, False),
    ("open-mistral*", "o200k_base", 1.15, False),
    ("llama*", "o200k_base", 1.05, False),
    ("meta-llama/*", "o200k_base", 1.05, False),
    ("deepseek*", "o200k_base", 1.10, False),
    ("command*", "o200k_base", 1.10, False),
    ("qwen*", "o200k_base", 1.05, False),
)


class EncodingFileError(RuntimeError):
    """A bundled rank file is missing or does not match tiktoken's expected hash."""


@dataclass(frozen=True, slots=True)
class TokenCount:
    tokens: int
    encoding: str
    estimate: bool  # True when the model's own tokenizer is not available offline


@dataclass(frozen=True, slots=True)
class ModelEncoding:
    encoding: str
    ratio: float
    exact: bool


def model_encoding(model: str | None) -> ModelEncoding:
    """Which bundled encoding counts tokens for ``model`` (and whether it is exact)."""
    if not model:
        return ModelEncoding(DEFAULT_ENCODING, 1.0, True)
    name = (
        model.lower().rsplit("/", 1)[-1]
        if not model.lower().startswith(("anthropic/", "meta-llama/"))
        else model.lower()
    )
    for pattern, encoding, ratio, exact in _MODEL_RULES:
        if fnmatch.fnmatchcase(name, pattern):
            return ModelEncoding(encoding, ratio, exact)
    # Unknown models: count with o200k_base and say it is an estimate.
    return ModelEncoding(DEFAULT_ENCODING, 1.0, False)


def get_encoding(name: str = DEFAULT_ENCODING) -> tiktoken.Encoding:
    """A bundled encoding, built once per process, its rank file verified."""
    return _load_encoding(name)


# Keyed by the name alone: get_encoding() and get_encoding("o200k_base") share one build.
@functools.cache
def _load_encoding(name: str) -> tiktoken.Encoding:
    if name not in _ENCODINGS:
        raise EncodingFileError(f"unknown encoding {name!r} (bundled: {', '.join(_ENCODINGS)})")
    filename = _ENCODINGS[name][0]
    try:
        data = resources.files("promptlint").joinpath("encodings", filename).read_bytes()
    except OSError as exc:
        raise EncodingFileError(f"bundled encoding file {filename} is missing: {exc}") from None
    return build_encoding(name, data)


def build_encoding(name: str, data: bytes) -> tiktoken.Encoding:
    """An Encoding from rank-file bytes, refused unless they hash to what tiktoken expects."""
    import tiktoken

    filename, expected, pat_str, special = _ENCODINGS[name]
    if hashlib.sha256(data).hexdigest() != expected:
        raise EncodingFileError(f"encoding file {filename} is corrupt (SHA-256 mismatch)")
    ranks: dict[bytes, int] = {}
    for line in data.splitlines():
        if line:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    return tiktoken.Encoding(name, pat_str=pat_str, mergeable_ranks=ranks, special_tokens=special)


def count_tokens(text: str, model: str | None = None) -> TokenCount:
    """Tokens of ``text`` for ``model`` (special-token strings count as plain text)."""
    me = model_encoding(model)
    n = len(get_encoding(me.encoding).encode_ordinary(text)) if text else 0
    if me.ratio != 1.0:
        n = round(n * me.ratio)
    return TokenCount(n, me.encoding, not me.exact)


class TokenStore(Protocol):
    """Counts kept across runs (``promptlint.cache.Cache``): a warm run need not build tiktoken."""

    def get_tokens(self, encoding: str, text: str) -> int | None: ...

    def put_tokens(self, encoding: str, text: str, n: int) -> None: ...


class TokenCounter:
    """Counts tokens with a per-instance memo (prompts repeat across rules and reports)."""

    def __init__(self, default_model: str | None = None, store: TokenStore | None = None) -> None:
        self.default_model = default_model
        self._memo: dict[tuple[str, str], int] = {}
        self._store = store

    def count(self, text: str, model: str | None = None) -> TokenCount:
        me = model_encoding(model or self.default_model)
        key = (me.encoding, text)
        n = self._memo.get(key)
        if n is None and text and self._store is not None:
            n = self._store.get_tokens(me.encoding, text)
        if n is None:
            n = len(get_encoding(me.encoding).encode_ordinary(text)) if text else 0
            if text and self._store is not None:
                self._store.put_tokens(me.encoding, text, n)
        self._memo[key] = n
        if me.ratio != 1.0:
            n = round(n * me.ratio)
        return TokenCount(n, me.encoding, not me.exact)

    def tokens(self, text: str, model: str | None = None) -> int:
        return self.count(text, model).tokens
