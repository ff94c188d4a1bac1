"""What conversations and the deployment have spent on models: the ground for budgets.

Each answered call adds its tokens and cost (from the price table) to its thread's row and
to today's (UTC) row, in the domain DB when there is one — so every process of a
deployment counts against the same totals — else in memory. Checked before each call: a
conversation past its budget goes to a person; a deployment past its daily limit calls no
model until tomorrow (the customer gets the fallback reply); past the warning, every call
carries an alert event.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel

from frontdesk.config.gateway import GatewayConfig
from frontdesk.gateway.errors import BudgetExceeded
from frontdesk.tracing import instrument


class ThreadSpend(SQLModel, table=True):
    __tablename__ = "frontdesk_thread_spend"
    thread_id: str = Field(primary_key=True)
    tokens: int = 0
    cost: float = 0.0


class DailySpend(SQLModel, table=True):
    __tablename__ = "frontdesk_daily_spend"
    day: str = Field(primary_key=True)
    tokens: int = 0
    cost: float = 0.0


def ensure_tables(engine: Engine) -> None:
    ThreadSpend.__table__.create(engine, checkfirst=True)  # type: ignore[attr-defined]
    DailySpend.__table__.create(engine, checkfirst=True)  # type: ignore[attr-defined]


def today() -> str:
    return datetime.now(UTC).date().isoformat()


HANDOFF_REPLY = "A person from our team will take this conversation from here."

_memory_lock = threading.Lock()
_memory: dict[tuple[str, str], tuple[int, float]] = {}


def spent(engine: Engine | None, thread_id: str) -> tuple[tuple[int, float], tuple[int, float]]:
    """((thread tokens, thread cost), (today's tokens, today's cost))."""
    if engine is None:
        with _memory_lock:
            return _memory.get(("thread", thread_id), (0, 0.0)), _memory.get(("day", today()), (0, 0.0))
    with Session(engine) as session:
        thread = session.get(ThreadSpend, thread_id)
        day = session.get(DailySpend, today())
    return (thread.tokens, thread.cost) if thread else (0, 0.0), (day.tokens, day.cost) if day else (0, 0.0)


def _increment(table: str, key_column: str) -> Any:
    """``INSERT … ON CONFLICT DO UPDATE`` adding to a row's totals (SQLite and Postgres alike)."""
    return text(
        f"INSERT INTO {table} ({key_column}, tokens, cost) VALUES (:key, :tokens, :cost) "
        f"ON CONFLICT ({key_column}) DO UPDATE SET tokens = {table}.tokens + :tokens, cost = {table}.cost + :cost"
    )


_ADD_TO_THREAD = _increment("frontdesk_thread_spend", "thread_id")
_ADD_TO_DAY = _increment("frontdesk_daily_spend", "day")


def add(engine: Engine | None, thread_id: str, tokens: int, cost: float) -> None:
    """Count one answered call (an atomic increment: concurrent calls never lose each other's)."""
    if engine is None:
        with _memory_lock:
            for key in (("thread", thread_id), ("day", today())):
                before = _memory.get(key, (0, 0.0))
                _memory[key] = (before[0] + tokens, before[1] + cost)
        return
    with engine.begin() as connection:
        if thread_id:
            connection.execute(_ADD_TO_THREAD, {"key": thread_id, "tokens": tokens, "cost": cost})
        connection.execute(_ADD_TO_DAY, {"key": today(), "tokens": tokens, "cost": cost})


def check(config: GatewayConfig, engine: Engine | None, thread_id: str) -> int | None:
    """Raise :class:`BudgetExceeded` if this call may not be made; else the conversation's tokens left (if limited).

    Past the day's warning, the call's span gets a ``frontdesk.budget.warning`` event (the alert).
    """
    if not config.has_budgets:
        return None
    (thread_tokens, thread_cost), (_day_tokens, day_cost) = spent(engine, thread_id)
    if config.daily_cost_limit is not None and day_cost >= config.daily_cost_limit:
        raise BudgetExceeded(
            f"budget: the deployment spent ${day_cost:.2f} today, its daily limit is ${config.daily_cost_limit:.2f}",
            fallback_reply=config.fallback_reply,
        )
    if config.conversation_tokens is not None and thread_tokens >= config.conversation_tokens:
        raise BudgetExceeded(
            f"budget: this conversation used {thread_tokens} tokens, its limit is {config.conversation_tokens}",
            fallback_reply=HANDOFF_REPLY,
        )
    if config.conversation_cost is not None and thread_cost >= config.conversation_cost:
        raise BudgetExceeded(
            f"budget: this conversation cost ${thread_cost:.4f}, its limit is ${config.conversation_cost:.4f}",
            fallback_reply=HANDOFF_REPLY,
        )
    if config.daily_cost_warning is not None and day_cost >= config.daily_cost_warning:
        instrument.event(
            "frontdesk.budget.warning",
            **{"frontdesk.budget.day_cost": day_cost, "frontdesk.budget.warning_at": config.daily_cost_warning},
        )
    return None if config.conversation_tokens is None else config.conversation_tokens - thread_tokens
