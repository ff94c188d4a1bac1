"""Look-ups and types shared by the airline tools, each failing with the reference's message.

A reservation or account that is not the authenticated customer's reads exactly like a
missing one, so nobody learns which ids exist by asking.
"""

from __future__ import annotations

import copy
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import Session

from frontdesk.domains.airline.models import Flight, Reservation, Traveller
from frontdesk.tools.base import ToolContext, ToolError

NOW = "2024-05-15T15:00:00"
"""The reference's clock: every booking is made at this moment."""
CABINS = ("basic_economy", "economy", "business")
Cabin = Literal["basic_economy", "economy", "business"]
ReservationId = Annotated[str, Field(description="Six-character reservation id, e.g. '8JX2WO'")]
UserId = Annotated[str, Field(description="The customer's user id, e.g. 'sara_doe_496'")]
PaymentId = Annotated[
    str,
    Field(
        description="One of the customer's payment method ids, e.g. 'credit_card_7815826', 'gift_card_...', "
        "'certificate_...'"
    ),
]
Date = Annotated[str, Field(description="Date as YYYY-MM-DD, e.g. '2024-05-20'")]


class FlightRef(BaseModel):
    """One flight of an itinerary."""

    model_config = ConfigDict(extra="forbid")
    flight_number: str = Field(description="e.g. 'HAT170'")
    date: Date


class Passenger(BaseModel):
    model_config = ConfigDict(extra="forbid")
    first_name: str
    last_name: str
    dob: str = Field(description="Date of birth, YYYY-MM-DD")


class PaymentSplit(BaseModel):
    """How much of the total one payment method pays."""

    model_config = ConfigDict(extra="forbid")
    payment_id: PaymentId
    amount: int = Field(description="Whole dollars")


def get_user(session: Session, user_id: str) -> Traveller:
    user = session.get(Traveller, user_id)
    if user is None:
        raise ToolError(f"User {user_id} not found")
    return user


def get_flight(session: Session, flight_number: str) -> Flight:
    flight = session.get(Flight, flight_number)
    if flight is None:
        raise ToolError(f"Flight {flight_number} not found")
    return flight


def flight_on(flight: Flight, date: str) -> dict[str, Any]:
    """The flight's status document on ``date``."""
    day = flight.data.get("dates", {}).get(date)
    if day is None:
        raise ToolError(f"Flight {flight.flight_number} not found on date {date}")
    return dict(day)


def own_user(ctx: ToolContext, user_id: str) -> Traveller:
    """The account, if it is the authenticated customer's."""
    customer = ctx.require_customer()
    if user_id != customer:
        raise ToolError(f"User {user_id} not found")
    return get_user(ctx.db, user_id)


def owned_reservation(ctx: ToolContext, reservation_id: str) -> Reservation:
    """The reservation, if it exists and is the authenticated customer's."""
    customer = ctx.require_customer()
    reservation = ctx.db.get(Reservation, reservation_id)
    if reservation is None or reservation.user_id != customer:
        raise ToolError(f"Reservation {reservation_id} not found")
    return reservation


def editable(row: Any) -> dict[str, Any]:
    """A deep copy of a row's document, to change and then :func:`save`."""
    return copy.deepcopy(row.data)


def save(session: Session, row: Any, data: dict[str, Any]) -> None:
    """Store a changed document (JSON columns do not see changes made in place)."""
    row.data = data
    flag_modified(row, "data")
    session.add(row)


def charge_for_change(user: dict[str, Any], payment_id: str, amount: int) -> dict[str, Any] | None:
    """Take ``amount`` (negative: give it back) from the customer's method for a change; the payment entry, if any.

    A certificate cannot pay for a change; a gift card needs the balance and is debited (or,
    for a negative amount, credited).
    """
    method = user["payment_methods"].get(payment_id)
    if method is None:
        raise ToolError("Payment method not found")
    if method["source"] == "certificate":
        raise ToolError("Certificate cannot be used to update reservation")
    if method["source"] == "gift_card" and method["amount"] < amount:
        raise ToolError("Gift card balance is not enough")
    if method["source"] == "gift_card":
        method["amount"] = method["amount"] - amount
    return {"payment_id": payment_id, "amount": amount} if amount != 0 else None
