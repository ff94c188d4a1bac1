"""Opening the domain DB with every table frontdesk needs: the domain's own tables and
frontdesk's (tickets, approvals, operator decisions, WRITE idempotency keys)."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from frontdesk.domains import get_domain
from frontdesk.domains.base import Domain
from frontdesk.gateway import spend
from frontdesk.operators import records, refunds, tickets
from frontdesk.persistence import confirmations, customer_locks, tool_runs
from frontdesk.persistence.engine import create_domain_engine


def ensure_frontdesk_tables(engine: Engine) -> None:
    """Create the tables frontdesk itself writes, if missing (safe to call every start)."""
    tickets.ensure_tables(engine)
    tool_runs.ensure_tables(engine)
    confirmations.ensure_tables(engine)
    customer_locks.ensure_tables(engine)
    spend.ensure_tables(engine)
    records.ensure_tables(engine)
    refunds.ensure_tables(engine)


def open_domain_db(url: str, domain: Domain | str = "retail", *, seed_demo: bool = False) -> Engine:
    """An engine on ``url`` with all tables created (safe on every start).

    The demo data is opt-in (``seed_demo``, i.e. ``frontdesk demo`` or ``--demo``): a
    configured deployment's database holds only what its owner put there. Seeding happens
    only into an empty database.
    """
    spec = get_domain(domain)
    engine = create_domain_engine(url)
    spec.create_tables(engine)
    ensure_frontdesk_tables(engine)
    if seed_demo and not spec.has_data(engine):
        spec.seed_demo(engine)
    return engine
