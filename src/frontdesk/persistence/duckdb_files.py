"""Opening the DuckDB files (knowledge base, traces) when other frontdesk processes use them too.

DuckDB lets one process write a file at a time, and a read-only open fails while another
process writes. An operator's ``inbox reject`` must not crash because a chat in another
terminal is exporting spans: opens wait and retry (tenacity, exponential backoff with
jitter) for a few seconds, then fail with one line naming the file.

Within one process DuckDB refuses a second handle on a file outright (a server exporting
spans while its dashboard reads them), so readers and the writer of a file in one process
also take :func:`in_process_lock` for that file.
"""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb
from tenacity import Retrying, retry_if_exception, stop_after_delay, wait_random_exponential

from frontdesk.errors import FrontdeskError

LOCK_WAIT_S = 15.0
_LOCKS: dict[str, threading.RLock] = {}
_LOCKS_GUARD = threading.Lock()


def in_process_lock(path: Path) -> threading.RLock:
    """The lock every user of ``path`` in this process holds while its DuckDB handle is open."""
    key = str(Path(path).resolve())
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(key, threading.RLock())


class DataFileBusy(FrontdeskError, RuntimeError):
    """A DuckDB file stayed locked by another process; the message names the file."""


def _locked(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()


def connect_duckdb(path: Path, *, read_only: bool = False, wait_s: float = LOCK_WAIT_S) -> duckdb.DuckDBPyConnection:
    """``duckdb.connect`` that waits out another process's lock instead of failing at once."""
    try:
        for attempt in Retrying(
            retry=retry_if_exception(_locked),
            stop=stop_after_delay(wait_s),
            wait=wait_random_exponential(multiplier=0.05, max=1.0),
            reraise=True,
        ):
            with attempt:
                return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if _locked(exc):
            raise DataFileBusy(
                f"{path} is in use by another frontdesk process (waited {wait_s:.0f} s); try again when it has finished"
            ) from None
        raise
    raise AssertionError("unreachable: Retrying returns or raises")
