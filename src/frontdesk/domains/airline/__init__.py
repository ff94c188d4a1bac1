"""The airline domain: tau2-bench's airline (flights, customers, reservations) and its fourteen tools."""

from __future__ import annotations

from pathlib import Path

from frontdesk.domains.airline.dataset import export_tau2_db, load_tau2_db, tau2_db_hash
from frontdesk.domains.airline.demo_data import demo_dataset, seed_demo
from frontdesk.domains.airline.models import DOMAIN_TABLES, has_data
from frontdesk.domains.airline.policy import (
    MONEY_TOOLS,
    customer_exists,
    describe_action,
    not_the_customers,
    owner_of,
    refund_amount,
)
from frontdesk.domains.airline.prompt import INSTRUCTIONS
from frontdesk.domains.airline.tools import AIRLINE_TOOLS, TOOLS_BY_NAME
from frontdesk.domains.base import Domain

HERE = Path(__file__).parent
DEMO_PAGES = HERE / "kb"

DOMAIN = Domain(
    name="airline",
    description="An airline: flights with per-date seats and prices, customers, reservations (tau2-bench airline).",
    instructions=INSTRUCTIONS,
    tools=tuple(AIRLINE_TOOLS),
    tables=tuple(DOMAIN_TABLES),
    has_data=has_data,
    seed_demo=seed_demo,
    load_dump=load_tau2_db,
    export_dump=export_tau2_db,
    dump_hash=tau2_db_hash,
    money_tools=MONEY_TOOLS,
    amount=refund_amount,
    ownership=not_the_customers,
    describe_action=describe_action,
    customer_exists=customer_exists,
    owner_of=owner_of,
    login_call=lambda user_id, dump: {"name": "get_user_details", "args": {"user_id": user_id}},
    demo_pages=DEMO_PAGES,
)

__all__ = ["DEMO_PAGES", "DOMAIN", "TOOLS_BY_NAME", "demo_dataset", "export_tau2_db", "load_tau2_db", "tau2_db_hash"]
