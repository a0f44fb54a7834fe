"""The audit document as terminal tables (rich). Plain text unless ``color`` is asked for.

Per-call money is shown per 1,000 calls, which reads better than fractions of a cent.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from promptlint.audit.format import location, money, monthly, number, per_1000, percent, plural

Doc = dict[str, Any]
GROUPS = (
    ("by_team", "team", "Team", True),
    ("by_use_case", "use case", "Use case", True),
    ("by_tier", "needed tier", "Tier", True),
    ("by_model", "model in use", "Model", False),
)


def _bar(value: float, top: float, width: int) -> str:
    if top <= 0 or value <= 0:
        return ""
    return "█" * max(1, round(width * value / top))


def _summary(doc: Doc) -> Any:
    from rich.table import Table

    s = doc["summary"]
    unknown = s["calls_volume_unknown"]
    rows = [
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
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for key, value in rows:
        table.add_row(key, value)
    return table


def _table(columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[str]]) -> Any:
    """``columns``: (heading, kind) with kind "num" (right-aligned, one line), "text" (one
    line), "loc" (a path:line, folded only when the terminal is too narrow) or "wrap" (free
    text that wraps)."""
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for name, kind in columns:
        table.add_column(
            name,
            justify="right" if kind == "num" else "left",
            no_wrap=kind in ("num", "text"),
            overflow="fold",
            min_width={"wrap": 16, "loc": 20}.get(kind),
        )
    for row in rows:
        table.add_row(*row)
    if not rows:
        table.add_row("none", *([""] * (len(columns) - 1)))
    return table


def _groups(doc: Doc, key: str, heading: str, bars: bool) -> Any:
    """Totals per group; ``bars`` adds a bar of the monthly cost (for short group names)."""
    top = max((g["monthly_cost"] or 0 for g in doc[key]), default=0)
    cols = [
        (heading, "text"),
        ("Prompts", "num"),
        ("Tokens", "num"),
        ("Score", "num"),
        ("Cost/1k calls", "num"),
        ("Cost/month", "num"),
        ("No volume", "num"),
        ("Saving/month", "num"),
        ("PII", "num"),
    ]
    rows = [
        [
            g["name"],
            f"{g['prompts']:,}",
            f"{g['tokens']:,}",
            f"{g['score']:.0f}",
            per_1000(g["cost_per_call"]),
            money(g["monthly_cost"]),
            f"{g['volume_unknown']:,}",
            money(g["monthly_saving"]),
            f"{g['pii'] + g['secrets']:,}",
        ]
        for g in doc[key]
    ]
    if bars:
        cols.append(("", "text"))
        for row, group in zip(rows, doc[key], strict=True):
            row.append(_bar(group["monthly_cost"] or 0, top, 10))
    return _table(cols, rows)


def _distribution(doc: Doc) -> Any:
    buckets = doc["efficiency_distribution"]
    top = max((b["prompts"] for b in buckets), default=0)
    rows = [
        (b["bucket"], f"{b['prompts']:,}", f"{b['tokens']:,}", _bar(b["prompts"], top, 30))
        for b in buckets
    ]
    return _table([("Score", "text"), ("Prompts", "num"), ("Tokens", "num"), ("", "text")], rows)


def _tiers(doc: Doc) -> list[tuple[str, Any]]:
    tiers = doc["tier_suggestions"]
    above = [t for t in tiers if t["direction"] == "down"]
    below = [t for t in tiers if t["direction"] == "up"]
    out = [
        (
            "Calls above the tier they need (saving)",
            _table(
                [
                    ("Call", "loc"),
                    ("Model", "text"),
                    ("Tier", "text"),
                    ("Suggested", "text"),
                    ("Per 1k calls", "num"),
                    ("Per month", "num"),
                ],
                [
                    (
                        location(t),
                        t["model"],
                        f"{t['model_tier']} → {t['suggested_tier']}",
                        t["suggested_model"] or "-",
                        per_1000(t["saving_per_call"]),
                        monthly(t["monthly_saving"]),
                    )
                    for t in above
                ],
            ),
        )
    ]
    if below:
        out.append(
            (
                "Calls below the tier they need (quality risk; extra cost)",
                _table(
                    [
                        ("Call", "loc"),
                        ("Model", "text"),
                        ("Tier", "text"),
                        ("Suggested", "text"),
                        ("Per 1k calls", "num"),
                    ],
                    [
                        (
                            location(t),
                            t["model"],
                            f"{t['model_tier']} → {t['suggested_tier']}",
                            t["suggested_model"] or "-",
                            per_1000(-t["saving_per_call"])
                            if t["saving_per_call"] is not None
                            else "n/a",
                        )
                        for t in below
                    ],
                ),
            )
        )
    return out


def _sections(doc: Doc) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = [
        ("Summary", _summary(doc)),
        ("Efficiency score distribution", _distribution(doc)),
    ]
    out += [(f"By {name}", _groups(doc, key, heading, bars)) for key, name, heading, bars in GROUPS]
    out.append(
        (
            "Top waste (saving)",
            _table(
                [
                    ("Prompt", "loc"),
                    ("Team", "text"),
                    ("Tokens", "num"),
                    ("Waste", "num"),
                    ("Rules", "wrap"),
                    ("Per 1k calls", "num"),
                    ("Per month", "num"),
                ],
                [
                    (
                        location(w),
                        w["team"],
                        f"{w['tokens']:,}",
                        f"{w['waste_tokens']:,}",
                        ", ".join(w["rules"][:4]),
                        per_1000(w["saving_per_call"]),
                        monthly(w["monthly_saving"]),
                    )
                    for w in doc["top_waste"]
                ],
            ),
        )
    )
    out += _tiers(doc)
    out.append(
        (
            "Top savings",
            _table(
                [
                    ("Where", "loc"),
                    ("Team", "text"),
                    ("Action", "wrap"),
                    ("Per 1k calls", "num"),
                    ("Per month", "num"),
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
            ),
        )
    )
    pii = doc["pii"]
    out.append(
        (
            f"PII and secrets: {plural(pii['pii'], 'PII finding')}, "
            f"{plural(pii['secrets'], 'secret')} (values masked)",
            _table(
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
                    for i in pii["items"]
                ],
            ),
        )
    )
    out.append(
        (
            "PII and secrets by type",
            _table(
                [("Type", "text"), ("Kind", "text"), ("Count", "num")],
                [(t["label"], t["category"], f"{t['count']:,}") for t in pii["by_type"]],
            ),
        )
    )
    out.append(
        (
            "Duplicate clusters",
            _table(
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
            ),
        )
    )
    reg = doc["registry"]
    out.append(
        (
            "Registry coverage",
            (
                f"{percent(reg['coverage'])} of prompts ({reg['prompts']:,} of "
                f"{doc['summary']['prompts']:,}) come from the template registry: stored in "
                f"{reg['folder']}/ or rendered through registry.load ({plural(reg['files_loading'], 'file')})"
            ),
        )
    )
    return out


def render(doc: Doc, *, color: bool = False, width: int = 120) -> str:
    from rich.console import Console
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        highlight=False,
        emoji=False,
        markup=False,
    )
    s = doc["summary"]
    console.print(
        Text(
            f"promptlint audit of {', '.join(doc['paths'])} · prices as of "
            f"{doc['prices_as_of']} · {doc['assumptions']['days_per_month']}-day month",
            style="bold",
        )
    )
    for heading, body in _sections(doc):
        console.print()
        console.print(Text(heading, style="bold underline"))
        console.print(body)
    if s["calls_volume_unknown"]:
        console.print()
        console.print(
            f"{plural(s['calls_volume_unknown'], 'call')} without a volume (volume unknown) "
            "count in the cost per call, not per month: set tiers.calls-per-day in the "
            "configuration or annotate the call with '# promptlint: calls-per-day=N'."
        )
    return buffer.getvalue()
