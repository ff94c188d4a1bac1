"""The retail store's kinds of request and the tools each needs (see ``agents.intents``)."""

from __future__ import annotations

from frontdesk.agents.intents import Intent
from frontdesk.agents.steps import Step

ORDER_LOOKUP = frozenset({"get_order_details", "get_user_details"})

ORDER_ID = r"#?\b[a-z]\d{4,}\b"
"""An order id as customers write it ("#W2378156", "D1001")."""
EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
"""An email address, without the full stop of the sentence it ends ("I'm ben.ortiz@example.com.")."""

LOOK_UP_ORDER = Step.of("get_order_details", ORDER_ID, argument="order_id")
"""Most requests about an order start by reading it; the change itself comes next, once the customer named the order.
(A forced change still waits for the customer's yes: ``agents.steps``.)"""

LOGIN_STEPS: tuple[Step, ...] = (Step.of("find_user_id_by_email", EMAIL, argument="email"),)
"""A customer who wrote their email is looked up by it before anything else."""

RETAIL_INTENTS: tuple[Intent, ...] = (
    Intent(
        "order_status",
        (
            "Where is my order?",
            "Has my order arrived yet?",
            "What is the status of order #W2378156?",
            "When will my package be delivered?",
            "Can you check on my order?",
            "Did my order ship?",
        ),
        ORDER_LOOKUP,
        "Look the order up with get_order_details (its id with the '#') and answer from its status.",
        steps=(LOOK_UP_ORDER,),
    ),
    Intent(
        "cancel",
        (
            "I want to cancel my order",
            "Please cancel order #W2378156",
            "I no longer need this order, cancel it",
            "Can I cancel what I ordered?",
        ),
        ORDER_LOOKUP | {"cancel_pending_order"},
        "Look the order up with get_order_details; if it is pending, call cancel_pending_order with the reason the "
        "customer gave.",
        steps=(LOOK_UP_ORDER, Step.of("cancel_pending_order", ORDER_ID)),
    ),
    Intent(
        "return",
        (
            "I want to return an item",
            "How do I send back these shoes for a refund?",
            "Return the items from my delivered order",
            "I'd like a refund for this",
        ),
        ORDER_LOOKUP | {"return_delivered_order_items", "calculate"},
        "Look the order up with get_order_details, then call return_delivered_order_items with the item ids and a "
        "payment method of the customer.",
        steps=(LOOK_UP_ORDER, Step.of("return_delivered_order_items", ORDER_ID)),
    ),
    Intent(
        "exchange",
        (
            "I want to exchange an item for a different size",
            "Can I swap this for another colour?",
            "Exchange the bottle for a smaller one",
            "Change the item in my pending order to the blue one",
            "Can I get this item in a different colour instead?",
        ),
        ORDER_LOOKUP
        | {
            "exchange_delivered_order_items",
            "modify_pending_order_items",
            "get_product_details",
            "get_item_details",
            "calculate",
        },
        "Look the order up with get_order_details and the product with get_product_details, then exchange (delivered) "
        "or modify (pending) the items.",
        steps=(LOOK_UP_ORDER, Step.of("get_product_details", ORDER_ID)),
    ),
    Intent(
        "address",
        (
            "I moved, please update my shipping address",
            "Change the delivery address of my order",
            "Update my address to 12 Main Street",
        ),
        ORDER_LOOKUP | {"modify_pending_order_address", "modify_user_address"},
        "Call modify_pending_order_address for an order's address, modify_user_address for the customer's own.",
        steps=(LOOK_UP_ORDER, Step.of("modify_pending_order_address", ORDER_ID)),
    ),
    Intent(
        "payment",
        (
            "Pay for my order with my gift card instead",
            "Change the payment method of my order",
            "What is my gift card balance?",
        ),
        ORDER_LOOKUP | {"modify_pending_order_payment"},
        "See the customer's payment methods with get_user_details, then call modify_pending_order_payment.",
        # the customer's payment methods, then the change (an order's payment history would offer the old
        # method as the nearest id)
        steps=(Step.of("get_user_details"), Step.of("modify_pending_order_payment", ORDER_ID)),
    ),
    Intent(
        "product",
        (
            "Is this product in stock?",
            "Which colours does the water bottle come in?",
            "What products do you sell?",
            "Do you have it in a larger size?",
            "Do you have the headphones in black?",
            "Is the gold version available?",
        ),
        # asking for an item in another colour or size is often the start of changing it
        ORDER_LOOKUP
        | {
            "get_product_details",
            "get_item_details",
            "list_all_product_types",
            "modify_pending_order_items",
            "exchange_delivered_order_items",
        },
        "Find the product with list_all_product_types and get_product_details and say which options are available.",
        steps=(Step.of("list_all_product_types"), Step.of("get_product_details")),
    ),
    Intent(
        "policy",
        (
            "What is your return policy?",
            "How long do refunds take?",
            "Do you price match?",
            "What are your shipping options?",
            "Can I still return something I got a few weeks ago?",
            "How many days do I have to send an item back?",
            "Do you deliver to other countries?",
        ),
        frozenset({"transfer_to_researcher"}),
        "Hand the question to the researcher with transfer_to_researcher.",
        steps=(Step.of("transfer_to_researcher"),),
    ),
    Intent(
        "contact",
        (
            "Please only contact me by email",
            "Don't call me, send me a text instead",
            "Remember that I prefer email over phone calls",
            "Never phone me about my orders",
        ),
        # the memory tool is offered with every request (no intent names it); this only makes it the step
        frozenset(),
        "Save how the customer wants to be contacted with remember_customer_fact (kind preferred_contact, their words "
        "as the value).",
        steps=(Step.of("remember_customer_fact"),),
    ),
    Intent(
        "person",
        (
            "I want to talk to a human",
            "Get me a real person",
            "Let me speak to an agent, not a bot",
            "I want to talk to someone about a problem with my package",
        ),
        frozenset({"transfer_to_human_agents"}),
        "Call transfer_to_human_agents with a one-line summary.",
        # told to hand off, the bundled model wrote "Sure, I'll call transfer_to_human_agents" as its reply
        steps=(Step.of("transfer_to_human_agents"),),
    ),
)
