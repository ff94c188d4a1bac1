"""Read-only retail tools: authentication look-ups and order, product, item and user details."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import col, func, select

from frontdesk.domains.retail.dataset import user_as_tau2
from frontdesk.domains.retail.models import PaymentMethod, Product, User, Variant
from frontdesk.domains.retail.tools.common import OrderId, owned_order, owned_user
from frontdesk.tools.base import ToolContext, ToolError, ToolKind, tool


@tool(kind=ToolKind.READ, authenticates=True)
def find_user_id_by_email(ctx: ToolContext, email: str) -> str:
    """Find a customer's user id by their email address; this authenticates the customer."""
    wanted = email.lower()
    found = ctx.db.exec(
        ascii_narrowed(select(User.user_id, User.email), wanted, User.email).order_by(col(User.position))
    ).all()
    for user_id, stored in found:
        if stored.lower() == wanted:
            return str(user_id)
    raise ToolError("User not found")


@tool(kind=ToolKind.READ, authenticates=True)
def find_user_id_by_name_zip(ctx: ToolContext, first_name: str, last_name: str, zip: str) -> str:
    """Find a customer's user id by first name, last name and zip code; this authenticates the customer."""
    first, last = first_name.lower(), last_name.lower()
    query = ascii_narrowed(
        ascii_narrowed(select(User.user_id, User.first_name, User.last_name), first, User.first_name),
        last,
        User.last_name,
    )
    for user_id, stored_first, stored_last in ctx.db.exec(query.order_by(col(User.position))).all():
        if stored_first.lower() == first and stored_last.lower() == last:
            address = ctx.db.exec(select(User.address).where(User.user_id == user_id)).one()
            if address.get("zip") == zip:
                return str(user_id)
    raise ToolError("User not found")


def ascii_narrowed(query: Any, wanted: str, column: Any) -> Any:
    """``query`` limited to rows whose ``column`` lower-cases to ``wanted``, when the database can tell.

    A login used to load every customer row (addresses, order lists: 22 ms for tau2's 500
    customers, seconds for a real shop's) and compare in Python. SQL's ``lower()`` agrees
    with Python's only on ASCII (SQLite leaves "É" alone), so the database narrows an ASCII
    search and the caller still compares in Python; any other search reads the one or two
    text columns of every row, never the whole row.
    """
    return query.where(func.lower(column) == wanted) if wanted.isascii() else query


@tool(kind=ToolKind.READ, requires_auth=True)
def get_order_details(ctx: ToolContext, order_id: OrderId) -> dict[str, Any]:
    """Get an order's status, items, fulfilments (tracking) and payment history."""
    return owned_order(ctx, order_id).as_tau2()


@tool(kind=ToolKind.READ, requires_auth=True)
def get_user_details(ctx: ToolContext, user_id: str) -> dict[str, Any]:
    """Get the authenticated customer's profile: name, address, email, payment methods and order ids."""
    user = owned_user(ctx, user_id)
    methods = ctx.db.exec(
        select(PaymentMethod).where(PaymentMethod.user_id == user.user_id).order_by(col(PaymentMethod.position))
    ).all()
    return user_as_tau2(user, list(methods))


@tool(kind=ToolKind.READ)
def get_product_details(ctx: ToolContext, product_id: str) -> dict[str, Any]:
    """Get a product and all its variants (item ids, options, availability, price) by product id."""
    product = ctx.db.get(Product, product_id)
    if product is None:
        raise ToolError("Product not found")
    variants = ctx.db.exec(select(Variant).where(Variant.product_id == product_id).order_by(col(Variant.position)))
    return {
        "name": product.name,
        "product_id": product.product_id,
        "variants": {v.item_id: v.as_tau2() for v in variants},
    }


@tool(kind=ToolKind.READ)
def get_item_details(ctx: ToolContext, item_id: str) -> dict[str, Any]:
    """Get one item (product variant) by its item id: options, availability and price."""
    variant = ctx.db.get(Variant, item_id)
    if variant is None:
        raise ToolError("Item not found")
    return variant.as_tau2()


@tool(kind=ToolKind.READ)
def list_all_product_types(ctx: ToolContext) -> str:
    """List every product type in the store: name and product id."""
    products = ctx.db.exec(select(Product)).all()
    return json.dumps({p.name: p.product_id for p in sorted(products, key=lambda p: p.name)})
