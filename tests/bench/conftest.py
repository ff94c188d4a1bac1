"""Fixtures for the benchmark tests: offline, CrewAI quiet, one shared replay environment.

CrewAI's telemetry opt-outs and its storage folder are set before any test imports it
(the CrewAI runner sets them too; a test run must not depend on import order). Outbound
connections are refused, so a framework that tried to reach the network would fail the
test instead of hanging on it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator

import pytest

from frontdesk.benchmarks.tasks import BenchTask, load_tasks
from frontdesk.interop.session import crewai_offline_defaults
from frontdesk.replay.environment import ReplayEnvironment
from tests.offline import refuse_network

crewai_offline_defaults()
os.environ.setdefault("CREWAI_STORAGE_DIR", tempfile.mkdtemp(prefix="frontdesk-bench-crewai-"))


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    refuse_network(monkeypatch, "benchmark")


@pytest.fixture(scope="session")
def env() -> Iterator[ReplayEnvironment]:
    """One replay environment (fixture DB template, knowledge base) for the whole session."""
    with ReplayEnvironment() as environment:
        yield environment


@pytest.fixture(scope="session")
def tasks() -> list[BenchTask]:
    return load_tasks()
