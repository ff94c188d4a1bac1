"""One clock for the rows frontdesk writes: timezone-aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored time made timezone-aware: SQLite hands datetimes back naive, and they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
