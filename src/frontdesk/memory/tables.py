"""Creating frontdesk's own tables (tickets, approvals, decisions, idempotency) next to the domain data."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from frontdesk.memory import operator_log, tickets, tool_runs


def ensure_frontdesk_tables(engine: Engine) -> None:
    """Create the tables frontdesk itself writes, if missing (safe to call every start)."""
    tickets.ensure_tables(engine)
    tool_runs.ensure_tables(engine)
    operator_log.ensure_tables(engine)
