"""The audit document as GitHub-flavoured Markdown (a wiki page, an issue, a job summary).

Cells go through ``report.markdown.escape``: text from prompts cannot become HTML or links,
and team handles (``@org/team``) cannot notify anyone.
"""

from __future__ import annotations

from promptlint.report import audit_tables
from promptlint.report.audit_tables import Doc, Table
from promptlint.report.markdown import escape


def _table(spec: Table) -> list[str]:
    """A Markdown table; "num" columns right-aligned. Cells are escaped here."""
    if not spec.rows:
        return ["_None._", ""]
    head = "| " + " | ".join(escape(name) for name, _ in spec.columns) + " |"
    rule = "|" + "|".join("---:" if kind == "num" else "---" for _, kind in spec.columns) + "|"
    body = ["| " + " | ".join(escape(cell) for cell in row) + " |" for row in spec.rows]
    return [head, rule, *body, ""]


def render(doc: Doc) -> str:
    lines = [
        "# promptlint audit",
        "",
        f"Audit of {escape(', '.join(doc['paths']))}. Prices as of {doc['prices_as_of']}; "
        f"a month is {doc['assumptions']['days_per_month']} days. Money is USD. Found values "
        "are masked.",
        "",
        "## Summary",
        "",
        *_table(Table([("", "text"), ("", "text")], audit_tables.summary_rows(doc))),
    ]
    note = audit_tables.volume_note(doc)
    if note:
        lines += [note, ""]
    for title, tables in audit_tables.sections(doc):
        lines += [f"## {escape(title)}", ""]
        for spec in tables if isinstance(tables, list) else [tables]:
            lines += _table(spec)
    lines += ["## Registry coverage", "", audit_tables.registry_sentence(doc, "`"), ""]
    return "\n".join(lines)
