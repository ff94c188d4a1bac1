"""The long-term store (LangGraph ``BaseStore``) chosen by the same URL as threads.

``sqlite:///path`` → ``SqliteStore``, ``postgresql://`` → ``PostgresStore``, ``memory://`` →
``InMemoryStore``. What the agents remember about a customer lives here, namespaced by
customer, and outlives any single thread.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from langgraph.store.base import BaseStore
from langgraph.store.memory import InMemoryStore
from langgraph.store.sqlite import SqliteStore

from frontdesk.persistence.urls import backend, sqlite_file


@contextmanager
def open_store(url: str) -> Iterator[BaseStore]:
    """Open the long-term store for ``url`` for the duration of the ``with`` block."""
    kind = backend(url)
    if kind == "memory":
        yield InMemoryStore()
    elif kind == "sqlite":
        with SqliteStore.from_conn_string(sqlite_file(url)) as store:
            store.setup()
            yield store
    else:
        from langgraph.store.postgres import PostgresStore  # noqa: PLC0415 — optional (extra postgres)

        with PostgresStore.from_conn_string(url) as store:
            store.setup()
            yield store
