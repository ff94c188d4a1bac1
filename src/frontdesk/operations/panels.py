"""What the dashboard shows, as numbers: each chart's series and the exact table under it.

Computed from the ``turns`` rollup (and, for tool failures, the spans of those turns) in
a handful of SQL queries; the inbox and approval waits come from the operator tables when
a domain DB is at hand. Rates are fractions of turns; a bucket with no turns has no value
(a gap in the line), never a zero that looks like a result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import duckdb
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from frontdesk.persistence.clock import as_utc


@dataclass
class Chart:
    """One chart: x values, named series (same length), and how to read the numbers."""

    key: str
    title: str
    x: list[str]
    series: dict[str, list[float | None]]
    unit: str = ""
    kind: str = "line"
    note: str = ""

    def table(self) -> tuple[list[str], list[list[Any]]]:
        """The exact numbers: one row per x value, one column per series (named with the unit)."""
        unit = f" ({self.unit})" if self.unit else ""
        return ["", *(f"{name}{unit}" for name in self.series)], [
            [x, *(values[i] for values in self.series.values())] for i, x in enumerate(self.x)
        ]


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    note: str = ""


@dataclass
class Panels:
    summary: dict[str, Any]
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    bucket: str = "hour"


def build_panels(
    db: duckdb.DuckDBPyConnection, engine: Engine | None = None, *, sla: timedelta = timedelta(minutes=30)
) -> Panels:
    """Every panel of the dashboard from a connection holding ``turns`` (see ``operations.turns``)."""
    bucket = _bucket(db)
    panels = Panels(summary=summary(db), bucket=bucket)
    per = f"date_trunc('{bucket}', started)"
    label = "%Y-%m-%d %H:00" if bucket == "hour" else "%Y-%m-%d"
    rows = db.execute(
        f"""SELECT strftime({per}, '{label}') AS bucket_at, count(*), count(DISTINCT thread_id),
                   quantile_cont(latency_s, 0.5), quantile_cont(latency_s, 0.95), quantile_cont(latency_s, 0.99),
                   avg(CASE WHEN handed_off THEN 0.0 ELSE 1.0 END), avg(CASE WHEN handed_off THEN 1.0 ELSE 0.0 END),
                   sum(grades_passed) / nullif(sum(grades_passed + grades_failed), 0),
                   sum(CASE WHEN rating = 'up' THEN 1 ELSE 0 END), sum(CASE WHEN rating = 'down' THEN 1 ELSE 0 END),
                   sum(escalations), sum(model_unavailable), sum(tool_errors) / nullif(sum(tool_calls), 0),
                   sum(fallbacks), sum(breaker_opens)
            FROM turns GROUP BY ALL ORDER BY bucket_at"""
    ).fetchall()
    x = [str(r[0]) for r in rows]

    def column(i: int, scale: float = 1.0) -> list[float | None]:
        return [None if r[i] is None else round(float(r[i]) * scale, 4) for r in rows]

    panels.charts += [
        Chart("latency", "Turn latency", x, {"p50": column(3), "p95": column(4), "p99": column(5)}, unit="s"),
        Chart(
            "volume",
            f"Turns and conversations per {bucket}",
            x,
            {"turns": column(1), "conversations": column(2)},
            kind="bar",
        ),
        Chart(
            "automation",
            "Resolved by the bot vs handed to a person",
            x,
            {"automation rate": column(6, 100), "handoff rate": column(7, 100)},
            unit="%",
        ),
        Chart("grader", "Grader pass rate", x, {"pass rate": column(8, 100)}, unit="%"),
        Chart("tool_errors", "Tool error rate", x, {"tool errors": column(13, 100)}, unit="%"),
        Chart("feedback", "Customer ratings", x, {"thumbs up": column(9), "thumbs down": column(10)}, kind="bar"),
        Chart(
            "gateway",
            "Model gateway: fallbacks, escalations, breakers opening, no model answering",
            x,
            {"fallbacks": column(14), "escalations": column(11), "breaker opened": column(15), "no model": column(12)},
            kind="bar",
        ),
    ]
    panels.charts.append(_cost_chart(db))
    panels.tables += [_handoff_causes(db), _tool_failures(db), _models(db)]
    if engine is not None:
        panels.tables += [_approval_waits(engine), _inbox(engine, sla)]
    return panels


def summary(db: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The headline numbers over the whole population."""
    row = (
        db.execute(
            """SELECT count(*), count(DISTINCT thread_id), quantile_cont(latency_s, 0.5), quantile_cont(latency_s,
                0.95),
                  avg(CASE WHEN handed_off THEN 1.0 ELSE 0.0 END), sum(grades_passed) / nullif(sum(grades_passed +
                      grades_failed), 0),
                  sum(grades_passed + grades_failed), sum(cost_usd), sum(tokens),
                  sum(CASE WHEN rating = 'up' THEN 1 ELSE 0 END) / nullif(count(rating), 0), count(rating),
                      min(started), max(started)
           FROM turns"""
        ).fetchone()
        or (0,) * 13
    )
    names = (
        "turns",
        "conversations",
        "p50 latency (s)",
        "p95 latency (s)",
        "handoff rate",
        "grader pass rate",
        "verdicts",
        "cost (USD)",
        "tokens",
        "thumbs-up rate",
        "ratings",
        "first turn",
        "last turn",
    )
    return {name: value for name, value in zip(names, row, strict=True)}


