"""The audit document (``promptlint.audit/1``): every report format renders from it.

Money is USD; a month is 30 days. Monthly figures count only calls whose volume is known
(``tiers.calls-per-day`` or a ``# promptlint: calls-per-day=N`` annotation); the others are
in the per-call figures and counted as "volume unknown".
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from promptlint import __version__
from promptlint.audit.calls import CallFacts, Progress, prompt_records, review_calls
from promptlint.audit.scrub import scrub
from promptlint.catalog import load_catalog
from promptlint.checks.duplicates import find_clusters
from promptlint.checks.score import score_of
from promptlint.config import Config
from promptlint.cost import DAYS_PER_MONTH
from promptlint.modelres import relative_path
from promptlint.models import CheckRun, Finding
from promptlint.pii.catalog import ALL_ENTITIES, POLICY_CODE, TEST_VALUE_CODE, label_of
from promptlint.resources import builtin_templates_dir
from promptlint.teams import TeamResolver
from promptlint.tiering import TIERS
from promptlint.tokens import TokenStore

SCHEMA = "promptlint.audit/1"
TOP = 10  # rows of the "top" lists
# Efficiency score buckets: (label, lowest score, highest score exclusive). In the document
# the last bucket reads min = max = 100: it holds the prompts without any waste.
BUCKETS = (
    ("0-49", 0, 50),
    ("50-69", 50, 70),
    ("70-79", 70, 80),
    ("80-89", 80, 90),
    ("90-99", 90, 100),
    ("100", 100, 101),
)
Record = dict[str, Any]


def _money(value: float | None) -> float | None:
    # Per-call figures are fractions of a cent: keep six significant digits so that
    # per-month figures derived from them stay exact to 1e-6, and cents for large sums.
    if value is None:
        return None
    return round(value, 6) if abs(value) >= 1 else float(f"{value:.6g}")


def _sum(values: Iterable[float | None]) -> float:
    return sum(v for v in values if v is not None)


def _p95(values: Sequence[int]) -> int:
    """Nearest-rank 95th percentile."""
    if not values:
        return 0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def _totals(rows: Sequence[Record]) -> Record:
    """Counts, tokens and money of a set of prompt records (a group or the whole run)."""
    tokens = sum(r["tokens"] for r in rows)
    waste = sum(r["waste_tokens"] for r in rows)
    waste_month = _sum(r["waste_monthly_saving"] for r in rows)
    tier_month = _sum(r["tier_monthly_saving"] for r in rows)
    return {
        "prompts": len(rows),
        "calls": len({r["call"] for r in rows}),
        "tokens": tokens,
        "waste_tokens": waste,
        "score": score_of(tokens, waste),
        "cost_per_call": _money(_sum(r["cost_per_call"] for r in rows)),
        "monthly_cost": _money(_sum(r["monthly_cost"] for r in rows)),
        "volume_unknown": sum(1 for r in rows if not r["calls_per_day"]),
        "waste_monthly_saving": _money(waste_month),
        "tier_monthly_saving": _money(tier_month),
        "monthly_saving": _money(waste_month + tier_month),
        "findings": sum(r["findings"] for r in rows),
        "pii": sum(r["pii"] for r in rows),
        "secrets": sum(r["secrets"] for r in rows),
    }


def _groups(rows: Sequence[Record], key: str, order: Sequence[str] = ()) -> list[Record]:
    """Totals per value of ``key``: biggest monthly cost first (or in ``order``)."""
    by: dict[str, list[Record]] = defaultdict(list)
    for row in rows:
        by[str(row[key])].append(row)
    groups = [{"name": name, **_totals(members)} for name, members in by.items()]
    if order:
        rank = {name: i for i, name in enumerate(order)}
        groups.sort(key=lambda g: (rank.get(g["name"], len(rank)), g["name"]))
    else:
        groups.sort(
            key=lambda g: (-g["monthly_cost"], -g["cost_per_call"], -g["tokens"], g["name"])
        )
    return groups


def _distribution(rows: Sequence[Record]) -> list[Record]:
    out = []
    for label, low, high in BUCKETS:
        members = [r for r in rows if low <= r["score"] < high]
        out.append(
            {
                "bucket": label,
                "min": low,
                "max": min(high, 100),
                "prompts": len(members),
                "tokens": sum(r["tokens"] for r in members),
            }
        )
    return out


def _waste_codes(findings: Sequence[Finding]) -> dict[int, list[str]]:
    codes: dict[int, Counter[str]] = defaultdict(Counter)
    for f in findings:
        if f.prompt_index is not None and f.wasted_tokens > 0:
            codes[f.prompt_index][f.code] += f.wasted_tokens
    return {i: [c for c, _ in counter.most_common()] for i, counter in codes.items()}


def _saving_key(item: Record) -> tuple[float, float]:
    return (item["monthly_saving"] or 0.0, item["saving_per_call"] or 0.0)


def _top_waste(rows: Sequence[Record], codes: dict[int, list[str]]) -> list[Record]:
    items = [
        {
            "path": r["path"],
            "line": r["line"],
            "team": r["team"],
            "use_case": r["use_case"],
            "tokens": r["tokens"],
            "waste_tokens": r["waste_tokens"],
            "score": r["score"],
            "rules": codes.get(i, []),
            "calls_per_day": r["calls_per_day"],
            "saving_per_call": _money(r["waste_saving_per_call"]),
            "monthly_saving": _money(r["waste_monthly_saving"]),
        }
        for i, r in enumerate(rows)
        if r["waste_tokens"] > 0
    ]
    items.sort(key=lambda t: (*_saving_key(t), t["waste_tokens"]), reverse=True)
    return items[:TOP]


def _tier_suggestions(calls: Sequence[CallFacts], rows: Sequence[Record]) -> list[Record]:
    items = []
    for call in calls:
        move = call.move
        if move is None:
            continue
        first = rows[call.indices[0]]
        est = call.result.estimate
        volume = call.volume
        saving = move.saving_per_call
        items.append(
            {
                "path": first["path"],
                "line": first["line"],
                "call": call.number,
                "team": call.team,
                "use_case": call.use_case,
                "direction": move.direction,
                "model": est.model,
                "model_tier": first["model_tier"],
                "suggested_tier": move.suggested_tier,
                "suggested_model": move.suggested_model,
                "confidence": call.result.decision.confidence,
                "signals": call.result.decision.supporting[:3],
                "cost_per_call": _money(est.cost_per_call),
                "suggested_cost_per_call": _money(move.suggested_cost_per_call),
                "saving_per_call": _money(saving),
                "calls_per_day": volume,
                "monthly_saving": _money(saving * volume * DAYS_PER_MONTH)
                if saving is not None and volume
                else None,
            }
        )
    items.sort(key=lambda t: (t["direction"] != "down", *(-v for v in _saving_key(t))))
    return items


def _top_savings(waste: Sequence[Record], tiers: Sequence[Record]) -> list[Record]:
    actions = [
        {
            "kind": "waste",
            "path": w["path"],
            "line": w["line"],
            "team": w["team"],
            "action": f"remove {w['waste_tokens']:,} waste tokens ({', '.join(w['rules'][:3])})",
            "saving_per_call": w["saving_per_call"],
            "monthly_saving": w["monthly_saving"],
        }
        for w in waste
    ] + [
        {
            "kind": "tier",
            "path": t["path"],
            "line": t["line"],
            "team": t["team"],
            "action": f"move {t['model']} to {t['suggested_model']} ({t['suggested_tier']} tier)",
            "saving_per_call": t["saving_per_call"],
            "monthly_saving": t["monthly_saving"],
        }
        for t in tiers
        if t["direction"] == "down"
    ]
    actions.sort(key=_saving_key, reverse=True)
    return actions[:TOP]


def _pii(findings: Sequence[Finding], teams: Callable[[str], str]) -> Record:
    items = []
    for f in findings:
        entity = f.data.get("entity") if f.data else None
        if not isinstance(entity, str):
            continue
        kind = ALL_ENTITIES.get(entity)
        category = (
            "test-value"
            if f.code == TEST_VALUE_CODE
            else "secret"
            if kind is not None and kind.secret
            else "pii"
        )
        items.append(
            {
                "entity": entity,
                "label": label_of(entity),
                "category": category,
                "code": f.code,
                "severity": str(f.severity),
                "path": f.path,
                "line": f.line,
                "col": f.col,
                "team": teams(f.path),
                "masked": str(f.data.get("masked") or "***"),
            }
        )
    real = [i for i in items if i["category"] != "test-value"]
    by_type = Counter((i["entity"], i["label"], i["category"]) for i in real)
    by_location = Counter((i["path"], i["team"]) for i in real)
    return {
        "pii": sum(1 for i in real if i["category"] == "pii"),
        "secrets": sum(1 for i in real if i["category"] == "secret"),
        "test_values": len(items) - len(real),
        "policy_violations": sum(1 for f in findings if f.code == POLICY_CODE),
        "by_type": [
            {"entity": e, "label": lb, "category": c, "count": n}
            for (e, lb, c), n in sorted(by_type.items(), key=lambda x: (-x[1], x[0]))
        ],
        "by_location": [
            {"path": p, "team": t, "count": n}
            for (p, t), n in sorted(by_location.items(), key=lambda x: (-x[1], x[0]))
        ],
        "items": items,
    }


def _duplicates(run: CheckRun, rows: Sequence[Record], registry: Path) -> list[Record]:
    folders = (registry, builtin_templates_dir().resolve())
    clusters = find_clusters(
        run.prompts,
        skip=lambda p: any(Path(p.path).resolve().is_relative_to(f) for f in folders),
    )
    return [
        {
            "size": len(c.members),
            "similarity": min(c.similarity),
            "tokens": sum(run.tokens[m] for m in c.members[1:]),  # what the copies cost
            "teams": sorted({rows[m]["team"] for m in c.members}),
            "locations": [
                {"path": rows[m]["path"], "line": rows[m]["line"], "similarity": s}
                for m, s in zip(c.members, c.similarity, strict=True)
            ],
        }
        for c in clusters
    ]


def _finding_record(f: Finding, teams: Callable[[str], str]) -> Record:
    return {
        "path": f.path,
        "line": f.line,
        "col": f.col,
        "code": f.code,
        "name": f.name,
        "severity": str(f.severity),
        "message": f.message,
        "wasted_tokens": f.wasted_tokens,
        "team": teams(f.path),
    }


def build_audit(
    run: CheckRun,
    config: Config,
    paths: Sequence[str],
    *,
    loading_files: frozenset[str] = frozenset(),
    progress: Progress | None = None,
    token_store: TokenStore | None = None,
) -> Record:
    """The audit document of a finished check run. ``loading_files``: paths of the files
    that render templates through ``registry.load``; ``token_store``: counts kept across
    runs (the cache)."""
    resolver = TeamResolver(config)

    def team_of(path: str) -> str:
        return resolver.team(relative_path(path, config))

    registry = (Path(config.root) / config.registry.path).resolve()
    calls = review_calls(run, config, progress, token_store)
    rows = prompt_records(run, calls, registry, loading_files)
    totals = _totals(rows)
    tokens = [r["tokens"] for r in rows]
    top_waste = _top_waste(rows, _waste_codes(run.findings))
    tiers = _tier_suggestions(calls, rows)
    pii = _pii(run.findings, team_of)
    dups = _duplicates(run, rows, registry)
    registry_prompts = sum(1 for r in rows if r["registry"])
    priced = [
        c.result.estimate.cost_per_call
        for c in calls
        if c.result.estimate.cost_per_call is not None
    ]
    upgrades = [t for t in tiers if t["direction"] == "up"]
    summary = {
        "prompts": len(rows),
        "calls": len(calls),
        "files": len({r["path"] for r in rows}),
        "files_checked": run.files_checked,
        "tokens_total": totals["tokens"],
        "tokens_mean": round(totals["tokens"] / len(rows), 1) if rows else 0.0,
        "tokens_p95": _p95(tokens),
        "tokens_max": max(tokens, default=0),
        "cost_per_call_total": totals["cost_per_call"],
        "cost_per_call_mean": _money(sum(priced) / len(priced)) if priced else None,
        "monthly_cost": totals["monthly_cost"],
        "calls_with_volume": sum(1 for c in calls if c.volume),
        "calls_volume_unknown": sum(1 for c in calls if not c.volume),
        "prompts_volume_unknown": totals["volume_unknown"],
        "calls_unpriced": len(calls) - len(priced),
        "efficiency_score": totals["score"],
        "waste_tokens": totals["waste_tokens"],
        "waste_monthly_saving": totals["waste_monthly_saving"],
        "tier_monthly_saving": totals["tier_monthly_saving"],
        "monthly_saving": totals["monthly_saving"],
        "tier_suggestions": len(tiers) - len(upgrades),
        "tier_upgrades": len(upgrades),
        "findings": len(run.findings),
        "pii_findings": pii["pii"],
        "secret_findings": pii["secrets"],
        "duplicate_clusters": len(dups),
        "duplicate_tokens": sum(d["tokens"] for d in dups),
        "registry_prompts": registry_prompts,
        "registry_coverage": round(registry_prompts / len(rows), 4) if rows else 0.0,
        "teams": len({r["team"] for r in rows}),
        "use_cases": len({r["use_case"] for r in rows}),
    }
    doc: Record = {
        "schema": SCHEMA,
        "generator": {"name": "promptlint", "version": __version__},
        "paths": list(paths),
        "config": Path(config.source).name if config.source else None,
        "prices_as_of": load_catalog(config).prices_as_of,
        "assumptions": {
            "days_per_month": DAYS_PER_MONTH,
            "default_model": config.model,
            "output_tokens": config.tiers.output_tokens,
        },
        "summary": summary,
        "efficiency_distribution": _distribution(rows),
        "by_team": _groups(rows, "team"),
        "by_use_case": _groups(rows, "use_case"),
        "by_tier": _groups(rows, "tier", order=TIERS),
        "by_model": _groups(rows, "model"),
        "top_waste": top_waste,
        "tier_suggestions": tiers,
        "top_savings": _top_savings(top_waste, tiers),
        "pii": pii,
        "duplicates": dups,
        "registry": {
            "folder": config.registry.path,
            "prompts": registry_prompts,
            "coverage": summary["registry_coverage"],
            "files_loading": len(loading_files),
        },
        "prompts": [_public(r) for r in rows],
        "findings": [_finding_record(f, team_of) for f in run.findings],
        # A path can be both skipped and noticed; say it once.
        "notices": list(
            dict.fromkeys([*run.notices, *(f"{s.path}: {s.reason}" for s in run.skipped)])
        ),
    }
    return scrub(doc, run)


def _public(row: Record) -> Record:
    """A prompt record as the document shows it: money rounded."""
    return {
        k: _money(v) if isinstance(v, float) and k.endswith(("cost", "saving", "per_call")) else v
        for k, v in row.items()
    }
