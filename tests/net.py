"""Processes the tests start that listen on 127.0.0.1: a free port, and waiting until one listens."""

from __future__ import annotations

import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
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


@dataclass
class Served:
    """A running ``frontdesk serve``: its address, and its stdout and stderr so far."""

    base: str
    process: subprocess.Popen[Any]
    out: Any
    err: Any

    def stdout(self) -> str:
        return logged(self.out)

    def stderr(self) -> str:
        return logged(self.err)


@contextmanager
def frontdesk_serve(env: dict[str, str], *args: str, timeout_s: float = 60) -> Iterator[Served]:
    """``frontdesk serve --demo ARGS`` on a free 127.0.0.1 port, ready (``/healthz`` answers); stopped after.

    Its output goes to files, not pipes: a server logs a line per request, and a pipe nobody
    reads fills and stops it mid-write."""
    import sys

    import httpx

    port = free_port()
    with tempfile.TemporaryFile(mode="w+") as out, tempfile.TemporaryFile(mode="w+") as err:
        command = [sys.executable, "-m", "frontdesk.cli.app", "serve", "--demo", "--port", str(port), *args]
        process = subprocess.Popen(command, env=env, stdout=out, stderr=err, text=True)
        served = Served(f"http://127.0.0.1:{port}", process, out, err)
        try:
            deadline = time.monotonic() + timeout_s
            while True:
                try:
                    if httpx.get(f"{served.base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"frontdesk serve did not start: {served.stderr()}")
            yield served
        finally:
            if process.poll() is None:
                process.terminate()
            process.wait(timeout=30)
