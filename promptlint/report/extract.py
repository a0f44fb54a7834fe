"""The prompt inventory: ``promptlint extract`` as text or JSON.

JSON schema ``promptlint.extract/1`` (documented in the README)::

    {"schema": "promptlint.extract/1",
     "prompts": [{"path", "start_line", "end_line", "start_col", "end_col", "kind", "role",
                  "owner", "reason", "text", "variables", "model", "tokens", "encoding",
                  "token_estimate", ...}],
     "skipped": [{"path", "reason"}]}
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from promptlint.models import Prompt, Skip
from promptlint.tokens import TokenCounter

SCHEMA = "promptlint.extract/1"


def prompt_record(prompt: Prompt, counter: TokenCounter, default_model: str) -> dict[str, Any]:
    count = counter.count(prompt.text, prompt.model or default_model)
    return {
        "path": prompt.path,
        "start_line": prompt.start_line,
        "start_col": prompt.start_col,
        "end_line": prompt.end_line,
        "end_col": prompt.end_col,
        "kind": prompt.kind,
        "role": prompt.role,
        "owner": prompt.owner,
        "reason": prompt.reason,
        "text": prompt.text,
        "variables": list(prompt.variables),
        "model": prompt.model,
        "tokens": count.tokens,
        "encoding": count.encoding,
        "token_estimate": count.estimate,
    }


def to_json(records: list[dict[str, Any]], skipped: Iterable[Skip]) -> str:
    doc = {
        "schema": SCHEMA,
        "prompts": records,
        "skipped": [{"path": s.path, "reason": s.reason} for s in skipped],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False)


def first_words(text: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def to_text(records: list[dict[str, Any]]) -> str:
    lines = []
    for r in records:
        est = "~" if r["token_estimate"] else ""
        role = f" {r['role']}" if r["role"] else ""
        lines.append(
            f"{r['path']}:{r['start_line']}:{r['start_col']}: {est}{r['tokens']} tokens "
            f"[{r['kind']}/{r['reason']}{role}] {first_words(r['text'])}"
        )
    total = sum(r["tokens"] for r in records)
    files = len({r["path"] for r in records})
    lines.append(f"{len(records)} prompts in {files} files, {total} tokens")
    return "\n".join(lines)
