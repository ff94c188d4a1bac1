"""Idempotency keys for WRITE tool calls: each (thread, tool call id) takes effect once.

LangGraph re-runs a node whose checkpoint was not saved — after a crash, a kill or a
resume — so a WRITE tool may be called again with the same tool call id. The row here is
written in the same transaction as the tool's own changes; finding it on a re-run means
the write already happened, and the stored result is returned instead of acting twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col, select

from frontdesk.persistence.call_keys import ACTION_SEPARATOR, id_part
from frontdesk.persistence.clock import utc_now


class ToolRun(SQLModel, table=True):
    """A WRITE tool call that committed."""

    __tablename__ = "frontdesk_tool_runs"

    thread_id: str = Field(primary_key=True)
    tool_call_id: str = Field(primary_key=True)
    tool: str
    content: str
    created_at: datetime = Field(default_factory=utc_now)


def ensure_tables(engine: Engine) -> None:
    ToolRun.__table__.create(engine, checkfirst=True)  # type: ignore[attr-defined]


def previous_run(session: Session, thread_id: str, tool_call_id: str) -> ToolRun | None:
    return session.get(ToolRun, (thread_id, tool_call_id))


def runs_under_id(session: Session, thread_id: str, tool_call_id: str) -> tuple[ToolRun | None, ToolRun | None]:
    """``(this call's run, a run of another action under the same id)``, each None when there is none; one query.

    Keys are ``<scoped id>#<action digest>`` (``persistence.call_keys``): a run under the same
    id for another action means the host reused one id for a different action (an
    idempotency key sent again with other arguments)."""
    prefix = id_part(tool_call_id)
    if prefix == tool_call_id:
        return previous_run(session, thread_id, tool_call_id), None
    query = select(ToolRun).where(
        ToolRun.thread_id == thread_id, col(ToolRun.tool_call_id).startswith(prefix + ACTION_SEPARATOR, autoescape=True)
    )
    runs = list(session.exec(query))
    same = next((run for run in runs if run.tool_call_id == tool_call_id), None)
    other = next((run for run in runs if run.tool_call_id != tool_call_id), None)
    return same, other


def record_run(session: Session, thread_id: str, tool_call_id: str, tool: str, content: str) -> None:
    """Add the run to the session's transaction (committed together with the tool's writes)."""
    session.add(ToolRun(thread_id=thread_id, tool_call_id=tool_call_id, tool=tool, content=content))
