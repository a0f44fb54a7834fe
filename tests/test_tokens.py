"""Offline token counting: bundled encodings equal tiktoken's own, nothing downloaded."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from promptlint import tokens
from tests.conftest import cli_env, run_cli

CORPUS = [
    "",
    "Hello, world!",
    "You are a helpful assistant. Answer in JSON.",
    "Résumé naïve café — 東京 — emoji 🤖🚀 and tabs\tand\r\nCRLF",
    "def f(x):\n    return {'a': x ** 2}  # comment\n",
    "   leading and trailing spaces   \n\n\n",
    "<|endoftext|> is plain text here, not a special token",
    "1234567890 3.14159 0xDEADBEEF 2026-12-02T04:50:55Z",
    "a" * 5000,
    "The quick brown fox jumps over the lazy dog. " * 50,
]

URLS = {
    "o200k_base": "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
    "cl100k_base": "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
}


def test_bundled_files_match_tiktoken_expected_hashes() -> None:
    # The hashes tiktoken's own registry expects for these encodings.
    from tiktoken_ext import openai_public

    source = Path(openai_public.__file__).read_text(encoding="utf-8")
    for name in URLS:
        data = resources.files("promptlint").joinpath("encodings", f"{name}.tiktoken").read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        assert digest in source, f"{name}: bundled file is not the one tiktoken expects"


@pytest.mark.parametrize("name", sorted(URLS))
def test_counts_equal_tiktoken_reference(name: str, tmp_path) -> None:
    """tiktoken's own loader, fed from its cache dir (in a child, sockets blocked), agrees."""
    for enc_name, url in URLS.items():
        data = (
            resources.files("promptlint").joinpath("encodings", f"{enc_name}.tiktoken").read_bytes()
        )
        (tmp_path / hashlib.sha1(url.encode()).hexdigest()).write_bytes(data)
    script = (
        "import json, sys, tiktoken\n"
        f"enc = tiktoken.get_encoding({name!r})\n"
        "corpus = json.load(sys.stdin)\n"
        "print(json.dumps([enc.encode(t, disallowed_special=()) for t in corpus]))\n"
    )
    env = cli_env({"TIKTOKEN_CACHE_DIR": str(tmp_path)})
    out = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(CORPUS),
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    )
    reference = json.loads(out.stdout)
    ours = tokens.get_encoding(name)
    for text, ref in zip(CORPUS, reference, strict=True):
        assert ours.encode_ordinary(text) == ref
        assert tokens.count_tokens(
            text, "gpt-4o" if name == "o200k_base" else "gpt-4"
        ).tokens == len(ref)


def test_corrupt_rank_file_is_refused() -> None:
    data = resources.files("promptlint").joinpath("encodings", "o200k_base.tiktoken").read_bytes()
    with pytest.raises(tokens.EncodingFileError, match="SHA-256"):
        tokens.build_encoding("o200k_base", data[:-10] + b"AAAAAAAAAA")


@pytest.mark.parametrize(
    ("model", "encoding", "estimate"),
    [
        ("gpt-4o", "o200k_base", False),
        ("gpt-4o-mini-2024-07-18", "o200k_base", False),
        ("gpt-4.1-nano", "o200k_base", False),
        ("gpt-5", "o200k_base", False),
        ("o3-mini", "o200k_base", False),
        ("gpt-4", "cl100k_base", False),
        ("gpt-4-turbo", "cl100k_base", False),
        ("gpt-3.5-turbo", "cl100k_base", False),
        ("claude-sonnet-4-5", "o200k_base", True),
        ("anthropic/claude-3-haiku", "o200k_base", True),
        ("gemini-2.5-flash", "o200k_base", True),
        ("mistral-large-latest", "o200k_base", True),
        ("meta-llama/Llama-3.3-70B-Instruct", "o200k_base", True),
        ("deepseek-chat", "o200k_base", True),
        ("some-internal-model", "o200k_base", True),
        (None, "o200k_base", False),
    ],
)
def test_model_to_encoding(model: str | None, encoding: str, estimate: bool) -> None:
    count = tokens.count_tokens("Summarise the report in three bullet points.", model)
    assert count.encoding == encoding
    assert count.estimate is estimate


def test_estimate_ratio_applies_over_o200k() -> None:
    text = "Summarise the quarterly report for the board in three short bullet points. " * 20
    exact = tokens.count_tokens(text, "gpt-4o").tokens
    claude = tokens.count_tokens(text, "claude-sonnet-4-5").tokens
    assert claude > exact  # Claude's tokenizer yields more tokens for English than o200k


def test_counter_memo_matches_direct_count() -> None:
    counter = tokens.TokenCounter("gpt-4o-mini")
    for text in CORPUS:
        assert counter.tokens(text) == tokens.count_tokens(text, "gpt-4o-mini").tokens
        assert counter.tokens(text) == tokens.count_tokens(text, "gpt-4o-mini").tokens


def test_tokens_cli_stdin_file_and_errors(tmp_path) -> None:
    r = run_cli("tokens", "-", input="Hello, world!")
    assert r.returncode == 0, r.stderr
    assert (
        r.stdout.strip()
        == f"{len(tokens.get_encoding().encode_ordinary('Hello, world!'))} tokens (o200k_base)"
    )
    f = tmp_path / "p.txt"
    f.write_text("Classify the ticket.", encoding="utf-8")
    r = run_cli("tokens", str(f), "--model", "claude-3-5-haiku", "--json")
    doc = json.loads(r.stdout)
    assert doc["estimate"] is True and doc["tokens"] > 0
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00bad")
    r = run_cli("tokens", str(bad))
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and "not valid UTF-8" in r.stderr
    r = run_cli("tokens", str(tmp_path / "missing.txt"))
    assert r.returncode == 2 and "Traceback" not in r.stderr
