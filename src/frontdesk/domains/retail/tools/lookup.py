"""Read-only retail tools: authentication look-ups and order, product, item and user details."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import col, select

from frontdesk.domains.retail.dataset import user_as_tau2
from frontdesk.domains.retail.models import PaymentMethod, Product, User, Variant
from frontdesk.domains.retail.tools.common import OrderId, owned_order, owned_user
from frontdesk.tools.base import ToolContext, ToolError, ToolKind, tool


@tool(kind=ToolKind.READ, authenticates=True)
def find_user_id_by_email(ctx: ToolContext, email: str) -> str:
    """Find a customer's user id by their email address; this authenticates the customer."""
    wanted = email.lower()
    for user in ctx.db.exec(select(User).order_by(col(User.position))):
        if user.email.lower() == wanted:
            return user.user_id
    raise ToolError("User not found")


@tool(kind=ToolKind.READ, authenticates=True)
def find_user_id_by_name_zip(ctx: ToolContext, first_name: str, last_name: str, zip: str) -> str:
    """Find a customer's user id by first name, last name and zip code; this authenticates the customer."""
    for user in ctx.db.exec(select(User).order_by(col(User.position))):
        if user.first_name.lower() == first_name.lower() and user.last_name.lower() == last_name.lower() and user.address.get("zip") == zip:
            return user.user_id
    raise ToolError("User not found")


@tool(kind=ToolKind.READ, requires_auth=True)
def get_order_details(ctx: ToolContext, order_id: OrderId) -> dict[str, Any]:
    """Get an order's status, items, fulfilments (tracking) and payment history."""
    return owned_order(ctx, order_id).as_tau2()


@tool(kind=ToolKind.READ, requires_auth=True)
def get_user_details(ctx: ToolContext, user_id: str) -> dict[str, Any]:
    """Get the authenticated customer's profile: name, address, email, payment methods and order ids."""
    user = owned_user(ctx, user_id)
    methods = ctx.db.exec(select(PaymentMethod).where(PaymentMethod.user_id == user.user_id).order_by(col(PaymentMethod.position))).all()
    return user_as_tau2(user, list(methods))


@tool(kind=ToolKind.READ)
def get_product_details(ctx: ToolContext, product_id: str) -> dict[str, Any]:
    """Get a product and all its variants (item ids, options, availability, price) by product id."""
    product = ctx.db.get(Product, product_id)
    if product is None:
        raise ToolError("Product not found")
    variants = ctx.db.exec(select(Variant).where(Variant.product_id == product_id).order_by(col(Variant.position)))
    return {"name": product.name, "product_id": product.product_id, "variants": {v.item_id: v.as_tau2() for v in variants}}


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
