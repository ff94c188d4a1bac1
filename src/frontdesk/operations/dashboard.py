"""The dashboard page: filters, headline numbers, charts drawn by plotly.js, exact tables.

One self-contained HTML page: the charts are plotly.js figures (the script is the one the
``plotly`` package ships, served by frontdesk itself — no CDN, so it works offline), each
with the table of its exact numbers underneath. Lines are labelled at their ends, so a
reader never has to match colours to a legend. Filters are a plain GET form.
"""

from __future__ import annotations

import html
import json
from datetime import datetime
from functools import cache
from typing import Any

from frontdesk.errors import FrontdeskError
from frontdesk.operations.panels import Chart, Panels
from frontdesk.operations.population import Population

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf", "#7f7f7f")


class DashboardUnavailable(FrontdeskError, RuntimeError):
    """The dashboard's optional dependencies are missing; the message says which extra brings them."""


@cache
def plotly_js() -> str:
    """plotly.js as the installed ``plotly`` package ships it (about 4.8 MB, read once)."""
    try:
        from plotly.offline import get_plotlyjs  # noqa: PLC0415  # the optional dashboard extra
    except ImportError:
        raise DashboardUnavailable("the dashboard needs its extra: pip install 'frontdesk[dashboard]'") from None
    return str(get_plotlyjs())


def figure(chart: Chart) -> dict[str, Any]:
    """A plotly.js figure for ``chart``: series coloured in order, lines labelled at their last point."""
    data: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    for index, (name, values) in enumerate(chart.series.items()):
        colour = PALETTE[index % len(PALETTE)]
        if chart.kind in ("bar", "stacked"):
            data.append({"type": "bar", "name": name, "x": chart.x, "y": values, "marker": {"color": colour}})
            continue
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": name,
                "x": chart.x,
                "y": values,
                "line": {"color": colour},
                "connectgaps": False,
            }
        )
        last = next(((x, y) for x, y in zip(reversed(chart.x), reversed(values), strict=True) if y is not None), None)
        if last is not None:
            annotations.append(
                {
                    "x": last[0],
                    "y": last[1],
                    "text": f" {name}",
                    "showarrow": False,
                    "xanchor": "left",
                    "font": {"color": colour},
                }
            )
    layout = {
        "height": 280,
        "margin": {"l": 50, "r": 110, "t": 10, "b": 40},
        "yaxis": {"title": {"text": chart.unit}, "rangemode": "tozero"},
        "xaxis": {"type": "category", "automargin": True},
        "showlegend": chart.kind in ("bar", "stacked") and len(chart.series) > 1,
        "legend": {"orientation": "h", "y": 1.12},
        "barmode": "stack" if chart.kind == "stacked" else "group",
        "annotations": annotations,
    }
    return {"data": data, "layout": layout}


def render_dashboard(
    panels: Panels,
    population: Population,
    *,
    plotly_src: str,
    alerts: list[dict[str, Any]] | None = None,
    form_values: dict[str, str] | None = None,
) -> str:
    """The whole page. ``plotly_src`` is where the page loads plotly.js from (a route of the server)."""
    values = form_values or {}
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>frontdesk dashboard</title>",
        f"<style>{STYLE}</style><script src='{html.escape(plotly_src)}'></script></head><body>",
        "<header><h1>frontdesk</h1>",
        f"<p class='scope'>{html.escape(population.describe())} · {panels.summary.get('turns') or 0} turns · per "
        f"{panels.bucket}</p>",
        _filters(values),
        "</header>",
        _summary(panels.summary),
    ]
    if alerts:
        parts.append(_alerts(alerts))
    for chart in panels.charts:
        parts.append(_chart(chart))
    for table in panels.tables:
        body = _table(table.columns, table.rows, table.note)
        parts.append(f"<section id='{table.key}'><h2>{html.escape(table.title)}</h2>{body}</section>")
    parts.append("</body></html>")
    return "".join(parts)


