"""The prompt inventory: ``promptlint extract`` as text or JSON.

JSON schema ``promptlint.extract/1`` (documented in the README)::

    {"schema": "promptlint.extract/1",
     "prompts": [{"path", "start_line", "end_line", "start_col", "end_col", "kind", "role",
                  "owner", "reason", "text", "variables", "model", "tokens", "encoding",
                  "token_estimate", "tier", "tier_confidence", "tier_signals",
                  "model_source", "cost_per_call", ...}],
     "skipped": [{"path", "reason"}]}
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from promptlint.config import ConfigError, PiiConfig
from promptlint.models import Prompt, Skip
from promptlint.tokens import TokenCounter

SCHEMA = "promptlint.extract/1"
_DEFAULT_PII = PiiConfig()  # callers that pass no configuration still get masked text


def masked_text(text: str, pii: PiiConfig | None) -> str:
    """``text`` with detected PII and secrets masked (the pre-screen keeps presidio unloaded
    for texts without a candidate). A missing ``pii.spacy-model`` is a configuration error."""
    if pii is None or not pii.enabled:
        return text
    from promptlint.pii.analyzer import PiiSetupError
    from promptlint.pii.detect import redacted

    try:
        return redacted(text, pii)
    except PiiSetupError as exc:
        raise ConfigError(str(exc)) from None


def prompt_record(
    prompt: Prompt,
    counter: TokenCounter,
    default_model: str,
    pii: PiiConfig | None = _DEFAULT_PII,
    tier_info: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """``tier_info``: the prompt's ``cost.call_fields`` entry (its call judged as a whole);
    without it the prompt is judged alone on ``default_model``."""
    count = counter.count(prompt.text, prompt.model or default_model)
    if tier_info is None:
        from promptlint.config import Config
        from promptlint.cost import call_fields

        tier_info = call_fields([prompt], Config(model=default_model), counter)[0]
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
        "text": masked_text(prompt.text, pii),
        "variables": list(prompt.variables),
        "model": prompt.model,
        "tokens": count.tokens,
        "encoding": count.encoding,
        "token_estimate": count.estimate,
        **tier_info,  # tier, tier_confidence, tier_signals, model (resolved), model_source, cost_per_call
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
