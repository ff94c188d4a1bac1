"""Questions answered from the DuckDB span store, in SQL.

A *run* is one trace: one customer turn through the graph (its root span is
``frontdesk.turn``). Everything opens the file read-only, so it can run while an app is
writing traces.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from frontdesk.errors import FrontdeskError
from frontdesk.persistence.duckdb_files import connect_duckdb, in_process_lock


class NoTraces(FrontdeskError, FileNotFoundError):
    """There is no span store at the path (nothing has been traced yet)."""


@dataclass
class RunSummary:
    run_id: str
    thread_id: str | None
    scenario: str | None
    started: datetime
    duration_ms: float
    spans: int
    agents: list[str]
    tool_calls: int
    errors: int
    input_tokens: int
    output_tokens: int


@dataclass
class SpanNode:
    span_id: str
    name: str
    duration_ms: float
    status: str
    attributes: dict[str, Any]
    events: list[dict[str, Any]]
    children: list[SpanNode] = field(default_factory=list)


@contextmanager
def _connect(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only handle, holding this process's lock on the file (a chat's exporter writes it too)."""
    if not Path(path).exists():
        raise NoTraces(f"No traces yet in {path} — run `frontdesk demo` first.")
    with in_process_lock(Path(path)), connect_duckdb(Path(path), read_only=True) as db:
        yield db


RUNS_SQL = """
SELECT trace_id,
       any_value(thread_id) FILTER (WHERE thread_id IS NOT NULL),
       any_value(json_extract_string(attributes, '$."frontdesk.scenario"')) FILTER (WHERE parent_span_id IS NULL),
       min(start_time) FILTER (WHERE name <> 'frontdesk.feedback'),
       epoch_ms(max(end_time) FILTER (WHERE name <> 'frontdesk.feedback')) - epoch_ms(min(start_time) FILTER (WHERE name
           <> 'frontdesk.feedback')), count(*),
       list(DISTINCT json_extract_string(attributes, '$."gen_ai.agent.name"')) FILTER (WHERE name LIKE
           'invoke_agent %'),
       count(*) FILTER (WHERE name LIKE 'execute_tool %'),
       count(*) FILTER (WHERE status_code = 'ERROR'),
       coalesce(sum(CAST(json_extract(attributes, '$."gen_ai.usage.input_tokens"') AS BIGINT)), 0),
       coalesce(sum(CAST(json_extract(attributes, '$."gen_ai.usage.output_tokens"') AS BIGINT)), 0)
FROM spans GROUP BY trace_id ORDER BY min(start_time) FILTER (WHERE name <> 'frontdesk.feedback') DESC LIMIT ?
"""


def list_runs(path: Path, limit: int = 20) -> list[RunSummary]:
    """The most recent runs, newest first."""
    with _connect(path) as db:
        rows = db.execute(RUNS_SQL, [limit]).fetchall()
    return [
        RunSummary(
            r[0],
            r[1],
            r[2],
            r[3],
            float(r[4] or 0),
            int(r[5]),
            sorted(a for a in (r[6] or []) if a),
            int(r[7]),
            int(r[8]),
            int(r[9]),
            int(r[10]),
        )
        for r in rows
    ]


def run_tree(path: Path, run_id: str) -> list[SpanNode]:
    """The run's spans as a tree (roots first, children by start time); ``run_id`` may be a prefix."""
    with _connect(path) as db:
        matches = db.execute(
            "SELECT DISTINCT trace_id FROM spans WHERE trace_id LIKE ? LIMIT 2", [f"{run_id}%"]
        ).fetchall()
        if len(matches) != 1:
            raise KeyError(
                f"no run {run_id!r}" if not matches else f"run id {run_id!r} is ambiguous; give more characters"
            )
        rows = db.execute(
            "SELECT span_id, parent_span_id, name, duration_ms, status_code, attributes, events FROM spans WHERE "
            "trace_id = ? ORDER BY start_time",
            [matches[0][0]],
        ).fetchall()
    nodes = {
        r[0]: SpanNode(r[0], r[2], float(r[3] or 0), r[4], json.loads(r[5] or "{}"), json.loads(r[6] or "[]"))
        for r in rows
    }
    roots = []
    for span_id, parent, *_ in rows:
        if parent and parent in nodes:
            nodes[parent].children.append(nodes[span_id])
        else:
            roots.append(nodes[span_id])
    return roots


STATS_SQL = """
SELECT CASE WHEN name LIKE 'execute_tool %' THEN 'tool' WHEN name LIKE 'invoke_agent %' THEN 'agent'
            WHEN name LIKE 'chat %' THEN 'model' WHEN name LIKE 'node %' THEN 'node' ELSE 'turn' END AS kind,
       name, count(*) AS calls,
       quantile_cont(duration_ms, 0.5), quantile_cont(duration_ms, 0.95), quantile_cont(duration_ms, 0.99),
       avg(CASE WHEN status_code = 'ERROR' THEN 1.0 ELSE 0.0 END)
FROM spans WHERE start_time >= ?
GROUP BY ALL ORDER BY kind, calls DESC, name
"""

