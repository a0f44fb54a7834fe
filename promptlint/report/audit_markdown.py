"""The audit document as GitHub-flavoured Markdown (a wiki page, an issue, a job summary).

Cells go through ``report.markdown.escape``: text from prompts cannot become HTML or links,
and team handles (``@org/team``) cannot notify anyone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from promptlint.audit.format import location, money, monthly, number, per_1000, percent, plural
from promptlint.report.markdown import escape

Doc = dict[str, Any]
GROUPS = (
    ("by_team", "team", "Team"),
    ("by_use_case", "use case", "Use case"),
    ("by_tier", "needed tier", "Tier"),
    ("by_model", "model in use", "Model"),
)


def _table(columns: Sequence[tuple[str, bool]], rows: Sequence[Sequence[str]]) -> list[str]:
    """``columns``: (heading, numeric). Cells are escaped here."""
    if not rows:
        return ["_None._", ""]
    head = "| " + " | ".join(escape(name) for name, _ in columns) + " |"
    rule = "|" + "|".join("---:" if numeric else "---" for _, numeric in columns) + "|"
    body = ["| " + " | ".join(escape(cell) for cell in row) + " |" for row in rows]
    return [head, rule, *body, ""]


def _summary(doc: Doc) -> list[str]:
    s = doc["summary"]
    unknown = s["calls_volume_unknown"]
    rows = [
        (
            "Prompts",
            f"{s['prompts']:,} in {plural(s['calls'], 'call')} across {plural(s['files'], 'file')}",
        ),
        (
            "Tokens",
            f"{s['tokens_total']:,} total, mean {number(s['tokens_mean'])}, "
            f"p95 {s['tokens_p95']:,}, max {s['tokens_max']:,}",
        ),
        (
            "Cost per call",
            f"{money(s['cost_per_call_total'])} for one call of every prompt "
            f"(mean {money(s['cost_per_call_mean'])})",
        ),
        (
            "Cost per month",
            f"{money(s['monthly_cost'])} from "
            f"{plural(s['calls_with_volume'], 'call')} with a known volume"
            + (f"; {unknown:,} volume unknown" if unknown else ""),
        ),
        (
            "Efficiency score",
            f"{s['efficiency_score']:.1f}/100; {s['waste_tokens']:,} tokens "
            f"of waste ({money(s['waste_monthly_saving'])}/month to save)",
        ),
        (
            "Model tiers",
            f"{plural(s['tier_suggestions'], 'call')} above the tier they need "
            f"({money(s['tier_monthly_saving'])}/month to save); "
            f"{s['tier_upgrades']:,} below it",
        ),
        ("Possible saving", f"{money(s['monthly_saving'])} per month"),
        (
            "PII and secrets",
            f"{plural(s['pii_findings'], 'PII finding')}, "
            f"{plural(s['secret_findings'], 'secret')} (values masked)",
        ),
        (
            "Duplicates",
            f"{plural(s['duplicate_clusters'], 'cluster')}; copies cost "
            f"{s['duplicate_tokens']:,} tokens",
        ),
        ("Registry coverage", f"{percent(s['registry_coverage'])} of prompts"),
        ("Ownership", f"{plural(s['teams'], 'team')}, {plural(s['use_cases'], 'use case')}"),
    ]
    return _table([("", False), ("", False)], rows)


def _groups(doc: Doc, key: str, heading: str) -> list[str]:
    return _table(
        [
            (heading, False),
            ("Prompts", True),
            ("Tokens", True),
            ("Score", True),
            ("Cost / 1k calls", True),
            ("Cost / month", True),
            ("Volume unknown", True),
            ("Saving / month", True),
            ("PII + secrets", True),
        ],
        [
            (
                g["name"],
                f"{g['prompts']:,}",
                f"{g['tokens']:,}",
                f"{g['score']:.0f}",
                per_1000(g["cost_per_call"]),
                money(g["monthly_cost"]),
                f"{g['volume_unknown']:,}",
                money(g["monthly_saving"]),
                f"{g['pii'] + g['secrets']:,}",
            )
            for g in doc[key]
        ],
    )


def render(doc: Doc) -> str:
    s = doc["summary"]
    lines = [
        "# promptlint audit",
        "",
        f"Audit of {escape(', '.join(doc['paths']))}. Prices as of {doc['prices_as_of']}; "
        f"a month is {doc['assumptions']['days_per_month']} days. Money is USD. Found values "
        "are masked.",
        "",
        "## Summary",
        "",
        *_summary(doc),
    ]
    if s["calls_volume_unknown"]:
        lines += [
            f"{plural(s['calls_volume_unknown'], 'call')} have no known volume (volume "
            "unknown): they count in the cost per call, not per month. Set "
            "`tiers.calls-per-day` or annotate the call with `# promptlint: calls-per-day=N`.",
            "",
        ]
    lines += ["## Efficiency score distribution", ""]
    lines += _table(
        [("Score", False), ("Prompts", True), ("Tokens", True)],
        [
            (b["bucket"], f"{b['prompts']:,}", f"{b['tokens']:,}")
            for b in doc["efficiency_distribution"]
        ],
    )
    for key, name, heading in GROUPS:
        lines += [f"## By {name}", "", *_groups(doc, key, heading)]
    lines += ["## Top waste", ""]
    lines += _table(
        [
            ("Prompt", False),
            ("Team", False),
            ("Tokens", True),
            ("Waste", True),
            ("Rules", False),
            ("Saving / 1k calls", True),
            ("Saving / month", True),
        ],
        [
            (
                location(w),
                w["team"],
                f"{w['tokens']:,}",
                f"{w['waste_tokens']:,}",
                ", ".join(w["rules"]),
                per_1000(w["saving_per_call"]),
                monthly(w["monthly_saving"]),
            )
            for w in doc["top_waste"]
        ],
    )
    lines += ["## Model tier suggestions", ""]
    lines += _table(
        [
            ("Call", False),
            ("Team", False),
            ("Model", False),
            ("Tier", False),
            ("Suggested", False),
            ("Saving / 1k calls", True),
            ("Saving / month", True),
            ("Why", False),
        ],
        [
            (
                location(t),
                t["team"],
                t["model"],
                f"{t['model_tier']} → {t['suggested_tier']} ({t['confidence']:.2f})",
                t["suggested_model"] or "-",
                per_1000(t["saving_per_call"]),
                monthly(t["monthly_saving"]) if t["direction"] == "down" else "quality risk",
                "; ".join(t["signals"]),
            )
            for t in doc["tier_suggestions"]
        ],
    )
    lines += ["## Top savings", ""]
    lines += _table(
        [
            ("Where", False),
            ("Team", False),
            ("Action", False),
            ("Saving / 1k calls", True),
            ("Saving / month", True),
        ],
        [
            (
                location(a),
                a["team"],
                a["action"],
                per_1000(a["saving_per_call"]),
                monthly(a["monthly_saving"]),
            )
            for a in doc["top_savings"]
        ],
    )
    pii = doc["pii"]
    lines += [
        "## PII and secrets",
        "",
        f"{plural(pii['pii'], 'PII finding')}, {plural(pii['secrets'], 'secret')}, "
        f"{plural(pii['policy_violations'], 'data-policy violation')}; values masked.",
        "",
    ]
    lines += _table(
        [("Type", False), ("Kind", False), ("Count", True)],
        [(t["label"], t["category"], f"{t['count']:,}") for t in pii["by_type"]],
    )
    lines += _table(
        [
            ("Where", False),
            ("Team", False),
            ("Type", False),
            ("Value (masked)", False),
            ("Severity", False),
        ],
        [
            (
                f"{i['path']}:{i['line']}:{i['col']}",
                i["team"],
                i["label"],
                i["masked"],
                i["severity"],
            )
            for i in pii["items"]
        ],
    )
    lines += ["## Duplicate clusters", ""]
    lines += _table(
        [
            ("Copies", True),
            ("Similarity", True),
            ("Tokens", True),
            ("Teams", False),
            ("Locations", False),
        ],
        [
            (
                str(d["size"]),
                f"{d['similarity']:.0f}%",
                f"{d['tokens']:,}",
                ", ".join(d["teams"]),
                ", ".join(location(x) for x in d["locations"]),
            )
            for d in doc["duplicates"]
        ],
    )
    reg = doc["registry"]
    lines += [
        "## Registry coverage",
        "",
        f"{percent(reg['coverage'])} of prompts ({reg['prompts']:,} of {s['prompts']:,}) come "
        f"from the template registry: stored in `{reg['folder']}/` or rendered through "
        f"`registry.load` ({plural(reg['files_loading'], 'file')}).",
        "",
    ]
    return "\n".join(lines)
