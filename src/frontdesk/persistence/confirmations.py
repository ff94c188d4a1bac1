"""The customer's yes or no to a write, kept the moment the confirmation check receives it.

LangGraph hands a resume value to the paused node but keeps it only with the node's
checkpoint; a process killed after the answer arrived and before that checkpoint forgets
it, and the thread would ask the customer again. Stored here per (thread, tool-call id),
the answer survives: the entry points resume such a pause with the kept answer instead of
asking (see ``conversation.standing.answered_pause``), and the first answer kept is the one used.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel

from frontdesk.persistence.clock import utc_now


class ConfirmationAnswer(SQLModel, table=True):
    """What the customer answered to one WRITE call's confirmation."""

    __tablename__ = "frontdesk_confirmations"

    thread_id: str = Field(primary_key=True)
    tool_call_id: str = Field(primary_key=True)
    confirmed: bool
    answered_at: datetime = Field(default_factory=utc_now)


def ensure_tables(engine: Engine) -> None:
    ConfirmationAnswer.__table__.create(engine, checkfirst=True)  # type: ignore[attr-defined]


def recorded(engine: Engine, thread_id: str, tool_call_id: str) -> bool | None:
    """The stored answer, or None when the customer has not answered this call yet."""
    with Session(engine) as session:
        row = session.get(ConfirmationAnswer, (thread_id, tool_call_id))
        return None if row is None else row.confirmed


def record(engine: Engine, thread_id: str, tool_call_id: str, confirmed: bool) -> bool:
    """Store the answer (the first one wins: a re-run never changes what the customer said); returns the stored one."""
    with Session(engine) as session:
        session.add(ConfirmationAnswer(thread_id=thread_id, tool_call_id=tool_call_id, confirmed=confirmed))
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            stored = session.get(ConfirmationAnswer, (thread_id, tool_call_id))
            return confirmed if stored is None else stored.confirmed
    return confirmed
