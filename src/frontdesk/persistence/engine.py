"""The domain DB engine, from a SQLAlchemy URL (SQLite file by default, Postgres at scale).

Generic: which tables a domain adds is the domain's business (``frontdesk.domains``)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Table, event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool
from sqlalchemy.schema import CreateIndex
from sqlmodel import create_engine

from frontdesk.persistence.urls import BadDatabaseURL

SQLITE_POOL_SIZE = 32
"""SQLite connections an engine keeps open (a connection is a file handle and a page cache)."""


def create_domain_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite files get WAL and a busy timeout for concurrent writers."""
    try:
        if url in {"sqlite://", "sqlite:///:memory:"}:
            return create_engine("sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool)
        if url.startswith("sqlite"):
            # Enough kept connections for every thread that runs tools at once (the node pool, the
            # tool workers): past ``pool_size`` each checkout opened and closed a new connection.
            engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=SQLITE_POOL_SIZE, max_overflow=SQLITE_POOL_SIZE)
            event.listen(engine, "connect", _sqlite_pragmas)
            return engine
        return create_engine(url, pool_pre_ping=True)
    except Exception as exc:  # malformed URL, missing driver
        raise BadDatabaseURL(url, str(exc).splitlines()[0]) from None


def _sqlite_pragmas(connection: object, _record: object) -> None:
    cursor = connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # with WAL: a killed process loses nothing committed; only a power cut can lose the last commits
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def create_tables(engine: Engine, tables: Iterable[Table]) -> None:
    """Create missing tables, and missing indexes on tables that exist (safe on every start).

    ``create(checkfirst=True)`` skips a table that exists, and with it any index added to
    the table since that database was made: a deployment's database gets those on its next
    start. ``IF NOT EXISTS`` rather than a reflected check, which cannot see expression
    indexes (``lower(email)``) on SQLite.
    """
    tables = list(tables)
    for table in tables:
        table.create(engine, checkfirst=True)
    with engine.begin() as connection:
        for table in tables:
            for index in table.indexes:
                connection.execute(CreateIndex(index, if_not_exists=True))
