"""The retail domain: tau2-bench's retail shop (users, products, orders) and its sixteen tools."""

from __future__ import annotations

from pathlib import Path

from frontdesk.domains.base import Domain
from frontdesk.domains.retail.dataset import export_tau2_db, load_tau2_db, tau2_db_hash, with_optional_fields
from frontdesk.domains.retail.demo_data import demo_dataset, seed_demo
from frontdesk.domains.retail.intents import LOGIN_STEPS, RETAIL_INTENTS
from frontdesk.domains.retail.models import DOMAIN_TABLES, has_data, init_domain_schema
from frontdesk.domains.retail.policy import (
    MONEY_TOOLS,
    customer_exists,
    describe_action,
    not_the_customers,
    owner_of,
    refund_amount,
)
from frontdesk.domains.retail.prompt import INSTRUCTIONS
from frontdesk.domains.retail.tools import RETAIL_TOOLS, TOOLS_BY_NAME

HERE = Path(__file__).parent
DEMO_PAGES = HERE / "kb"
"""The shipped policy pages (the demo shop's knowledge base)."""

DOMAIN = Domain(
    name="retail",
    description="An online shop: customers, products with variants, orders (tau2-bench retail).",
    instructions=INSTRUCTIONS,
    tools=tuple(RETAIL_TOOLS),
    tables=tuple(DOMAIN_TABLES),
    has_data=has_data,
    seed_demo=seed_demo,
    load_dump=load_tau2_db,
    export_dump=export_tau2_db,
    dump_hash=tau2_db_hash,
    money_tools=MONEY_TOOLS,
    intents=RETAIL_INTENTS,
    login_steps=LOGIN_STEPS,
    amount=refund_amount,
    ownership=not_the_customers,
    describe_action=describe_action,
    email_login_tool="find_user_id_by_email",
    customer_exists=customer_exists,
    owner_of=owner_of,
    login_call=lambda user_id, dump: {
        "name": "find_user_id_by_email",
        "args": {"email": dump["users"][user_id]["email"]},
    },
    demo_pages=DEMO_PAGES,
)

__all__ = [
    "DEMO_PAGES",
    "DOMAIN",
    "RETAIL_TOOLS",
    "TOOLS_BY_NAME",
    "demo_dataset",
    "export_tau2_db",
    "has_data",
    "init_domain_schema",
    "load_tau2_db",
    "seed_demo",
    "tau2_db_hash",
    "with_optional_fields",
]
