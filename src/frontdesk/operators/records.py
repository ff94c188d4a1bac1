"""Approvals waiting for an operator, and every operator decision (who, when, what).

An approval row is keyed by thread and tool call id, so re-running the tools node (on
resume) finds the same request instead of filing a second one. Decisions are append-only:
the audit trail of what people decided for the bot.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, update
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col, select

from frontdesk.persistence.clock import utc_now


class Approval(SQLModel, table=True):
    """A sensitive WRITE tool call paused until an operator approves, rejects or edits it."""

    __tablename__ = "frontdesk_approvals"

    id: str = Field(primary_key=True)
    thread_id: str = Field(index=True)
    tool_call_id: str
    customer_id: str | None = None
    tool: str
    args: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    reason: str
    amount: float | None = None
    status: str = Field(default="pending", index=True)
    created_at: datetime = Field(default_factory=utc_now)
    decided_at: datetime | None = None
    operator: str | None = None
    decision_note: str | None = None


class OperatorDecision(SQLModel, table=True):
    """One decision an operator made: a reply, an approval, a rejection, an edit."""

    __tablename__ = "frontdesk_operator_decisions"

    id: int | None = Field(default=None, primary_key=True)
    target_id: str = Field(index=True)
    thread_id: str = Field(index=True)
    kind: str
    operator: str
    details: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    decided_at: datetime = Field(default_factory=utc_now)


def ensure_tables(engine: Engine) -> None:
    for table in (Approval.__table__, OperatorDecision.__table__):  # type: ignore[attr-defined]
        table.create(engine, checkfirst=True)


def approval_id(thread_id: str, tool_call_id: str) -> str:
    return "A-" + hashlib.sha256(f"{thread_id}\x00{tool_call_id}".encode()).hexdigest()[:10]


def request_approval(
    engine: Engine,
    *,
    thread_id: str,
    tool_call_id: str,
    customer_id: str | None,
    tool: str,
    args: dict[str, Any],
    reason: str,
    amount: float | None,
) -> Approval:
    """File the approval request unless it exists; return the stored row."""
    key = approval_id(thread_id, tool_call_id)
    with Session(engine, expire_on_commit=False) as session:
        existing = session.get(Approval, key)
        if existing is not None:
            return existing
        row = Approval(
            id=key,
            thread_id=thread_id,
            tool_call_id=tool_call_id,
            customer_id=customer_id,
            tool=tool,
            args=json.loads(json.dumps(args, default=str)),
            reason=reason,
            amount=amount,
        )
        session.add(row)
        session.commit()
        return row


CLAIMED = "deciding"
"""An approval an operator is deciding right now: nobody else may decide it."""


def claim(engine: Engine, table: Any, key: str, *, open_status: str, operator: str) -> bool:
    """Compare-and-set ``open_status`` → ``deciding`` in one statement; True for the one caller that wins."""
    with engine.begin() as connection:
        result = connection.execute(
            update(table)
            .where(table.c.id == key, table.c.status == open_status)
            .values(status=CLAIMED, operator=operator)
        )
    return bool(result.rowcount == 1)


def release(engine: Engine, table: Any, key: str, *, open_status: str) -> None:
    """Give a claim back (the decision could not be carried out)."""
    with engine.begin() as connection:
        connection.execute(
            update(table).where(table.c.id == key, table.c.status == CLAIMED).values(status=open_status, operator=None)
        )


def get_approval(engine: Engine, key: str) -> Approval | None:
    with Session(engine, expire_on_commit=False) as session:
        return session.get(Approval, key)


def decide_approval(
    engine: Engine, key: str, *, status: str, operator: str, note: str | None, args: dict[str, Any] | None = None
) -> None:
    """Record the decision on a pending approval (the caller checks it is still pending)."""
    with Session(engine) as session:
        row = session.get(Approval, key)
        if row is None or row.status not in {"pending", CLAIMED}:
            return
        row.status, row.operator, row.decision_note, row.decided_at = status, operator, note, utc_now()
        if args is not None:
            row.args = args
        session.add(row)
        session.add(
            OperatorDecision(
                target_id=key,
                thread_id=row.thread_id,
                kind=status,
                operator=operator,
                details={"tool": row.tool, "args": row.args, "note": note},
            )
        )
        session.commit()


def log_decision(
    engine: Engine, *, target_id: str, thread_id: str, kind: str, operator: str, details: dict[str, Any]
) -> None:
    with Session(engine) as session:
        session.add(
            OperatorDecision(target_id=target_id, thread_id=thread_id, kind=kind, operator=operator, details=details)
        )
        session.commit()


def pending_approvals(engine: Engine) -> list[Approval]:
    with Session(engine, expire_on_commit=False) as session:
        return list(
            session.exec(select(Approval).where(Approval.status == "pending").order_by(col(Approval.created_at)))
        )


def decisions(engine: Engine, thread_id: str | None = None) -> list[OperatorDecision]:
    with Session(engine, expire_on_commit=False) as session:
        query = select(OperatorDecision).order_by(col(OperatorDecision.id))
        if thread_id is not None:
            query = query.where(OperatorDecision.thread_id == thread_id)
        return list(session.exec(query))