TOTALS_SQL = """
WITH runs AS (
    SELECT trace_id, any_value(thread_id) AS thread_id,
           coalesce(sum(CAST(json_extract(attributes, '$."gen_ai.usage.input_tokens"') AS BIGINT)), 0)
         + coalesce(sum(CAST(json_extract(attributes, '$."gen_ai.usage.output_tokens"') AS BIGINT)), 0) AS tokens,
           coalesce(sum(CAST(json_extract(attributes, '$."frontdesk.cost.usd"') AS DOUBLE)), 0) AS cost,
           bool_or(events LIKE '%"frontdesk.handoff"%' AND events LIKE '%human%') AS handed_off
    FROM spans WHERE start_time >= ? GROUP BY trace_id
),
verdicts AS (
    SELECT json_extract_string(e.value, '$.attributes."frontdesk.grader.verdict"') AS verdict
    FROM spans, json_each(events) AS e
    WHERE start_time >= ? AND json_extract_string(e.value, '$.name') = 'frontdesk.grader.verdict'
)
SELECT (SELECT count(*) FROM runs), (SELECT count(DISTINCT thread_id) FROM runs),
       (SELECT avg(tokens) FROM (SELECT thread_id, sum(tokens) AS tokens FROM runs GROUP BY thread_id)),
       (SELECT avg(cost) FROM (SELECT thread_id, sum(cost) AS cost FROM runs GROUP BY thread_id)),
       (SELECT avg(CASE WHEN handed_off THEN 1.0 ELSE 0.0 END) FROM runs),
       (SELECT avg(CASE WHEN verdict = 'pass' THEN 1.0 ELSE 0.0 END) FROM verdicts),
       (SELECT count(*) FROM verdicts)
"""

GUARDRAIL_TRIPS_SQL = """
SELECT json_extract_string(e.value, '$.attributes."frontdesk.guardrail.name"') AS guardrail,
       json_extract_string(e.value, '$.attributes."frontdesk.guardrail.stage"') AS stage,
       json_extract_string(e.value, '$.attributes."frontdesk.guardrail.action"') AS action,
       count(*) AS trips
FROM spans, json_each(events) AS e
WHERE start_time >= ? AND json_extract_string(e.value, '$.name') = 'frontdesk.guardrail'
GROUP BY ALL ORDER BY trips DESC, guardrail, stage, action
"""

GATEWAY_SQL = """
SELECT count(*),
       coalesce(avg(CASE WHEN json_extract_string(attributes, '$."frontdesk.gateway.fallback"') = 'true' THEN 1.0 ELSE
           0.0 END), 0),
       coalesce(avg(CASE WHEN json_extract_string(attributes, '$."frontdesk.gateway.cache_hit"') = 'true' THEN 1.0 ELSE
           0.0 END), 0),
       coalesce(sum(CASE WHEN json_extract_string(attributes, '$."frontdesk.gateway.unavailable"') = 'true' THEN 1 ELSE
           0 END), 0),
       (SELECT count(*) FROM spans AS s, json_each(s.events) AS e
        WHERE s.start_time >= ? AND json_extract_string(e.value, '$.name') = 'frontdesk.gateway.escalated')
FROM spans WHERE start_time >= ? AND name LIKE 'chat %'
"""

COST_BY_MODEL_SQL = """
SELECT coalesce(json_extract_string(attributes, '$."gen_ai.response.model"'), json_extract_string(attributes,
    '$."gen_ai.request.model"')) AS model,
       count(*), coalesce(sum(CAST(json_extract(attributes, '$."frontdesk.cost.usd"') AS DOUBLE)), 0)
FROM spans WHERE start_time >= ? AND name LIKE 'chat %'
GROUP BY ALL ORDER BY 3 DESC, 2 DESC
"""


@dataclass
class GatewayStats:
    """What the model gateway did: how often it fell back, reused an answer, escalated, or had no model."""

    model_calls: int
    fallback_rate: float
    cache_hit_rate: float
    unavailable: int
    escalations: int
    cost_by_model: list[tuple[str, int, float]]


@dataclass
class Stats:
    rows: list[tuple[str, str, int, float, float, float, float]]
    runs: int
    conversations: int
    tokens_per_conversation: float
    cost_per_conversation: float
    handoff_rate: float
    grader_pass_rate: float | None
    verdicts: int
    guardrail_trips: list[tuple[str, str, str, int]]
    """(guardrail, stage, action, trips), most tripped first."""
    gateway: GatewayStats | None = None


def stats(path: Path, since: timedelta | None = None) -> Stats:
    """Latency percentiles per span (node/agent/tool/model), error rate, tokens, handoff and grader rates."""
    start = datetime(1970, 1, 1) if since is None else datetime.utcnow() - since
    with _connect(path) as db:
        rows = db.execute(STATS_SQL, [start]).fetchall()
        totals = db.execute(TOTALS_SQL, [start, start]).fetchone() or (0, 0, 0, 0, 0, 0, 0)
        trips = db.execute(GUARDRAIL_TRIPS_SQL, [start]).fetchall()
        calls, fallback, cached, unavailable, escalations = db.execute(GATEWAY_SQL, [start, start]).fetchone() or (
            0,
            0,
            0,
            0,
            0,
        )
        costs = db.execute(COST_BY_MODEL_SQL, [start]).fetchall()
    return Stats(
        rows=[(r[0], r[1], int(r[2]), float(r[3]), float(r[4]), float(r[5]), float(r[6])) for r in rows],
        runs=int(totals[0] or 0),
        conversations=int(totals[1] or 0),
        tokens_per_conversation=float(totals[2] or 0),
        cost_per_conversation=float(totals[3] or 0),
        handoff_rate=float(totals[4] or 0),
        grader_pass_rate=None if totals[6] == 0 else float(totals[5]),
        verdicts=int(totals[6] or 0),
        guardrail_trips=[(str(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in trips],
        gateway=GatewayStats(
            int(calls or 0),
            float(fallback or 0),
            float(cached or 0),
            int(unavailable or 0),
            int(escalations or 0),
            [(str(r[0]), int(r[1]), float(r[2])) for r in costs],
        ),
    )
