"""The audit document as terminal tables (rich). Plain text unless ``color`` is asked for.

Per-call money is shown per 1,000 calls, which reads better than fractions of a cent.
"""

from __future__ import annotations

import io
from typing import Any

from promptlint.report import audit_tables
from promptlint.report.audit_tables import Doc, Table

BAR_WIDTH = 20


def _bar(value: float, top: float) -> str:
    if top <= 0 or value <= 0:
        return ""
    return "█" * max(1, round(BAR_WIDTH * value / top))


def _summary(doc: Doc) -> Any:
    from rich.table import Table as RichTable

    table = RichTable(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for key, value in audit_tables.summary_rows(doc):
        table.add_row(key, value)
    return table


def _table(spec: Table) -> Any:
    """A rich table: "num" columns right-aligned on one line, "text" on one line, "loc"
    folded only when the terminal is too narrow, "wrap" wrapping; bars when ``values``."""
    from rich import box
    from rich.table import Table as RichTable

    table = RichTable(box=box.SIMPLE_HEAD, pad_edge=False)
    for i, (name, kind) in enumerate(spec.columns):
        # Numbers and names are never cut: a narrow console shrinks the bars and the prose.
        widest = max((len(str(row[i])) for row in spec.rows), default=len(name))
        table.add_column(
            name,
            justify="right" if kind == "num" else "left",
            no_wrap=kind in ("num", "text"),
            overflow="fold",
            min_width=max(widest, len(name))
            if kind == "num"
            else widest
            if kind == "text"
            else {"wrap": 16, "loc": 20}.get(kind),
        )
    if spec.values:
        table.add_column("", no_wrap=True, max_width=12, overflow="crop")
    top = max(spec.values, default=0.0)
    for i, row in enumerate(spec.rows):
        table.add_row(*row, *([_bar(spec.values[i], top)] if spec.values else []))
    if not spec.rows:
        table.add_row("none", *([""] * (len(table.columns) - 1)))
    return table


def render(doc: Doc, *, color: bool = False, width: int = 120) -> str:
    from rich.console import Console, Group
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
    console.print(
        Text(
            f"promptlint audit of {', '.join(doc['paths'])} · prices as of "
            f"{doc['prices_as_of']} · {doc['assumptions']['days_per_month']}-day month",
            style="bold",
        )
    )
    parts: list[tuple[str, Any]] = [("Summary", _summary(doc))]
    for title, tables in audit_tables.sections(doc):
        specs = tables if isinstance(tables, list) else [tables]
        parts.append((title, Group(*(_table(t) for t in specs))))
    parts.append(("Registry coverage", audit_tables.registry_sentence(doc)))
    for heading, body in parts:
        console.print()
        console.print(Text(heading, style="bold underline"))
        console.print(body)
    note = audit_tables.volume_note(doc)
    if note:
        console.print()
        console.print(note)
    return buffer.getvalue()
