"""Moving data between tau2-bench's retail JSON (``db.json``) and our tables.

``export_tau2_db`` returns exactly what tau2's ``RetailDB.model_dump()`` gives, so the
reference hash (``tau2_db_hash``) and diffs can be computed on our own database state.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from frontdesk.domains.retail.models import OPTIONAL_ORDER_FIELDS, Order, PaymentMethod, Product, User, Variant


def load_tau2_db(engine: Engine, data: dict[str, Any]) -> None:
    """Insert a tau2 retail DB (``{"products", "users", "orders"}``) into empty tables."""
    with Session(engine) as session:
        for position, product in enumerate(data["products"].values()):
            session.add(Product(product_id=product["product_id"], position=position, name=product["name"]))
        session.flush()  # parents before children: the foreign keys are checked on Postgres
        for product in data["products"].values():
            for index, variant in enumerate(product["variants"].values()):
                session.add(
                    Variant(
                        item_id=variant["item_id"],
                        product_id=product["product_id"],
                        position=index,
                        options=variant["options"],
                        available=variant["available"],
                        price=variant["price"],
                    )
                )
        for position, user in enumerate(data["users"].values()):
            session.add(
                User(
                    user_id=user["user_id"],
                    position=position,
                    first_name=user["name"]["first_name"],
                    last_name=user["name"]["last_name"],
                    email=user["email"],
                    address=user["address"],
                    order_ids=list(user["orders"]),
                )
            )
        session.flush()
        for user in data["users"].values():
            for index, method in enumerate(user["payment_methods"].values()):
                session.add(
                    PaymentMethod(
                        id=method["id"],
                        user_id=user["user_id"],
                        position=index,
                        source=method["source"],
                        brand=method.get("brand"),
                        last_four=method.get("last_four"),
                        balance=method.get("balance"),
                    )
                )
        session.flush()
        for position, order in enumerate(data["orders"].values()):
            session.add(Order(position=position, **{k: v for k, v in order.items()}))
        session.commit()


def export_tau2_db(engine: Engine) -> dict[str, Any]:
    """The whole DB in tau2's ``RetailDB.model_dump()`` shape."""
    with Session(engine) as session:
        variants: dict[str, list[Variant]] = {}
        for variant in session.exec(select(Variant).order_by(col(Variant.product_id), col(Variant.position))):
            variants.setdefault(variant.product_id, []).append(variant)
        methods: dict[str, list[PaymentMethod]] = {}
        for method in session.exec(
            select(PaymentMethod).order_by(col(PaymentMethod.user_id), col(PaymentMethod.position))
        ):
            methods.setdefault(method.user_id, []).append(method)
        products = {
            p.product_id: {
                "name": p.name,
                "product_id": p.product_id,
                "variants": {v.item_id: v.as_tau2() for v in variants.get(p.product_id, [])},
            }
            for p in session.exec(select(Product).order_by(col(Product.position)))
        }
        users = {
            u.user_id: user_as_tau2(u, methods.get(u.user_id, []))
            for u in session.exec(select(User).order_by(col(User.position)))
        }
        orders = {o.order_id: o.as_tau2() for o in session.exec(select(Order).order_by(col(Order.position)))}
    return {"products": products, "users": users, "orders": orders}


def user_as_tau2(user: User, methods: list[PaymentMethod]) -> dict[str, Any]:
    return {
        "user_id": user.user_id,
        "name": {"first_name": user.first_name, "last_name": user.last_name},
        "address": user.address,
        "email": user.email,
        "payment_methods": {m.id: m.as_tau2() for m in methods},
        "orders": user.order_ids,
    }


def with_optional_fields(data: dict[str, Any]) -> dict[str, Any]:
    """A raw ``db.json`` with the optional order fields added as null, as model_dump has them."""

    orders = {
        oid: {**order, **{f: order.get(f) for f in OPTIONAL_ORDER_FIELDS}} for oid, order in data["orders"].items()
    }
    return {**data, "orders": orders}


def tau2_db_hash(dump: dict[str, Any]) -> str:
    """tau2's DB hash: sha256 of ``json.dumps(dump, sort_keys=True, default=str)``."""
    return hashlib.sha256(json.dumps(dump, sort_keys=True, default=str).encode()).hexdigest()
