"""The domain DB engine, from a SQLAlchemy URL (SQLite file by default, Postgres at scale).

Generic: which tables a domain adds is the domain's business (``frontdesk.domains``)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Table, event, inspect
from sqlalchemy.engine import Connection, Engine
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
            engine = create_engine(
                url,
                connect_args={"check_same_thread": False, "timeout": 30},
                pool_size=SQLITE_POOL_SIZE,
                max_overflow=SQLITE_POOL_SIZE,
            )
            event.listen(engine, "connect", _sqlite_pragmas)
            return engine
        return create_engine(url, pool_pre_ping=True)
    except Exception as exc:  # malformed URL, missing driver
        raise BadDatabaseURL(url, str(exc).splitlines()[0]) from None


def _sqlite_pragmas(connection: object, _record: object) -> None:
    cursor = connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(
        "PRAGMA synchronous=NORMAL"
    )  # with WAL: a killed process loses nothing committed; only a power cut can lose the last commits
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def create_tables(engine: Engine, tables: Iterable[Table]) -> None:
    """Create missing tables, and missing indexes on tables that exist (safe on every start).

    ``create(checkfirst=True)`` skips a table that exists, and with it any index added to
    the table since that database was made: a deployment's database gets those on its next
    start. Only missing indexes are created: ``CREATE INDEX`` on Postgres locks the table
    against writes even when the index exists, so a CLI command started beside a busy server
    would have stalled the server's writes behind it.
    """
    for table in tables:
        table.create(engine, checkfirst=True)
        if not table.indexes:
            continue
        with engine.begin() as connection:
            present = index_names(connection, table)
            missing = [index for index in table.indexes if index.name not in present]
            for index in missing:  # IF NOT EXISTS: two processes starting together both see it missing
                connection.execute(CreateIndex(index, if_not_exists=True))


def index_names(connection: Connection, table: Table) -> set[str]:
    """The names of ``table``'s indexes in the database (SQLAlchemy's reflection skips expression indexes on SQLite)."""
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?", (table.name,)
        )
        return {str(row[0]) for row in rows}
    return {str(index["name"]) for index in inspect(connection).get_indexes(table.name, schema=table.schema)}
