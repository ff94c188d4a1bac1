"""Thread checkpointers chosen by URL, using LangGraph's own savers.

``sqlite:///path`` (default), ``postgresql://...`` (extra ``postgres``), ``memory://``.
frontdesk never writes a checkpointer itself: the savers kept by LangGraph's team handle
serialisation, pending writes and migrations.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from langgraph.checkpoint.base import BaseCheckpointSaver

from frontdesk.memory.urls import BadDatabaseURL, sqlite_path


@contextmanager
def open_checkpointer(url: str) -> Iterator[BaseCheckpointSaver]:
    """Open the saver for ``url`` for the duration of the ``with`` block."""
    if url.startswith("memory://"):
        from langgraph.checkpoint.memory import InMemorySaver

        yield InMemorySaver()
    elif url.startswith("sqlite://"):
        from langgraph.checkpoint.sqlite import SqliteSaver

        path = sqlite_path(url)
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with SqliteSaver.from_conn_string(path) as saver:
            saver.setup()
            yield saver
    elif url.startswith(("postgresql://", "postgres://")):
        try:
            from langgraph.checkpoint.postgres import PostgresSaver
        except ImportError as exc:
            raise BadDatabaseURL(url, "Postgres support needs the extra: pip install 'frontdesk[postgres]'") from exc
        with PostgresSaver.from_conn_string(url) as saver:
            saver.setup()
            yield saver
    else:
        raise BadDatabaseURL(url, "expected sqlite:///path, postgresql://... or memory://")
