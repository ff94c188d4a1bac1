"""A server reads its own span store (dashboard, alerts) while its exporter writes it: no span is lost."""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb

from frontdesk.operations.panels import build_panels
from frontdesk.operations.turns import turns
from tests.operations.recorded import record_turns


def test_reading_the_dashboard_while_spans_are_exported_in_the_same_process_loses_nothing(tmp_path: Path) -> None:
    path = tmp_path / "traces.duckdb"
    record_turns(path, 5)  # the file exists
    stop = threading.Event()
    views: list[int] = []

    def keep_reading() -> None:
        while not stop.is_set():
            with turns(path) as db:
                views.append(int(build_panels(db).summary["turns"]))

    reader = threading.Thread(target=keep_reading)
    reader.start()
    try:
        for batch in range(10):
            record_turns(
                path, 20, thread=f"batch-{batch}"
            )  # each batch exported (and the tracer shut down) while the reader reads
    finally:
        stop.set()
        reader.join()
    with duckdb.connect(str(path), read_only=True) as db:
        stored = db.execute("SELECT count(*) FROM spans WHERE name = 'frontdesk.turn'").fetchone()
    assert stored == (205,)
    assert len(views) > 3 and views == sorted(views)  # the reader saw the store grow, never a broken page
