"""The retail domain's tables (SQLModel), shaped after the tau2-bench retail data.

Users, payment methods, products and variants are rows with the columns the tools query;
an order keeps its nested, order-sensitive parts (items, fulfilments, payment history,
exchange/return lists) as JSON columns so that every list keeps its exact order and every
amount its exact float — the reference DB hash depends on both. ``position`` keeps the
source file's order, which look-ups such as "first user with this email" rely on.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Column, Float, Index, func
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col, select

from frontdesk.persistence.engine import create_tables


class User(SQLModel, table=True):
    __tablename__ = "retail_users"

    user_id: str = Field(primary_key=True)
    position: int = Field(index=True)
    first_name: str
    last_name: str
    email: str = Field(index=True)
    address: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    order_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class PaymentMethod(SQLModel, table=True):
    """A credit card (brand, last four), PayPal account, or gift card (with a balance)."""

    __tablename__ = "retail_payment_methods"

    id: str = Field(primary_key=True)
    user_id: str = Field(primary_key=True, foreign_key="retail_users.user_id")
    position: int
    source: str
    brand: str | None = None
    last_four: str | None = None
    balance: float | None = Field(default=None, sa_column=Column(Float, nullable=True))

    def as_tau2(self) -> dict[str, Any]:
        data: dict[str, Any] = {"source": self.source, "id": self.id}
        if self.source == "credit_card":
            data.update(brand=self.brand, last_four=self.last_four)
        elif self.source == "gift_card":
            data["balance"] = self.balance
        return data


class Product(SQLModel, table=True):
    __tablename__ = "retail_products"

    product_id: str = Field(primary_key=True)
    position: int = Field(index=True)
    name: str


class Variant(SQLModel, table=True):
    """One buyable item of a product (the tools call its id an item id)."""

    __tablename__ = "retail_variants"

    item_id: str = Field(primary_key=True)
    product_id: str = Field(foreign_key="retail_products.product_id", index=True)
    position: int
    options: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    available: bool
    price: float = Field(sa_column=Column(Float, nullable=False))

    def as_tau2(self) -> dict[str, Any]:
        return {"item_id": self.item_id, "options": self.options, "available": self.available, "price": self.price}


OPTIONAL_ORDER_FIELDS = (
    "cancel_reason",
    "exchange_items",
    "exchange_new_items",
    "exchange_payment_method_id",
    "exchange_price_difference",
    "return_items",
    "return_payment_method_id",
)


class Order(SQLModel, table=True):
    __tablename__ = "retail_orders"

    order_id: str = Field(primary_key=True)
    position: int = Field(index=True)
    user_id: str = Field(index=True)
    status: str = Field(index=True)
    address: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    items: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    fulfillments: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    payment_history: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    cancel_reason: str | None = None
    exchange_items: list[str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    exchange_new_items: list[str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    exchange_payment_method_id: str | None = None
    exchange_price_difference: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    return_items: list[str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    return_payment_method_id: str | None = None

    def as_tau2(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "order_id": self.order_id,
            "user_id": self.user_id,
            "address": self.address,
            "items": self.items,
            "status": self.status,
            "fulfillments": self.fulfillments,
            "payment_history": self.payment_history,
        }
        data.update({name: getattr(self, name) for name in OPTIONAL_ORDER_FIELDS})
        return data


# Logins compare case-insensitively (see tools/lookup.py): these let the database find the
# customer without reading every row.
Index("ix_retail_users_email_folded", func.lower(User.email))
Index("ix_retail_users_name_folded", func.lower(User.last_name), func.lower(User.first_name))
# A customer's payment methods, in their order (the key starts with the method's id, shared across customers).
Index("ix_retail_payment_methods_user", col(PaymentMethod.user_id), col(PaymentMethod.position))

DOMAIN_TABLES = [User.__table__, PaymentMethod.__table__, Product.__table__, Variant.__table__, Order.__table__]  # type: ignore[attr-defined]


def init_domain_schema(engine: Engine) -> None:
    """Create the retail tables if they do not exist (safe on every start)."""
    create_tables(engine, DOMAIN_TABLES)


def has_data(engine: Engine) -> bool:
    """True once any customer has been loaded."""
    with Session(engine) as session:
        return bool(session.exec(select(func.count()).select_from(User)).one())
