"""The airline domain's tables, shaped after tau2-bench's airline data.

Each flight, user and reservation is one row holding its whole document as JSON, plus the
columns look-ups need (route, owner, position in the source file). The documents are what
the tools read and what the reference dump and hash are made of, so every list keeps its
order and every number its exact type (prices and seat counts are integers, gift-card and
certificate balances floats).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Column, func
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, select


class Flight(SQLModel, table=True):
    """A scheduled flight and, per date, its status (with seats and prices while it can be booked)."""

    __tablename__ = "airline_flights"

    flight_number: str = Field(primary_key=True)
    position: int = Field(index=True)
    origin: str = Field(index=True)
    destination: str = Field(index=True)
    data: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))


class Traveller(SQLModel, table=True):
    """A customer: name, contact, payment methods, saved passengers, membership, reservation ids."""

    __tablename__ = "airline_users"

    user_id: str = Field(primary_key=True)
    position: int = Field(index=True)
    email: str = Field(index=True)
    data: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))


class Reservation(SQLModel, table=True):
    """A booking: flights with the price paid, passengers, payments, baggage, insurance, status."""

    __tablename__ = "airline_reservations"

    reservation_id: str = Field(primary_key=True)
    position: int = Field(index=True)
    user_id: str = Field(index=True)
    data: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))


DOMAIN_TABLES = [Flight.__table__, Traveller.__table__, Reservation.__table__]  # type: ignore[attr-defined]


def has_data(engine: Engine) -> bool:
    """True once any customer has been loaded."""
    with Session(engine) as session:
        return bool(session.exec(select(func.count()).select_from(Traveller)).one())
