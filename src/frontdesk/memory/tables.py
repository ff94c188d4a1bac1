"""Opening the domain DB with every table frontdesk needs: the retail tables and frontdesk's
own (tickets, approvals, decisions, idempotency)."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from frontdesk.memory import operator_log, tickets, tool_runs


def ensure_frontdesk_tables(engine: Engine) -> None:
    """Create the tables frontdesk itself writes, if missing (safe to call every start)."""
    tickets.ensure_tables(engine)
    tool_runs.ensure_tables(engine)
    operator_log.ensure_tables(engine)


def open_domain_db(url: str, *, seed_demo_if_empty: bool = False) -> Engine:
    """An engine on ``url`` with all tables created (safe on every start).

    With ``seed_demo_if_empty``, an empty database gets the demo shop, so a first
    ``frontdesk chat`` has customers and orders to talk about.
    """
    from frontdesk.memory.domain import create_domain_engine, has_data, init_domain_schema, seed_demo

    engine = create_domain_engine(url)
    init_domain_schema(engine)
    ensure_frontdesk_tables(engine)
    if seed_demo_if_empty and not has_data(engine):
        seed_demo(engine)
    return engine