def _bucket(db: duckdb.DuckDBPyConnection) -> str:
    first, last = db.execute("SELECT min(started), max(started) FROM turns").fetchone() or (None, None)
    if first is None or last is None:
        return "hour"
    span = last - first
    return "hour" if span <= timedelta(days=2) else "day" if span <= timedelta(days=90) else "week"


def _cost_chart(db: duckdb.DuckDBPyConnection) -> Chart:
    rows = db.execute(
        "SELECT strftime(date_trunc('day', started), '%Y-%m-%d'), model, sum(cost_usd), sum(tokens) FROM turns GROUP "
        "BY ALL ORDER BY 1, 2"
    ).fetchall()
    days = sorted({str(r[0]) for r in rows})
    models = sorted({str(r[1]) for r in rows})
    cost = {(str(r[0]), str(r[1])): float(r[2]) for r in rows}
    series: dict[str, list[float | None]] = {
        model: [round(cost.get((day, model), 0.0), 4) for day in days] for model in models
    }
    return Chart("cost", "Model cost per day, by model", days, series, unit="USD", kind="stacked")


def _handoff_causes(db: duckdb.DuckDBPyConnection) -> Table:
    rows = db.execute(
        """SELECT handoff_cause, count(*), round(100.0 * count(*) / (SELECT count(*) FROM turns), 1)
           FROM turns WHERE handed_off GROUP BY ALL ORDER BY 2 DESC"""
    ).fetchall()
    return Table(
        "handoff_causes", "Why turns went to a person", ["cause", "turns", "% of all turns"], [list(r) for r in rows]
    )


def _tool_failures(db: duckdb.DuckDBPyConnection) -> Table:
    rows = db.execute(
        """SELECT substr(name, 14) AS tool, count(*), count(*) FILTER (WHERE status_code = 'ERROR'),
                  round(100.0 * count(*) FILTER (WHERE status_code = 'ERROR') / count(*), 1)
           FROM store.spans WHERE name LIKE 'execute_tool %' AND trace_id IN (SELECT run_id FROM turns)
           GROUP BY ALL ORDER BY 3 DESC, 2 DESC, 1"""
    ).fetchall()
    return Table(
        "tool_failures", "Tool calls and failures", ["tool", "calls", "failed", "% failed"], [list(r) for r in rows]
    )


def _models(db: duckdb.DuckDBPyConnection) -> Table:
    rows = db.execute(
        """SELECT model, count(*), round(quantile_cont(latency_s, 0.95), 2), sum(tokens), round(sum(cost_usd), 4),
                  round(100.0 * avg(CASE WHEN handed_off THEN 1.0 ELSE 0.0 END), 1)
           FROM turns GROUP BY ALL ORDER BY 2 DESC"""
    ).fetchall()
    return Table(
        "models",
        "By model",
        ["model", "turns", "p95 latency (s)", "tokens", "cost (USD)", "handoff %"],
        [list(r) for r in rows],
    )


def _approval_waits(engine: Engine) -> Table:
    from frontdesk.operators.records import Approval  # noqa: PLC0415  # operator tables only when a domain DB is given

    with Session(engine) as session:
        approvals = session.exec(select(Approval)).all()
    waits = sorted(
        max(0.0, (as_utc(a.decided_at) - as_utc(a.created_at)).total_seconds()) / 60
        for a in approvals
        if a.decided_at is not None
    )
    pending = sum(1 for a in approvals if a.status == "pending")
    rows: list[list[Any]] = [
        ["decided", len(waits)],
        ["pending", pending],
        ["median wait (min)", round(waits[len(waits) // 2], 1) if waits else None],
        ["longest wait (min)", round(waits[-1], 1) if waits else None],
    ]
    return Table("approvals", "Approval wait times", ["", "value"], rows)


def _inbox(engine: Engine, sla: timedelta) -> Table:
    from frontdesk.conversation.inbox import Inbox  # noqa: PLC0415

    items = Inbox(None, engine, sla=sla).items()  # listing needs no graph
    rows = [
        [
            item.id,
            item.kind,
            item.priority,
            f"{item.age.total_seconds() / 60:.0f} min",
            "overdue" if item.overdue else "ok",
        ]
        for item in items
    ]
    return Table(
        "inbox",
        "Operator inbox: open items",
        ["id", "kind", "priority", "age", "SLA"],
        rows,
        note=f"SLA {sla.total_seconds() / 60:.0f} min",
    )
