"""The refund ledger: every money-moving WRITE that committed, per customer.

The approval limit applies to what a customer is refunded in a window, not to one call:
a refund split into small calls adds up here and meets the limit like one large call. A
row is written in the same transaction as the tool's own changes (see
``PolicyVerdict.on_commit``), so the ledger never counts a refund that did not happen.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, or_
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col, select

from frontdesk.persistence.clock import utc_now


class Refund(SQLModel, table=True):
    """Money a committed tool call moved to a customer."""

    __tablename__ = "frontdesk_refunds"

    thread_id: str = Field(primary_key=True)
    tool_call_id: str = Field(primary_key=True)
    customer_id: str = Field(index=True)
    tool: str
    amount: float
    created_at: datetime = Field(default_factory=utc_now, index=True)


def ensure_tables(engine: Engine) -> None:
    Refund.__table__.create(engine, checkfirst=True)  # type: ignore[attr-defined]


def refunded_since(
    session: Session, customer_id: str, since: datetime, *, excluding: tuple[str, str] | None = None
) -> float:
    """What ``customer_id`` has been refunded since ``since`` (leaving out the ``(thread, call key)`` row
    ``excluding``)."""
    query = select(func.sum(Refund.amount)).where(Refund.customer_id == customer_id, col(Refund.created_at) >= since)
    if excluding is not None:
        thread_id, tool_call_id = excluding
        query = query.where(or_(col(Refund.thread_id) != thread_id, col(Refund.tool_call_id) != tool_call_id))
    total = session.exec(query).one()
    return round(float(total or 0.0), 2)


def recent_refunds(
    session: Session, customer_id: str, window: timedelta, *, excluding: tuple[str, str] | None = None
) -> float:
    return refunded_since(session, customer_id, utc_now() - window, excluding=excluding)


def record_refund(
    session: Session, *, thread_id: str, tool_call_id: str, customer_id: str, tool: str, amount: float
) -> None:
    """Add the refund to the session's transaction (committed with the tool's own changes)."""
    session.add(
        Refund(thread_id=thread_id, tool_call_id=tool_call_id, customer_id=customer_id, tool=tool, amount=amount)
    )
