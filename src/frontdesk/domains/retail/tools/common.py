"""Look-ups shared by the retail tools, each failing with the reference's exact message."""

from __future__ import annotations

from collections import Counter
from typing import Annotated

from pydantic import AfterValidator, Field
from sqlmodel import Session, select

from frontdesk.domains.retail.models import Order, PaymentMethod, Product, User, Variant
from frontdesk.tools.base import ToolContext, ToolError


def _with_hash(order_id: str) -> str:
    """``D1002`` and ``#D1002`` are the same order: models often drop the '#'."""
    cleaned = order_id.strip()
    return cleaned if not cleaned or cleaned.startswith("#") else f"#{cleaned}"


OrderId = Annotated[
    str, AfterValidator(_with_hash), Field(description="Order id including the leading '#', e.g. '#W2378156'")
]
ItemIds = Annotated[
    list[str], Field(description="Item ids as they appear in the order (repeat an id to act on several units)")
]
PaymentMethodId = Annotated[
    str,
    Field(
        description="One of the customer's payment method ids, e.g. 'gift_card_1234567', 'credit_card_1234567', "
        "'paypal_1234567'"
    ),
]


def find_order(session: Session, order_id: str) -> Order | None:
    """The order with this id, however the customer wrote it.

    Order ids start with ``#``; an id given without it (``D1001``, a common slip of
    customers and small models) is read as ``#D1001`` when that order exists. Tools and
    the approval policy both look orders up here, so they always agree on which order it is.
    """
    order = session.get(Order, order_id)
    if order is None and not order_id.startswith("#"):
        order = session.get(Order, f"#{order_id}")
    return order


def owned_order(ctx: ToolContext, order_id: str) -> Order:
    """The order, if it exists and belongs to the authenticated customer.

    Another customer's order gets the very answer a missing one gets, so nobody learns
    which order ids exist by asking.
    """
    customer = ctx.require_customer()
    order = find_order(ctx.db, order_id)
    if order is None or order.user_id != customer:
        raise ToolError("Order not found")
    return order


def owned_user(ctx: ToolContext, user_id: str) -> User:
    """The authenticated customer's own account (anyone else's reads as not found)."""
    customer = ctx.require_customer()
    user = ctx.db.get(User, user_id)
    if user is None or user.user_id != customer:
        raise ToolError("User not found")
    return user


def owner_payment_method(ctx: ToolContext, order: Order, payment_method_id: str) -> PaymentMethod:
    """A payment method of the order's owner (``User not found`` / ``Payment method not found``)."""
    if ctx.db.get(User, order.user_id) is None:
        raise ToolError("User not found")
    method = ctx.db.get(PaymentMethod, (payment_method_id, order.user_id))
    if method is None:
        raise ToolError("Payment method not found")
    return method


def is_gift_card(method: PaymentMethod) -> bool:
    return method.source == "gift_card"


def adjust_gift_card(method: PaymentMethod, delta: float) -> None:
    """Change a gift card's balance by ``delta``, rounded to cents as the reference does."""
    method.balance = round((method.balance or 0.0) + delta, 2)


def too_many(requested: list[str], order: Order) -> str | None:
    """The first requested item id asked for more often than the order holds it."""
    held = Counter(item["item_id"] for item in order.items)
    wanted = Counter(requested)
    return next((item_id for item_id in requested if wanted[item_id] > held[item_id]), None)


def replacement_variant(ctx: ToolContext, order: Order, old_item_id: str, new_item_id: str) -> tuple[dict, Variant]:
    """The order item holding ``old_item_id`` and the available variant replacing it."""
    item = next(i for i in order.items if i["item_id"] == old_item_id)
    if ctx.db.get(Product, item["product_id"]) is None:
        raise ToolError("Product not found")
    variant = ctx.db.exec(
        select(Variant).where(Variant.item_id == new_item_id, Variant.product_id == item["product_id"])
    ).first()
    if variant is None:
        raise ToolError("Variant not found")
    if not variant.available:
        raise ToolError(f"New item {new_item_id} not found or available")
    return item, variant


def address(address1: str, address2: str, city: str, state: str, country: str, zip: str) -> dict[str, str]:
    """An address in the reference's field order."""
    return {"address1": address1, "address2": address2, "city": city, "country": country, "state": state, "zip": zip}


def price_difference(
    ctx: ToolContext, order: Order, item_ids: list[str], new_item_ids: list[str], *, reject_unchanged: bool
) -> tuple[float, Variant | None]:
    """Validate each (old, new) pair and sum new minus old prices, unrounded as the reference does.

    Also returns the last replacement variant looked up (the reference applies its price
    and options to every swapped item of a pending order).
    """
    diff_price = 0.0
    variant = None
    for old_id, new_id in zip(item_ids, new_item_ids, strict=True):
        if reject_unchanged and old_id == new_id:
            raise ToolError("The new item id should be different from the old item id")
        item, variant = replacement_variant(ctx, order, old_id, new_id)
        diff_price += variant.price - item["price"]
    return diff_price, variant
