"""Fixtures for the benchmark tests: offline, CrewAI quiet, one shared replay environment.

CrewAI's telemetry opt-outs and its storage folder are set before any test imports it
(the CrewAI runner sets them too; a test run must not depend on import order). Outbound
connections are refused, so a framework that tried to reach the network would fail the
test instead of hanging on it.
"""

from __future__ import annotations

import os
import socket
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest

from frontdesk.benchmarks.tasks import BenchTask, load_tasks
from frontdesk.interop.session import crewai_offline_defaults
from frontdesk.replay.environment import ReplayEnvironment

crewai_offline_defaults()
os.environ.setdefault("CREWAI_STORAGE_DIR", tempfile.mkdtemp(prefix="frontdesk-bench-crewai-"))


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse every outbound connection and DNS lookup (local socket pairs still work)."""

    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise OSError("network access is disabled in the benchmark tests")

    real_connect = socket.socket.connect

    def connect(self: socket.socket, address: Any) -> Any:
        if self.family == socket.AF_UNIX:
            return real_connect(self, address)
        return refuse()

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture(scope="session")
def env() -> Iterator[ReplayEnvironment]:
    """One replay environment (fixture DB template, knowledge base) for the whole session."""
    with ReplayEnvironment() as environment:
        yield environment


@pytest.fixture(scope="session")
def tasks() -> list[BenchTask]:
    return load_tasks()