def _filters(values: dict[str, str]) -> str:
    fields = [("since", "since (7d, 24h, date)"), ("until", "until"), ("model", "model"), ("agent", "agent")]
    inputs = "".join(
        f"<label>{html.escape(label)} <input name='{name}' value='{html.escape(values.get(name, ''))}' "
        "size='12'></label>"
        for name, label in fields
    )
    return f"<form method='get' class='filters'>{inputs}<button type='submit'>apply</button></form>"


def _summary(summary: dict[str, Any]) -> str:
    shown = {name: value for name, value in summary.items() if name not in ("first turn", "last turn")}
    cells = "".join(
        f"<div class='kpi'><span>{html.escape(name)}</span><b "
        f"data-kpi='{html.escape(name)}'>{_cell(name, value)}</b></div>"
        for name, value in shown.items()
    )
    return f"<section id='summary' class='kpis'>{cells}</section>"


def _alerts(alerts: list[dict[str, Any]]) -> str:
    rows = [
        [a["name"], "FIRING" if a["firing"] else "ok", a.get("value"), a.get("threshold"), a.get("since") or ""]
        for a in alerts
    ]
    body = _table(["rule", "state", "value", "threshold", "firing since"], rows, "")
    return f"<section id='alerts'><h2>Alerts</h2>{body}</section>"


def _chart(chart: Chart) -> str:
    columns, rows = chart.table()
    spec = json.dumps(figure(chart)).replace("</", "<\\/")
    script = (
        f"Plotly.newPlot('chart-{chart.key}', {spec}.data, {spec}.layout, {{displayModeBar: false, responsive: true}});"
    )
    empty = "<p class='empty'>no turns in this range</p>" if not chart.x else ""
    return (
        f"<section id='{chart.key}'><h2>{html.escape(chart.title)}</h2>{empty}<div id='chart-{chart.key}' "
        "class='chart'></div>"
        f"<script>{script}</script><details{' open' if len(rows) <= 12 else ''}><summary>numbers</summary>"
        f"{_table(columns, rows, chart.note)}</details></section>"
    )


def _table(columns: list[str], rows: list[list[Any]], note: str) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{_number(v)}</td>" for v in row) + "</tr>" for row in rows)
    caption = f"<caption>{html.escape(note)}</caption>" if note else ""
    return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body or '<tr><td>none</td></tr>'}</tbody></table>"


def _cell(name: str, value: Any) -> str:
    """A headline number: rates (fractions) as percentages."""
    if isinstance(value, float) and "rate" in name:
        return f"{value * 100:.1f}%"
    return _number(value)


def _number(value: Any) -> str:
    """A table cell: whole numbers without decimals, small ones with up to four, text escaped."""
    if value is None:
        return "–"
    if isinstance(value, float):
        if value.is_integer():
            return f"{int(value):,}"
        return f"{value:,.4f}".rstrip("0").rstrip(".") if abs(value) < 1 else f"{value:,.2f}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return html.escape(str(value))


STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:0 24px 40px;color:#222;max-width:1200px}
header{display:flex;flex-wrap:wrap;align-items:baseline;gap:16px;border-bottom:1px solid #ddd;padding:8px 0}
h1{font-size:20px;margin:0}h2{font-size:16px;margin:20px 0 4px}.scope{color:#555;margin:0}
.filters label{margin-right:8px;color:#555}.kpis{display:flex;flex-wrap:wrap;gap:10px;margin-top:12px}
.kpi{border:1px solid #ddd;border-radius:6px;padding:6px 10px;min-width:110px}.kpi
    span{display:block;color:#666;font-size:12px}
.kpi b{font-size:18px}.chart{width:100%;min-height:280px}table{border-collapse:collapse;margin:4px 0;font-size:13px}
td,th{border:1px solid #ddd;padding:2px 8px;text-align:right}th{background:#f5f5f5}td:first-child{text-align:left}
caption{caption-side:bottom;color:#666;font-size:12px;text-align:left}.empty{color:#888}
"""
