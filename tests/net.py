"""Processes the tests start that listen on 127.0.0.1: a free port, and waiting until one listens."""

from __future__ import annotations

import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def listening(
    command: Sequence[str], port: int, *, timeout_s: float = 60, **popen: Any
) -> Iterator[subprocess.Popen[Any]]:
    """Start ``command`` and wait until ``port`` accepts connections (the process's stderr if it dies first); stop it
    after."""
    # stderr to a file, not a pipe: a server logs a line per request, and a pipe nobody reads
    # fills after a few thousand of them and stops the server mid-write
    log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 — closed when the process has stopped
    process = subprocess.Popen(list(command), stdout=subprocess.DEVNULL, stderr=log, **popen)
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None:
                    raise AssertionError(f"{command[0]} exited before listening: {logged(log)}") from None
                if time.monotonic() > deadline:
                    raise AssertionError(f"nothing listened on port {port} within {timeout_s:g} s") from None
                time.sleep(0.1)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def logged(log: Any) -> str:
    """What a process wrote to its log file so far."""
    log.seek(0)
    return str(log.read())
