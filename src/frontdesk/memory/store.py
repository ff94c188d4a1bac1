"""The long-term store (LangGraph ``BaseStore``) chosen by the same URL as threads.

``sqlite:///path`` → ``SqliteStore``, ``postgresql://`` → ``PostgresStore``, ``memory://`` →
``InMemoryStore``. What the agents remember about a customer lives here, namespaced by
customer, and outlives any single thread.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from langgraph.store.base import BaseStore

from frontdesk.memory.urls import BadDatabaseURL, sqlite_path


@contextmanager
def open_store(url: str) -> Iterator[BaseStore]:
    """Open the long-term store for ``url`` for the duration of the ``with`` block."""
    if url.startswith("memory://"):
        from langgraph.store.memory import InMemoryStore

        yield InMemoryStore()
    elif url.startswith("sqlite://"):
        from langgraph.store.sqlite import SqliteStore

        path = sqlite_path(url)
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with SqliteStore.from_conn_string(path) as store:
            store.setup()
            yield store
    elif url.startswith(("postgresql://", "postgres://")):
        try:
            from langgraph.store.postgres import PostgresStore
        except ImportError as exc:
            raise BadDatabaseURL(url, "Postgres support needs the extra: pip install 'frontdesk[postgres]'") from exc
        with PostgresStore.from_conn_string(url) as store:
            store.setup()
            yield store
    else:
        raise BadDatabaseURL(url, "expected sqlite:///path, postgresql://... or memory://")
