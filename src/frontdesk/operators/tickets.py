"""Handoff tickets in the domain DB: what an operator sees in the inbox.

A ticket is keyed by thread and by the customer message that triggered it, so writing it
is idempotent: LangGraph re-runs the handoff node from the top when the thread resumes,
and the second run must find the first run's ticket instead of opening another.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col, select

from frontdesk.persistence.clock import utc_now


class Ticket(SQLModel, table=True):
    """A request for a person to take over a conversation."""

    __tablename__ = "frontdesk_tickets"

    id: str = Field(primary_key=True)
    thread_id: str = Field(index=True)
    customer_id: str | None = Field(default=None, index=True)
    reason: str
    summary: str = ""
    priority: str = "normal"
    status: str = Field(default="open", index=True)
    created_at: datetime = Field(default_factory=utc_now)
    resolved_at: datetime | None = None
    operator: str | None = None
    resolution: str | None = None


def ticket_id(thread_id: str, trigger_message_id: str) -> str:
    """Stable id of the ticket opened in ``thread_id`` for one triggering customer message."""
    digest = hashlib.sha256(f"{thread_id}\x00{trigger_message_id}".encode()).hexdigest()[:10]
    return f"T-{digest}"


def ensure_tables(engine: Engine) -> None:
    Ticket.__table__.create(engine, checkfirst=True)  # type: ignore[attr-defined]


def open_ticket(
    engine: Engine,
    *,
    ticket_id: str,
    thread_id: str,
    customer_id: str | None,
    reason: str,
    summary: str,
    priority: str = "normal",
) -> Ticket:
    """Insert the ticket unless it exists; return the stored row either way."""
    with Session(engine, expire_on_commit=False) as session:
        existing = session.get(Ticket, ticket_id)
        if existing is not None:
            return existing
        ticket = Ticket(
            id=ticket_id,
            thread_id=thread_id,
            customer_id=customer_id,
            reason=reason,
            summary=summary,
            priority=priority,
        )
        session.add(ticket)
        session.commit()
        return ticket


def resolve_ticket(engine: Engine, ticket_id: str, *, operator: str, resolution: str) -> None:
    """Mark the ticket resolved by ``operator`` (idempotent: the first resolution wins)."""
    with Session(engine) as session:
        ticket = session.get(Ticket, ticket_id)
        if ticket is None or ticket.status == "resolved":
            return
        ticket.status, ticket.operator, ticket.resolution, ticket.resolved_at = (
            "resolved",
            operator,
            resolution,
            utc_now(),
        )
        session.add(ticket)
        session.commit()


def open_tickets(engine: Engine) -> list[Ticket]:
    """Tickets waiting for an operator, oldest first."""
    with Session(engine) as session:
        return list(session.exec(select(Ticket).where(Ticket.status == "open").order_by(col(Ticket.created_at))))
