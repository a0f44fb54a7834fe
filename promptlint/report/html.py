"""The audit as one self-contained HTML file: inline CSS, inline SVG charts and a few lines of
inline JavaScript to sort tables. It names no external URL of any kind (no CDN, no web font,
no link), so it opens offline and leaks nothing. Input is the audit document
(``promptlint.audit/1``), already masked; text that happens to hold a URL is shown defanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from html import escape as _escape
from pathlib import PurePosixPath
from typing import Any

from promptlint.audit.format import (
    VOLUME_UNKNOWN,
    location,
    money,
    monthly,
    number,
    per_1000,
    percent,
    plural,
)

Doc = dict[str, Any]

_CSS = """
:root{--fg:#1f2430;--muted:#646c7a;--line:#e4e7ec;--bg:#f4f6f9;--card:#fff;--ink:#18202e;
--blue:#3867d6;--green:#20a464;--amber:#e79a16;--red:#d64541;--violet:#7952b3;--teal:#1b9aaa}
*{box-sizing:border-box}
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
color:var(--fg);background:var(--bg);margin:0}
header{background:var(--ink);color:#fff;padding:22px 32px 20px}
header h1{margin:0;font-size:22px;font-weight:650;letter-spacing:.2px}
header p{margin:4px 0 0;color:#b9c0cc;font-size:13px}
nav{background:#222b3b;padding:0 32px;display:flex;flex-wrap:wrap;gap:2px 18px}
nav a{color:#cfd5df;text-decoration:none;font-size:12.5px;padding:8px 0;display:inline-block}
nav a:hover{color:#fff}
main{padding:24px 32px 40px;max-width:1440px;margin:auto}
section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:18px 20px;
margin:0 0 20px;box-shadow:0 1px 2px rgba(16,24,40,.04)}
h2{font-size:16px;margin:0 0 12px;font-weight:650}
.kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:12px}
.kpi{border:1px solid var(--line);border-left:4px solid var(--blue);border-radius:8px;
padding:10px 14px;background:#fbfcfd}
.kpi b{display:block;font-size:21px;font-weight:650;font-variant-numeric:tabular-nums}
.kpi span{color:var(--muted);font-size:12px}
.kpi.money{border-left-color:var(--amber)}.kpi.save{border-left-color:var(--green)}
.kpi.risk{border-left-color:var(--red)}.kpi.score{border-left-color:var(--violet)}
.callout{margin:14px 0 0;padding:9px 12px;border-radius:6px;background:#fff8e6;
border:1px solid #f3dfae;color:#6b5214;font-size:13px}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(440px,1fr));gap:18px 28px}
figure{margin:0;min-width:0}
figcaption{font-weight:600;margin-bottom:6px;font-size:13.5px}
figcaption small{font-weight:400;color:var(--muted)}
svg text{font:12px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;fill:var(--fg)}
svg text.value{fill:var(--muted)}
svg line.axis{stroke:var(--line)}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:6px 9px;border-bottom:1px solid var(--line);vertical-align:top}
th{cursor:pointer;user-select:none;background:#f7f8fa;position:sticky;top:0;font-weight:600;
z-index:1;vertical-align:bottom}
th:hover{background:#eef1f5}
th[aria-sort=ascending]::after{content:" \\25B2";font-size:10px}
th[aria-sort=descending]::after{content:" \\25BC";font-size:10px}
tbody tr:hover{background:#f6f9ff}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}td.num{white-space:nowrap}
.sev-error{color:var(--red);font-weight:600}.sev-warning{color:#b86e00}.sev-info{color:var(--muted)}
.pill{display:inline-block;padding:0 7px;border-radius:9px;font-size:12px;background:#eef1f5;
white-space:nowrap}
td.code{white-space:nowrap}td.wide{min-width:220px}
.pill.down{background:#e3f6ec;color:#17613d}.pill.up{background:#fdeceb;color:#8c2b28}
.scroll{max-height:540px;overflow:auto;border:1px solid var(--line);border-radius:6px}
.scroll table tr:last-child td{border-bottom:0}
.note{color:var(--muted);font-size:12.5px;margin:8px 0 0}
.empty{color:var(--muted);font-style:italic}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
.masked{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;
background:#f1f3f6;padding:0 4px;border-radius:4px}
footer{color:var(--muted);font-size:12px;text-align:center;padding:0 0 24px}
"""

# Sorts a table by the clicked column; numeric cells carry data-v (missing values sort last).
_JS = """
document.querySelectorAll("table.sortable").forEach(function(t){
  t.querySelectorAll("th").forEach(function(th,i){
    th.addEventListener("click",function(){
      var asc=th.getAttribute("aria-sort")!=="ascending";
      t.querySelectorAll("th").forEach(function(h){h.removeAttribute("aria-sort")});
      th.setAttribute("aria-sort",asc?"ascending":"descending");
      var body=t.tBodies[0],rows=Array.prototype.slice.call(body.rows);
      function key(r){var c=r.cells[i];
        return c.dataset.v!==undefined?parseFloat(c.dataset.v):c.textContent.toLowerCase();}
      rows.sort(function(a,b){
        var x=key(a),y=key(b);
        if(typeof x==="number"&&isNaN(x))return 1;
        if(typeof y==="number"&&isNaN(y))return -1;
        return (x<y?-1:x>y?1:0)*(asc?1:-1);
      });
      rows.forEach(function(r){body.appendChild(r)});
    });
  });
});
"""

CHART_ROWS = 12  # bars per chart; the tables below list every group
_BUCKET_COLOURS = ("#d64541", "#e4752b", "#e79a16", "#b9b21e", "#5fae3e", "#20a464")
_URL = re.compile(r"(?i)\b(https?|ftp|wss?)://")


def escape(text: object) -> str:
    """HTML-escaped text; a URL in it is defanged (``https[:]//``) so the file names none."""
    return _escape(_URL.sub(r"\1[:]//", str(text)))


def _short(label: str, limit: int = 24) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(
    rows: Sequence[tuple[str, float] | tuple[str, float, str | None]],
    fmt: Callable[[float], str],
    colour: str,
    width: int = 480,
) -> str:
    """Horizontal bars in the order given; a row's optional third item replaces its value
    label ("volume unknown"). An empty chart says so instead."""
    bars = [(r[0], max(0.0, float(r[1])), r[2] if len(r) > 2 else None) for r in rows]
    bars = bars[:CHART_ROWS]
    if not bars or not any(v for _, v, _ in bars):
        return '<p class="empty">Nothing to chart.</p>'
    bar_h, gap, label_w, value_w = 20, 9, 170, 86
    height = len(bars) * (bar_h + gap) + gap
    top = max(v for _, v, _ in bars)
    span = width - label_w - value_w
    parts = [
        f'<svg role="img" viewBox="0 0 {width} {height}" width="100%" height="{height}" '
        f'preserveAspectRatio="xMinYMin meet">',
        f'<line class="axis" x1="{label_w}" y1="0" x2="{label_w}" y2="{height}"/>',
    ]
    for i, (label, value, text) in enumerate(bars):
        y = gap + i * (bar_h + gap)
        w = max(2.0, span * value / top) if value else 0.0
        shown = escape(text or fmt(value))
        parts.append(
            f"<g><title>{escape(label)}: {shown}</title>"
            f'<text x="{label_w - 8}" y="{y + 14}" text-anchor="end">{escape(_short(label))}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" rx="3" fill="{colour}"/>'
            f'<text class="value" x="{label_w + w + 6:.1f}" y="{y + 14}">{shown}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def column_chart(
    rows: Sequence[tuple[str, float]], colours: Sequence[str], width: int = 480, height: int = 230
) -> str:
    """Vertical columns with a label under each (the efficiency-score distribution)."""
    if not rows or not any(v for _, v in rows):
        return '<p class="empty">Nothing to chart.</p>'
    top = max(v for _, v in rows)
    plot_h, base = height - 48, height - 26
    col_w = (width - 20) / len(rows)
    parts = [
        f'<svg role="img" viewBox="0 0 {width} {height}" width="100%" height="{height}">',
        f'<line class="axis" x1="10" y1="{base}" x2="{width - 10}" y2="{base}"/>',
    ]
    for i, (label, value) in enumerate(rows):
        h = max(2.0, plot_h * value / top) if value else 0.0
        x = 10 + i * col_w
        parts.append(
            f"<g><title>score {escape(label)}: {value:g} prompts</title>"
            f'<rect x="{x + 8:.1f}" y="{base - h:.1f}" width="{col_w - 16:.1f}" height="{h:.1f}" '
            f'rx="3" fill="{colours[i % len(colours)]}"/>'
            f'<text class="value" x="{x + col_w / 2:.1f}" y="{base - h - 5:.1f}" '
            f'text-anchor="middle">{value:g}</text>'
            f'<text x="{x + col_w / 2:.1f}" y="{height - 8}" text-anchor="middle">'
            f"{escape(label)}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)


# (key, heading, kind): text | code (kept on one line) | wide (free text, given room) |
# html (already escaped) |
# num | conf (two decimals) | money | monthly | per1k
Column = tuple[str, str, str]


def _cell(kind: str, value: Any) -> str:
    if kind in ("text", "code", "wide"):
        cls = f' class="{kind}"' if kind != "text" else ""
        return f"<td{cls}>{escape('' if value is None else value)}</td>"
    if kind == "html":
        return f"<td>{value}</td>"
    shown = {
        "num": number,
        "money": money,
        "monthly": monthly,
        "per1k": per_1000,
        "conf": lambda v: f"{v:.2f}",
    }[kind](value)
    # A missing value (volume unknown) sorts after every number, either way.
    sort = "NaN" if value is None else float(value)
    return f'<td class="num" data-v="{sort}">{escape(shown)}</td>'


def table(columns: Sequence[Column], rows: Sequence[dict[str, Any]]) -> str:
    """A sortable table (click a heading); rows are dicts keyed by the column keys."""
    if not rows:
        return '<p class="empty">None.</p>'
    head = "".join(
        f'<th class="num">{escape(title)}</th>'
        if kind not in ("text", "code", "wide", "html")
        else f"<th>{escape(title)}</th>"
        for _, title, kind in columns
    )
    body = "".join(
        "<tr>" + "".join(_cell(kind, row.get(key)) for key, _, kind in columns) + "</tr>"
        for row in rows
    )
    return (
        f'<div class="scroll"><table class="sortable"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _severity(value: str) -> str:
    return f'<span class="sev-{escape(value)}">{escape(value)}</span>'


def _kpis(doc: Doc) -> str:
    s = doc["summary"]
    cards = [
        (
            "",
            number(s["prompts"]),
            f"prompts in {plural(s['calls'], 'call')}, {plural(s['files'], 'file')}",
        ),
        (
            "",
            number(s["tokens_total"]),
            f"tokens (mean {number(s['tokens_mean'])}, p95 {number(s['tokens_p95'])})",
        ),
        (
            "money",
            money(s["monthly_cost"]),
            f"per month ({plural(s['calls_with_volume'], 'call')} with a known volume)",
        ),
        ("money", per_1000(s["cost_per_call_total"]), "per 1,000 calls of every prompt"),
        ("save", money(s["monthly_saving"]), "possible saving per month"),
        (
            "score",
            f"{s['efficiency_score']:.0f}/100",
            f"efficiency score ({number(s['waste_tokens'])} tokens of waste)",
        ),
        ("save", number(s["tier_suggestions"]), "calls above the model tier they need"),
        ("risk", number(s["pii_findings"]), "PII findings (masked)"),
        ("risk", number(s["secret_findings"]), "secrets in prompts (masked)"),
        (
            "",
            number(s["duplicate_clusters"]),
            f"duplicate clusters ({number(s['duplicate_tokens'])} tokens in copies)",
        ),
        ("", percent(s["registry_coverage"]), "of prompts from the template registry"),
        ("", f"{s['teams']} · {s['use_cases']}", "teams · use cases"),
    ]
    html = "".join(
        f'<div class="kpi {cls}"><b>{escape(value)}</b><span>{escape(label)}</span></div>'
        for cls, value, label in cards
    )
    note = ""
    if s["calls_volume_unknown"]:
        note = (
            f'<p class="callout">{plural(s["calls_volume_unknown"], "call")} of '
            f"{s['calls']:,} {'has' if s['calls_volume_unknown'] == 1 else 'have'} no known "
            "volume (<b>volume unknown</b>): counted in the cost per call, not per month. "
            "Set <code>tiers.calls-per-day</code> or "
            "annotate the call with <code># promptlint: calls-per-day=N</code>.</p>"
        )
    return f'<div class="kpis">{html}</div>{note}'


def _charts(doc: Doc) -> str:
    s = doc["summary"]
    have_volume = bool(s["monthly_cost"])
    cost_key, cost_title, cost_fmt = (
        ("monthly_cost", "Monthly cost", money)
        if have_volume
        else ("cost_per_call", "Cost per 1,000 calls", per_1000)
    )
    figures = []
    for key, name, colour in (
        ("by_team", "team", "#3867d6"),
        ("by_use_case", "use case", "#1b9aaa"),
        ("by_tier", "needed tier", "#7952b3"),
    ):
        groups = doc[key]
        cost_rows = sorted(
            (
                (
                    g["name"],
                    g[cost_key] or 0.0,
                    VOLUME_UNKNOWN if have_volume and g["volume_unknown"] == g["prompts"] else None,
                )
                for g in groups
            ),
            key=lambda r: -r[1],
        )
        token_rows = sorted(((g["name"], g["tokens"]) for g in groups), key=lambda r: -r[1])
        more = f"top {CHART_ROWS} of {len(groups)}" if len(groups) > CHART_ROWS else ""
        figures.append((f"{cost_title} by {name}", more, bar_chart(cost_rows, cost_fmt, colour)))
        figures.append((f"Prompt tokens by {name}", more, bar_chart(token_rows, number, colour)))
    dist = [(b["bucket"], b["prompts"]) for b in doc["efficiency_distribution"]]
    figures.append(
        (
            "Efficiency score distribution",
            "prompts per score band",
            column_chart(dist, _BUCKET_COLOURS),
        )
    )
    savings = doc["top_savings"]
    if any(a["monthly_saving"] for a in savings):
        rows = [(_saving_label(a), a["monthly_saving"]) for a in savings if a["monthly_saving"]]
        figures.append(
            (
                "Top savings per month",
                "calls with a known volume",
                bar_chart(rows, money, "#20a464"),
            )
        )
    else:
        rows = [(_saving_label(a), (a["saving_per_call"] or 0.0) * 1000) for a in savings]
        figures.append(("Top savings per 1,000 calls", "", bar_chart(rows, money, "#20a464")))
    return (
        '<div class="charts">'
        + "".join(
            f"<figure><figcaption>{escape(title)}"
            + (f" <small>({escape(sub)})</small>" if sub else "")
            + f"</figcaption>{svg}</figure>"
            for title, sub, svg in figures
        )
        + "</div>"
    )


def _saving_label(action: dict[str, Any]) -> str:
    return f"{PurePosixPath(action['path']).name}:{action['line']} · {action['kind']}"


_GROUP_COLUMNS: list[Column] = [
    ("name", "Group", "text"),
    ("prompts", "Prompts", "num"),
    ("calls", "Calls", "num"),
    ("tokens", "Tokens", "num"),
    ("score", "Score", "num"),
    ("cost_per_call", "Cost / 1k calls", "per1k"),
    ("monthly_cost", "Cost / month", "money"),
    ("volume_unknown", "Volume unknown", "num"),
    ("waste_tokens", "Waste tokens", "num"),
    ("monthly_saving", "Saving / month", "money"),
    ("pii", "PII", "num"),
    ("secrets", "Secrets", "num"),
    ("findings", "Findings", "num"),
]


_TIER_COLUMNS: list[Column] = [
    ("location", "Call", "text"),
    ("team", "Team", "text"),
    ("model", "Model", "code"),
    ("move", "Tier", "html"),
    ("confidence", "Confidence", "conf"),
    ("suggested_model", "Suggested model", "code"),
]


def _sections(doc: Doc) -> list[tuple[str, str, str]]:
    """(anchor, title, body) of every section, in page order."""
    tiers = [
        dict(
            t,
            location=location(t),
            signals="; ".join(t["signals"]),
            move=f'<span class="pill {t["direction"]}">{escape(t["model_tier"])} → '
            f"{escape(t['suggested_tier'])}</span>",
            extra=-t["saving_per_call"] if t["saving_per_call"] is not None else None,
        )
        for t in doc["tier_suggestions"]
    ]
    waste = [dict(w, location=location(w), rules=", ".join(w["rules"])) for w in doc["top_waste"]]
    savings = [dict(a, location=location(a)) for a in doc["top_savings"]]
    pii = doc["pii"]
    pii_rows = [
        dict(
            i,
            location=f"{i['path']}:{i['line']}:{i['col']}",
            value=f'<span class="masked">{escape(i["masked"])}</span>',
            sev=_severity(i["severity"]),
        )
        for i in pii["items"]
    ]
    dups = [
        {
            "size": d["size"],
            "similarity": d["similarity"],
            "tokens": d["tokens"],
            "teams": ", ".join(d["teams"]),
            "locations": ", ".join(location(x) for x in d["locations"]),
        }
        for d in doc["duplicates"]
    ]
    prompts = [dict(p, location=location(p)) for p in doc["prompts"]]
    findings = [
        dict(f, location=f"{f['path']}:{f['line']}:{f['col']}", sev=_severity(f["severity"]))
        for f in doc["findings"]
    ]
    reg = doc["registry"]
    registry = (
        f"<p><b>{escape(percent(reg['coverage']))}</b> of prompts "
        f"({reg['prompts']:,} of {doc['summary']['prompts']:,}) come from the template "
        f"registry: stored in <code>{escape(reg['folder'])}/</code> or rendered through "
        f"<code>registry.load</code> ({escape(plural(reg['files_loading'], 'file'))}).</p>"
    )
    return [
        ("summary", "Summary", _kpis(doc)),
        ("charts", "Where the tokens and money go", _charts(doc)),
        ("teams", "By team", table(_GROUP_COLUMNS, doc["by_team"])),
        ("use-cases", "By use case", table(_GROUP_COLUMNS, doc["by_use_case"])),
        ("tiers", "By needed tier", table(_GROUP_COLUMNS, doc["by_tier"])),
        ("models", "By model in use", table(_GROUP_COLUMNS, doc["by_model"])),
        (
            "savings",
            "Top savings",
            table(
                [
                    ("location", "Where", "text"),
                    ("team", "Team", "text"),
                    ("action", "Action", "wide"),
                    ("saving_per_call", "Saving / 1k calls", "per1k"),
                    ("monthly_saving", "Saving / month", "monthly"),
                ],
                savings,
            ),
        ),
        (
            "waste",
            "Top waste",
            table(
                [
                    ("location", "Prompt", "text"),
                    ("team", "Team", "text"),
                    ("use_case", "Use case", "text"),
                    ("tokens", "Tokens", "num"),
                    ("waste_tokens", "Waste", "num"),
                    ("score", "Score", "num"),
                    ("rules", "Rules", "text"),
                    ("saving_per_call", "Saving / 1k calls", "per1k"),
                    ("monthly_saving", "Saving / month", "monthly"),
                ],
                waste,
            ),
        ),
        (
            "tier-suggestions",
            "Calls above the model tier they need",
            table(
                [
                    *_TIER_COLUMNS,
                    ("saving_per_call", "Saving / 1k calls", "per1k"),
                    ("monthly_saving", "Saving / month", "monthly"),
                    ("signals", "Why", "wide"),
                ],
                [t for t in tiers if t["direction"] == "down"],
            ),
        ),
        (
            "tier-risks",
            "Calls below the model tier they need (quality risk)",
            table(
                [
                    *_TIER_COLUMNS,
                    ("extra", "Extra / 1k calls", "per1k"),
                    ("signals", "Why", "wide"),
                ],
                [t for t in tiers if t["direction"] == "up"],
            ),
        ),
        (
            "pii",
            "PII and secrets (masked)",
            f"<p>{escape(plural(pii['pii'], 'PII finding'))}, "
            f"{escape(plural(pii['secrets'], 'secret'))}, "
            f"{escape(plural(pii['policy_violations'], 'data-policy violation'))}.</p>"
            + table(
                [
                    ("location", "Where", "text"),
                    ("team", "Team", "text"),
                    ("label", "Type", "text"),
                    ("category", "Kind", "text"),
                    ("value", "Value (masked)", "html"),
                    ("sev", "Severity", "html"),
                ],
                pii_rows,
            ),
        ),
        (
            "duplicates",
            "Duplicate prompts",
            table(
                [
                    ("size", "Copies", "num"),
                    ("similarity", "Similarity %", "num"),
                    ("tokens", "Tokens in copies", "num"),
                    ("teams", "Teams", "text"),
                    ("locations", "Locations", "text"),
                ],
                dups,
            ),
        ),
        ("registry", "Registry coverage", registry),
        (
            "prompts",
            "Prompts",
            table(
                [
                    ("location", "Prompt", "text"),
                    ("kind", "Kind", "text"),
                    ("team", "Team", "text"),
                    ("use_case", "Use case", "text"),
                    ("model", "Model", "code"),
                    ("tier", "Needed tier", "text"),
                    ("tokens", "Tokens", "num"),
                    ("score", "Score", "num"),
                    ("cost_per_call", "Cost / 1k calls", "per1k"),
                    ("monthly_cost", "Cost / month", "monthly"),
                    ("findings", "Findings", "num"),
                ],
                prompts,
            ),
        ),
        (
            "findings",
            "Findings",
            table(
                [
                    ("location", "Where", "text"),
                    ("code", "Code", "code"),
                    ("sev", "Severity", "html"),
                    ("message", "Message", "wide"),
                    ("team", "Team", "text"),
                    ("wasted_tokens", "Waste", "num"),
                ],
                findings,
            ),
        ),
    ]


def render(doc: Doc) -> str:
    sections = _sections(doc)
    nav = "".join(f'<a href="#{anchor}">{escape(title)}</a>' for anchor, title, _ in sections)
    body = "".join(
        f'<section id="{anchor}"><h2>{escape(title)}</h2>{html}</section>'
        for anchor, title, html in sections
    )
    scope = ", ".join(doc.get("paths", [])) or "."
    gen = doc["generator"]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>promptlint audit: {escape(scope)}</title><style>{_CSS}</style></head><body>"
        f"<header><h1>promptlint audit</h1><p>{escape(scope)} · prices as of "
        f"{escape(doc['prices_as_of'])} · {doc['assumptions']['days_per_month']}-day month · "
        "USD · every found value masked</p></header>"
        f"<nav>{nav}</nav><main>{body}</main>"
        f"<footer>{escape(gen['name'])} {escape(gen['version'])} · schema "
        f"{escape(doc['schema'])}</footer>"
        f"<script>{_JS}</script></body></html>\n"
    )
