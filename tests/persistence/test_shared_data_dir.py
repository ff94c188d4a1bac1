"""Several frontdesk processes on one data dir: DuckDB files are waited for, not crashed on."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from frontdesk.persistence.duckdb_files import DataFileBusy, connect_duckdb

HOLD = """
import duckdb, sys, time
connection = duckdb.connect(sys.argv[1])
connection.execute("CREATE TABLE IF NOT EXISTS t (x INTEGER)")
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
connection.close()
"""


def hold(path: Path, seconds: float) -> subprocess.Popen[str]:
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(path), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline().strip() == "holding"
    return process


def test_a_reader_waits_for_another_processs_write_lock(tmp_path: Path) -> None:
    path = tmp_path / "knowledge.duckdb"
    holder = hold(path, 1.5)
    started = time.monotonic()
    with connect_duckdb(path, read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM t").fetchone() == (0,)
    assert time.monotonic() - started >= 0.5
    holder.wait(timeout=30)


def test_a_lock_held_too_long_is_one_line_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "traces.duckdb"
    holder = hold(path, 5)
    try:
        with pytest.raises(DataFileBusy, match=r"traces\.duckdb is in use by another frontdesk process"):
            connect_duckdb(path, read_only=True, wait_s=0.5)
        with pytest.raises(duckdb.IOException):
            duckdb.connect(str(path), read_only=True)
    finally:
        holder.wait(timeout=30)
