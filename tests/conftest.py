"""Shared fixtures: a real PostgreSQL server for the tests that need one."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator

import pytest

from tests.postgres_server import PostgresServer

_counter = itertools.count()

# CLI output is read as text: give rich a wide terminal in every worker so tables don't wrap.
os.environ.setdefault("COLUMNS", "200")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """A fresh, empty database on the session's PostgreSQL server."""
    return postgres_server.create_database(f"test_{next(_counter)}")
