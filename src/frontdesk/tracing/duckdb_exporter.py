"""An OpenTelemetry span exporter that stores spans in a DuckDB file.

Used behind the SDK's ``BatchSpanProcessor``, so a turn never waits for it. Each batch is
one transaction on a short-lived connection: other processes (``frontdesk traces`` in
another terminal) can read between batches, and a crash mid-batch leaves the file as it
was before that batch. If another process holds the file, the batch is retried briefly,
then dropped with a warning — tracing must never break a conversation.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

from frontdesk.persistence.duckdb_files import in_process_lock

logger = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS spans (
    trace_id VARCHAR, span_id VARCHAR, parent_span_id VARCHAR, name VARCHAR, kind VARCHAR,
    start_time TIMESTAMP, end_time TIMESTAMP, duration_ms DOUBLE,
    status_code VARCHAR, status_message VARCHAR,
    attributes JSON, events JSON, resource JSON, thread_id VARCHAR, run_id VARCHAR
)
"""


def _hex(value: int, width: int) -> str:
    return format(value, f"0{width}x")


def _time(ns: int | None) -> datetime | None:
    return datetime.fromtimestamp(ns / 1e9, UTC).replace(tzinfo=None) if ns else None


def _plain(attributes: Any) -> dict[str, Any]:
    return {key: list(value) if isinstance(value, tuple) else value for key, value in dict(attributes or {}).items()}


def span_row(span: ReadableSpan) -> list[Any]:
    """One ``spans`` row for a finished span."""
    context = span.get_span_context()
    assert context is not None, "a finished SDK span always has a context"
    attributes = _plain(span.attributes)
    events = [
        {
            "name": e.name,
            "time": moment.isoformat() if (moment := _time(e.timestamp)) else None,
            "attributes": _plain(e.attributes),
        }
        for e in span.events
    ]
    duration = (span.end_time - span.start_time) / 1e6 if span.end_time and span.start_time else None
    return [
        _hex(context.trace_id, 32),
        _hex(context.span_id, 16),
        _hex(span.parent.span_id, 16) if span.parent else None,
        span.name,
        span.kind.name,
        _time(span.start_time),
        _time(span.end_time),
        duration,
        span.status.status_code.name,
        span.status.description,
        json.dumps(attributes, default=str),
        json.dumps(events, default=str),
        json.dumps(_plain(span.resource.attributes), default=str),
        attributes.get("gen_ai.conversation.id"),
        _hex(context.trace_id, 32),
    ]


_COLUMN_TYPES = (
    ("VARCHAR",) * 5 + ("TIMESTAMP",) * 2 + ("DOUBLE",) + ("VARCHAR",) * 2 + ("JSON",) * 3 + ("VARCHAR",) * 2
)
INSERT_COLUMNS = "INSERT INTO spans SELECT " + ", ".join(f"unnest(?::{kind}[])" for kind in _COLUMN_TYPES)
"""A batch as one statement over its columns: ``executemany`` inserts row by row, ~40x slower
(it was most of tracing's cost, paid in the same interpreter as the conversations)."""

IN_PROCESS_WAIT_S = 30.0
"""How long an export waits for a reader in this process (the dashboard) before dropping its batch."""


class DuckDBSpanExporter(SpanExporter):
    """Writes spans to ``path`` (created on first export)."""

    def __init__(self, path: Path, *, lock_retries: int = 20, retry_delay_s: float = 0.05) -> None:
        self.path = Path(path)
        self.lock_retries = lock_retries
        self.retry_delay_s = retry_delay_s

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        rows = [span_row(span) for span in spans]
        if not rows:
            return SpanExportResult.SUCCESS
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = in_process_lock(self.path)
        if not lock.acquire(timeout=IN_PROCESS_WAIT_S):  # a dashboard of this process is reading
            logger.warning("frontdesk traces: dropped %d span(s), %s stayed busy in this process", len(rows), self.path)
            return SpanExportResult.FAILURE
        try:
            return self._write(rows)
        finally:
            lock.release()

    def _write(self, rows: list[list[Any]]) -> SpanExportResult:
        for attempt in range(self.lock_retries + 1):
            try:
                connection = duckdb.connect(str(self.path))
            except duckdb.IOException as exc:
                if attempt == self.lock_retries:
                    logger.warning(
                        "frontdesk traces: dropped %d span(s), %s is locked by another process: %s",
                        len(rows),
                        self.path,
                        exc,
                    )
                    return SpanExportResult.FAILURE
                time.sleep(self.retry_delay_s)
                continue
            try:
                connection.execute(SCHEMA)
                connection.execute("BEGIN")
                connection.execute(INSERT_COLUMNS, [list(column) for column in zip(*rows, strict=True)])
                connection.execute("COMMIT")
                return SpanExportResult.SUCCESS
            finally:
                connection.close()
        return SpanExportResult.FAILURE

    def shutdown(self) -> None:
        return None

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True
