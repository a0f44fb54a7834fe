"""The audit's sections as plain tables of display strings, shared by the text and Markdown
renderings (HTML builds its own: sortable cells carry raw numbers).

A column is ``(heading, kind)``: ``num`` (right-aligned), ``text`` (one line), ``loc`` (a
path:line) or ``wrap`` (free text). Cells are unescaped; each renderer escapes its own way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from promptlint.audit.format import location, money, monthly, number, per_1000, percent, plural

Doc = dict[str, Any]
Column = tuple[str, str]
# (document key, section name, first heading, chart it: group names short enough for bars)
GROUPS = (
    ("by_team", "team", "Team", True),
    ("by_use_case", "use case", "Use case", True),
    ("by_tier", "needed tier", "Tier", True),
    ("by_model", "model in use", "Model", False),
)


@dataclass(frozen=True, slots=True)
class Table:
    columns: Sequence[Column]
    rows: Sequence[Sequence[str]]
    values: Sequence[float] = ()  # per row, what a renderer may draw as a bar


def summary_rows(doc: Doc) -> list[tuple[str, str]]:
    s = doc["summary"]
    unknown = s["calls_volume_unknown"]
    return [
        (
            "Prompts",
            f"{s['prompts']:,} in {plural(s['calls'], 'call')} across {plural(s['files'], 'file')}",
        ),
        (
            "Tokens",
            f"{s['tokens_total']:,} total · mean {number(s['tokens_mean'])} · "
            f"p95 {s['tokens_p95']:,} · max {s['tokens_max']:,}",
        ),
        (
            "Cost per call",
            f"{money(s['cost_per_call_total'])} for one call of every prompt · "
            f"mean {money(s['cost_per_call_mean'])}",
        ),
        (
            "Cost per month",
            f"{money(s['monthly_cost'])} from "
            f"{plural(s['calls_with_volume'], 'call')} with a known volume"
            + (f" · {unknown:,} volume unknown" if unknown else ""),
        ),
        (
            "Efficiency",
            f"{s['efficiency_score']:.1f}/100 · {s['waste_tokens']:,} tokens of waste "
            f"· {money(s['waste_monthly_saving'])}/month to save",
        ),
        (
            "Model tiers",
            f"{plural(s['tier_suggestions'], 'call')} above the tier they need "
            f"({money(s['tier_monthly_saving'])}/month to save) · "
            f"{s['tier_upgrades']:,} below it",
        ),
        ("Savings", f"{money(s['monthly_saving'])} per month in total"),
        (
            "PII and secrets",
            f"{plural(s['pii_findings'], 'PII finding')} · "
            f"{plural(s['secret_findings'], 'secret')} (values masked)",
        ),
        (
            "Duplicates",
            f"{plural(s['duplicate_clusters'], 'cluster')} · copies cost "
            f"{s['duplicate_tokens']:,} tokens",
        ),
        ("Registry", f"{percent(s['registry_coverage'])} of prompts from the template registry"),
        ("Ownership", f"{plural(s['teams'], 'team')} · {plural(s['use_cases'], 'use case')}"),
    ]


def volume_note(doc: Doc) -> str:
    """Why some calls count per call only; empty when every call has a volume."""
    unknown = doc["summary"]["calls_volume_unknown"]
    if not unknown:
        return ""
    return (
        f"{plural(unknown, 'call')} without a known volume (volume unknown) count in the cost "
        "per call, not per month: set tiers.calls-per-day in the configuration or annotate "
        "the call with '# promptlint: calls-per-day=N'."
    )


def distribution(doc: Doc) -> Table:
    buckets = doc["efficiency_distribution"]
    return Table(
        [("Score", "text"), ("Prompts", "num"), ("Tokens", "num")],
        [(b["bucket"], f"{b['prompts']:,}", f"{b['tokens']:,}") for b in buckets],
        [b["prompts"] for b in buckets],
    )


def groups(doc: Doc, key: str, heading: str, bars: bool = True) -> Table:
    """Totals per group; ``bars``: chart the monthly cost."""
    return Table(
        [
            (heading, "text"),
            ("Prompts", "num"),
            ("Tokens", "num"),
            ("Score", "num"),
            ("Cost / 1k calls", "num"),
            ("Cost / month", "num"),
            ("Volume unknown", "num"),
            ("Saving / month", "num"),
            ("PII + secrets", "num"),
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
        [g["monthly_cost"] or 0.0 for g in doc[key]] if bars else (),
    )


def waste(doc: Doc) -> Table:
    return Table(
        [
            ("Prompt", "loc"),
            ("Team", "text"),
            ("Tokens", "num"),
            ("Waste", "num"),
            ("Rules", "wrap"),
            ("Saving / 1k calls", "num"),
            ("Saving / month", "num"),
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


def tiers(doc: Doc) -> list[tuple[str, Table]]:
    """Calls above their tier (a saving) and, when there are any, calls below it."""
    columns: list[Column] = [
        ("Call", "loc"),
        ("Model", "text"),
        ("Tier", "text"),
        ("Suggested", "text"),
    ]

    def head(t: Doc) -> tuple[str, ...]:
        move = f"{t['model_tier']} → {t['suggested_tier']} ({t['confidence']:.2f})"
        return (location(t), t["model"], move, t["suggested_model"] or "-")

    rows = doc["tier_suggestions"]
    out = [
        (
            "Calls above the tier they need (saving)",
            Table(
                [*columns, ("Saving / 1k calls", "num"), ("Saving / month", "num")],
                [
                    (*head(t), per_1000(t["saving_per_call"]), monthly(t["monthly_saving"]))
                    for t in rows
                    if t["direction"] == "down"
                ],
            ),
        )
    ]
    below = [t for t in rows if t["direction"] == "up"]
    if below:
        extra = [
            per_1000(None if t["saving_per_call"] is None else -t["saving_per_call"]) for t in below
        ]
        out.append(
            (
                "Calls below the tier they need (quality risk; extra cost)",
                Table(
                    [*columns, ("Extra / 1k calls", "num"), ("Why", "wrap")],
                    [
                        (*head(t), cost, "; ".join(t["signals"]))
                        for t, cost in zip(below, extra, strict=True)
                    ],
                ),
            )
        )
    return out


def savings(doc: Doc) -> Table:
    return Table(
        [
            ("Where", "loc"),
            ("Team", "text"),
            ("Action", "wrap"),
            ("Saving / 1k calls", "num"),
            ("Saving / month", "num"),
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


def pii_title(doc: Doc) -> str:
    pii = doc["pii"]
    return (
        f"PII and secrets: {plural(pii['pii'], 'PII finding')}, "
        f"{plural(pii['secrets'], 'secret')}, "
        f"{plural(pii['policy_violations'], 'data-policy violation')} (values masked)"
    )


def pii_types(doc: Doc) -> Table:
    return Table(
        [("Type", "text"), ("Kind", "text"), ("Count", "num")],
        [(t["label"], t["category"], f"{t['count']:,}") for t in doc["pii"]["by_type"]],
    )


def pii_items(doc: Doc) -> Table:
    return Table(
        [
            ("Where", "loc"),
            ("Team", "text"),
            ("Type", "text"),
            ("Kind", "text"),
            ("Value (masked)", "text"),
            ("Severity", "text"),
        ],
        [
            (
                f"{i['path']}:{i['line']}:{i['col']}",
                i["team"],
                i["label"],
                i["category"],
                i["masked"],
                i["severity"],
            )
            for i in doc["pii"]["items"]
        ],
    )


def duplicates(doc: Doc) -> Table:
    return Table(
        [
            ("Copies", "num"),
            ("Similarity", "num"),
            ("Tokens", "num"),
            ("Teams", "text"),
            ("Locations", "wrap"),
        ],
        [
            (
                f"{d['size']}",
                f"{d['similarity']:.0f}%",
                f"{d['tokens']:,}",
                ", ".join(d["teams"]),
                ", ".join(location(x) for x in d["locations"]),
            )
            for d in doc["duplicates"]
        ],
    )


def registry_sentence(doc: Doc, code: str = "") -> str:
    """Registry coverage in one sentence; ``code`` quotes names (a backtick for Markdown)."""
    reg = doc["registry"]
    return (
        f"{percent(reg['coverage'])} of prompts ({reg['prompts']:,} of "
        f"{doc['summary']['prompts']:,}) come from the template registry: stored in "
        f"{code}{reg['folder']}/{code} or rendered through {code}registry.load{code} "
        f"({plural(reg['files_loading'], 'file')})."
    )


def sections(doc: Doc) -> list[tuple[str, Table | list[Table]]]:
    """Every section after the summary, in page order: (title, its tables)."""
    out: list[tuple[str, Table | list[Table]]] = [
        ("Efficiency score distribution", distribution(doc)),
    ]
    out += [(f"By {name}", groups(doc, key, h, bars)) for key, name, h, bars in GROUPS]
    out.append(("Top waste", waste(doc)))
    out += tiers(doc)
    out.append(("Top savings", savings(doc)))
    out.append((pii_title(doc), [pii_types(doc), pii_items(doc)]))
    out.append(("Duplicate clusters", duplicates(doc)))
    return out
