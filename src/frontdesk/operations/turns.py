"""One row per customer turn, rolled up from the span store: the table every operations view reads.

A turn is one trace whose root span is ``frontdesk.turn``. Its row says when it started,
how long it took, which model and agents ran, its tool calls and failures, tokens and
cost, whether (and why) it went to a person, the grader's verdicts, the customer's rating,
and the run's tags. The rollup is built in an in-memory DuckDB beside the span file
(attached read-only, so a running server keeps writing) and then queried as often as a page
needs. Event checks use plain substring tests on the events' JSON, which DuckDB runs far
faster than unnesting every event, and which the exporter's fixed JSON layout keeps exact.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from frontdesk.operations.population import Population
from frontdesk.persistence.duckdb_files import LOCK_WAIT_S, DataFileBusy, connect_duckdb, in_process_lock
from frontdesk.tracing.queries import NoTraces


def _occurrences(pattern: str) -> str:
    """SQL counting ``pattern`` in a trace's concatenated events."""
    escaped = pattern.replace("'", "''")
    return f"CAST((length(all_events) - length(replace(all_events, '{escaped}', ''))) / {len(pattern)} AS INTEGER)"


TURNS_SQL = f"""
CREATE OR REPLACE TEMP TABLE turns AS
WITH roots AS (
    SELECT trace_id, start_time AS started, duration_ms, thread_id,
           json_extract_string(attributes, '$."frontdesk.scenario"') AS scenario,
           json_extract_string(attributes, '$."frontdesk.model"') AS run_model,
           json_extract_string(attributes, '$."frontdesk.prompt.version"') AS prompt_version,
           json_extract_string(attributes, '$."frontdesk.config.hash"') AS config_hash,
           coalesce(json_extract_string(attributes, '$."frontdesk.tags"'), '{{}}') AS tags
    FROM store.spans WHERE name = 'frontdesk.turn' AND {{window}}
),
rolled AS (
    SELECT trace_id,
           list(DISTINCT json_extract_string(attributes, '$."gen_ai.agent.name"')) FILTER (WHERE name LIKE
               'invoke_agent %') AS agents,
           any_value(json_extract_string(attributes, '$."gen_ai.request.model"')) FILTER (WHERE name LIKE 'chat %') AS
               first_model,
           count(*) FILTER (WHERE name LIKE 'chat %') AS model_calls,
           count(*) FILTER (WHERE name LIKE 'chat %' AND json_extract_string(attributes,
               '$."frontdesk.gateway.fallback"') = 'true') AS fallbacks,
           count(*) FILTER (WHERE name LIKE 'execute_tool %') AS tool_calls,
           count(*) FILTER (WHERE name LIKE 'execute_tool %' AND status_code = 'ERROR') AS tool_errors,
           count(*) FILTER (WHERE status_code = 'ERROR' AND name NOT LIKE 'execute_tool %') AS errors,
           coalesce(sum(CAST(json_extract(attributes, '$."gen_ai.usage.input_tokens"') AS BIGINT)), 0)
             + coalesce(sum(CAST(json_extract(attributes, '$."gen_ai.usage.output_tokens"') AS BIGINT)), 0) AS tokens,
           coalesce(sum(CAST(json_extract(attributes, '$."frontdesk.cost.usd"') AS DOUBLE)), 0) AS cost_usd,
           any_value(json_extract_string(attributes, '$."frontdesk.feedback.rating"')) FILTER (WHERE name =
               'frontdesk.feedback') AS rating,
           string_agg(events, '') FILTER (WHERE events <> '[]') AS all_events
    FROM store.spans WHERE trace_id IN (SELECT trace_id FROM roots)
    GROUP BY trace_id
)
SELECT roots.trace_id AS run_id, started, duration_ms / 1000.0 AS latency_s, thread_id, scenario,
       coalesce(run_model, first_model, 'unknown') AS model, coalesce(agents, []) AS agents, tags, prompt_version,
           config_hash,
       coalesce(model_calls, 0) AS model_calls, coalesce(tool_calls, 0) AS tool_calls, coalesce(tool_errors, 0) AS
           tool_errors,
       coalesce(errors, 0) AS errors, coalesce(tokens, 0) AS tokens, coalesce(cost_usd, 0) AS cost_usd, rating,
       coalesce(all_events LIKE '%"frontdesk.handoff.to": "human"%', FALSE) AS handed_off,
       CASE WHEN all_events LIKE '%"frontdesk.handoff.to": "human"%'
            THEN coalesce(regexp_extract(all_events, '"frontdesk.handoff.cause": "([a-z_]+)"', 1), 'agent_transfer') END
                AS handoff_cause,
       coalesce({_occurrences('"frontdesk.grader.verdict": "pass"')}, 0) AS grades_passed,
       coalesce({_occurrences('"frontdesk.grader.verdict": "fail"')}, 0) AS grades_failed,
       coalesce({_occurrences('"frontdesk.gateway.escalated"')}, 0) AS escalations,
       coalesce({_occurrences('"name": "frontdesk.model.unavailable"')}, 0) AS model_unavailable,
       coalesce(fallbacks, 0) AS fallbacks,
       coalesce({_occurrences('"frontdesk.gateway.breaker.state": "open"')}, 0) AS breaker_opens
FROM roots LEFT JOIN rolled USING (trace_id)
"""


@contextmanager
def turns(path: Path, population: Population | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckDB connection holding ``turns`` (one row per turn of ``population``), and ``store.spans``."""
    population = population or Population()
    if not Path(path).exists():
        raise NoTraces(f"No traces yet in {path} — run `frontdesk demo` first.")
    lock = in_process_lock(Path(path))
    if not lock.acquire(timeout=LOCK_WAIT_S):
        raise DataFileBusy(f"{path} is busy in this process (spans being written); try again in a moment")
    db = duckdb.connect(":memory:")
    try:
        connect_duckdb(
            Path(path), read_only=True
        ).close()  # waits out another process's write lock, or says the file is busy
        db.execute("SET threads TO 2")
        db.execute(f"ATTACH '{_quoted(Path(path))}' AS store (READ_ONLY)")
        window, params = _window(population)
        db.execute(TURNS_SQL.replace("{window}", window), params)
        where, more = population.where()
        if where != "TRUE":
            db.execute(f"DELETE FROM turns WHERE NOT ({where})", more)
        yield db
    finally:
        db.close()
        lock.release()


def _window(population: Population) -> tuple[str, list[object]]:
    """The time part of the filter, applied to root spans before anything is rolled up."""
    only_time = Population(since=population.since, until=population.until)
    where, params = only_time.where()
    return where.replace("started", "start_time"), params


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")
