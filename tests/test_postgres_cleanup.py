"""A test run that ends early — killed, timed out, interrupted — leaves no PostgreSQL server behind."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

KILLED_RUN = """
import os, time
from tests.postgres_server import PostgresServer
server = PostgresServer().start()
print(server.port, server.root, flush=True)
time.sleep(600)  # killed here, before any teardown
"""


def listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


def test_a_killed_test_process_leaves_no_postgres_server() -> None:
    run = subprocess.Popen(
        [sys.executable, "-c", KILLED_RUN], cwd=REPO, stdout=subprocess.PIPE, text=True, env=dict(os.environ)
    )
    assert run.stdout is not None
    port_text, root = run.stdout.readline().split()
    port = int(port_text)
    assert listening(port) and Path(root).is_dir()
    run.send_signal(signal.SIGKILL)
    run.wait(timeout=30)
    deadline = time.monotonic() + 60
    while (listening(port) or Path(root).exists()) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not listening(port), "the server outlived the killed run"
    assert not Path(root).exists(), "its folder was left behind"
