"""Numbers as the audit reports print them (text, Markdown and HTML alike)."""

from __future__ import annotations

from promptlint.cost import usd as money  # one money format for findings and reports

VOLUME_UNKNOWN = "volume unknown"


def monthly(value: float | None) -> str:
    """A monthly figure; None means the call volume is not known."""
    return VOLUME_UNKNOWN if value is None else money(value)


def number(value: float | None) -> str:
    if value is None:
        return "n/a"
    if float(value).is_integer() or abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def percent(share: float | None) -> str:
    return "n/a" if share is None else f"{100 * share:.0f}%"


def location(item: dict[str, object]) -> str:
    return f"{item['path']}:{item['line']}"


def plural(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def per_1000(per_call: float | None) -> str:
    """Per-call money shown per 1,000 calls."""
    return money(None if per_call is None else per_call * 1000)
