"""The domain DB engine, from a SQLAlchemy URL (SQLite file by default, Postgres at scale)."""

from __future__ import annotations

from sqlalchemy import event, func
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine, select

from frontdesk.memory.domain.models import DOMAIN_TABLES, User
from frontdesk.memory.urls import BadDatabaseURL


def create_domain_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite files get WAL and a busy timeout for concurrent writers."""
    try:
        if url in {"sqlite://", "sqlite:///:memory:"}:
            return create_engine("sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool)
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
            event.listen(engine, "connect", _sqlite_pragmas)
            return engine
        return create_engine(url, pool_pre_ping=True)
    except Exception as exc:  # malformed URL, missing driver
        raise BadDatabaseURL(url, str(exc).splitlines()[0]) from None


def _sqlite_pragmas(connection: object, _record: object) -> None:
    cursor = connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def init_domain_schema(engine: Engine) -> None:
    """Create the domain tables if they do not exist."""
    for table in DOMAIN_TABLES:
        table.create(engine, checkfirst=True)


def has_data(engine: Engine) -> bool:
    """True once any user has been loaded."""
    with Session(engine) as session:
        return bool(session.exec(select(func.count()).select_from(User)).one())
