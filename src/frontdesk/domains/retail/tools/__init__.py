"""The retail tools: a typed implementation of the tau2-bench retail toolset.

Names, parameters, preconditions, error messages and database effects follow the
reference exactly (see ``tau2`` replay-gold); on top of it, every tool that reads or
changes an order or account checks that it belongs to the authenticated customer.
"""

from frontdesk.domains.retail.tools.delivered import (
    exchange_delivered_order_items,
    modify_user_address,
    return_delivered_order_items,
)
from frontdesk.domains.retail.tools.lookup import (
    find_user_id_by_email,
    find_user_id_by_name_zip,
    get_item_details,
    get_order_details,
    get_product_details,
    get_user_details,
    list_all_product_types,
)
from frontdesk.domains.retail.tools.orders import (
    cancel_pending_order,
    modify_pending_order_address,
    modify_pending_order_items,
    modify_pending_order_payment,
)
from frontdesk.tools.base import Tool
from frontdesk.tools.shared import calculate, transfer_to_human_agents

RETAIL_TOOLS: list[Tool] = [
    calculate,
    cancel_pending_order,
    exchange_delivered_order_items,
    find_user_id_by_name_zip,
    find_user_id_by_email,
    get_order_details,
    get_product_details,
    get_item_details,
    get_user_details,
    list_all_product_types,
    modify_pending_order_address,
    modify_pending_order_items,
    modify_pending_order_payment,
    modify_user_address,
    return_delivered_order_items,
    transfer_to_human_agents,
]
"""All sixteen retail tools, in the reference's order."""

TOOLS_BY_NAME: dict[str, Tool] = {t.name: t for t in RETAIL_TOOLS}

__all__ = ["RETAIL_TOOLS", "TOOLS_BY_NAME"] + [t.name for t in RETAIL_TOOLS]
