"""``promptlint audit``: where the prompt tokens and money go, by team and by use case.

The audit is one JSON document, ``promptlint.audit/1``; the text, Markdown and HTML reports
render from it. Top-level keys:

- ``schema``, ``generator``, ``paths``, ``config``, ``prices_as_of``, ``assumptions``
- ``summary``: inventory (prompts, calls, tokens total / mean / p95), cost per call and per
  month, volume-unknown counts, efficiency score, waste and savings, PII / secret counts,
  duplicate clusters, registry coverage
- ``efficiency_distribution``: prompts and tokens per score bucket
- ``by_team``, ``by_use_case``, ``by_tier``, ``by_model``: the same totals per group; groups
  partition the prompts, so each list adds up to the summary
- ``top_waste``, ``tier_suggestions``, ``top_savings``: what to fix, with money to save
- ``pii``: counts by type and location and the items, masked values only
- ``duplicates``, ``registry``, ``prompts``, ``findings``, ``notices``
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from promptlint.audit.calls import Progress
from promptlint.audit.document import SCHEMA, build_audit
from promptlint.config import Config

if TYPE_CHECKING:
    from promptlint.cache import Cache

__all__ = ["SCHEMA", "build_audit", "run_audit"]

# Called with a stage name ("files", "checks", "calls"); returns the stage's progress callback.
StageReporter = Callable[[str], Progress]


def run_audit(
    paths: Sequence[str],
    config: Config,
    *,
    jobs: int | None = None,
    stages: StageReporter | None = None,
    cache: Cache | None = None,
) -> dict[str, Any]:
    """Discover, extract and check ``paths``, then build the audit document."""
    from promptlint.engine import run_check_on_inventory
    from promptlint.inventory import build_inventory

    inv = build_inventory(
        tuple(paths) or (".",),
        config,
        jobs=jobs,
        progress=stages("files") if stages else None,
        cache=cache,
    )
    # One long step without a count of its own: the bar pulses until it is done.
    checking = stages("checks") if stages else None
    run = run_check_on_inventory(inv, config, cache=cache)
    if checking:
        checking(1, 1)
    loading = frozenset(r.path for r in inv.results if r.uses_registry)
    doc = build_audit(
        run,
        config,
        list(paths) or ["."],
        loading_files=loading,
        progress=stages("calls") if stages else None,
        token_store=cache,
    )
    if cache is not None:
        cache.flush()
    return doc
