"""Airline WRITE tools that create or end a reservation, and goodwill certificates.

Preconditions, error messages and effects follow the reference exactly (see the tau2
``replay-gold`` check): prices, payment splits and seat counts are integers, balances floats.
"""

from __future__ import annotations

from typing import Any, Literal

from frontdesk.domains.airline.models import Reservation
from frontdesk.domains.airline.tools.common import (
    NOW,
    Cabin,
    FlightRef,
    Passenger,
    PaymentSplit,
    ReservationId,
    UserId,
    editable,
    flight_on,
    get_flight,
    own_user,
    owned_reservation,
    save,
)
from frontdesk.tools.base import ToolContext, ToolError, ToolKind, tool

RESERVATION_IDS = ("HATHAT", "HATHAU", "HATHAV")
CERTIFICATE_IDS = ("certificate_3221322", "certificate_3221323", "certificate_3221324")
INSURANCE_PER_PASSENGER = 30
BAG_PRICE = 50


@tool(kind=ToolKind.WRITE, requires_auth=True)
def book_reservation(
    ctx: ToolContext,
    user_id: UserId,
    origin: str,
    destination: str,
    flight_type: Literal["one_way", "round_trip"],
    cabin: Cabin,
    flights: list[FlightRef],
    passengers: list[Passenger],
    payment_methods: list[PaymentSplit],
    total_baggages: int,
    nonfree_baggages: int,
    insurance: Literal["yes", "no"],
) -> dict[str, Any]:
    """Book a reservation for the customer: every flight, passenger and payment split; the payments must add up to the
    price."""
    user = own_user(ctx, user_id)
    reservation_id = next((rid for rid in RESERVATION_IDS if ctx.db.get(Reservation, rid) is None), None)
    if reservation_id is None:
        raise ToolError("Too many reservations")
    total, booked, days = 0, [], []
    for ref in flights:
        flight = get_flight(ctx.db, ref.flight_number)
        day = flight_on(flight, ref.date)
        if day.get("status") != "available":
            raise ToolError(f"Flight {ref.flight_number} not available on date {ref.date}")
        if day["available_seats"][cabin] < len(passengers):
            raise ToolError(f"Not enough seats on flight {ref.flight_number}")
        price = day["prices"][cabin]
        booked.append(
            {
                "origin": flight.origin,
                "destination": flight.destination,
                "flight_number": ref.flight_number,
                "date": ref.date,
                "price": price,
            }
        )
        days.append((flight, ref.date))
        total += price * len(passengers)
    if insurance == "yes":
        total += INSURANCE_PER_PASSENGER * len(passengers)
    if nonfree_baggages < 0:  # would lower the price: the reference never books a negative count
        raise ToolError("nonfree_baggages cannot be negative")
    total += BAG_PRICE * nonfree_baggages
    account = editable(user)
    drawn: dict[str, int] = {}
    for split in payment_methods:
        method = account["payment_methods"].get(split.payment_id)
        if method is None:
            raise ToolError(f"Payment method {split.payment_id} not found")
        if split.amount < 0:
            raise ToolError(f"Payment amount for {split.payment_id} cannot be negative")
        drawn[split.payment_id] = drawn.get(split.payment_id, 0) + split.amount
        if method["source"] in {"gift_card", "certificate"} and method["amount"] < drawn[split.payment_id]:
            raise ToolError(f"Not enough balance in payment method {split.payment_id}")
    paid = sum(split.amount for split in payment_methods)
    if paid != total:
        raise ToolError(f"Payment amount does not add up, total price is {total}, but paid {paid}")
    for split in payment_methods:
        method = account["payment_methods"].get(split.payment_id)
        if method is None:  # a certificate named in two splits is used up by the first
            continue
        if method["source"] == "gift_card":
            method["amount"] = method["amount"] - split.amount
        elif method["source"] == "certificate":
            account["payment_methods"].pop(split.payment_id)
    for flight, date in days:
        schedule = editable(flight)
        schedule["dates"][date]["available_seats"][cabin] -= len(passengers)
        save(ctx.db, flight, schedule)
    reservation = {
        "reservation_id": reservation_id,
        "user_id": user_id,
        "origin": origin,
        "destination": destination,
        "flight_type": flight_type,
        "cabin": cabin,
        "flights": booked,
        "passengers": [p.model_dump() for p in passengers],
        "payment_history": [p.model_dump() for p in payment_methods],
        "created_at": NOW,
        "total_baggages": total_baggages,
        "nonfree_baggages": nonfree_baggages,
        "insurance": insurance,
    }
    position = _next_position(ctx)
    ctx.db.add(Reservation(reservation_id=reservation_id, position=position, user_id=user_id, data=reservation))
    account["reservations"] = [*account["reservations"], reservation_id]
    save(ctx.db, user, account)
    return {**reservation, "status": None}


def _next_position(ctx: ToolContext) -> int:
    from sqlalchemy import func  # noqa: PLC0415
    from sqlmodel import select  # noqa: PLC0415

    return int(ctx.db.exec(select(func.coalesce(func.max(Reservation.position), -1))).one()) + 1


@tool(kind=ToolKind.WRITE, requires_auth=True)
def cancel_reservation(ctx: ToolContext, reservation_id: ReservationId) -> dict[str, Any]:
    """Cancel a whole reservation: every payment is refunded to the method it came from."""
    reservation = owned_reservation(ctx, reservation_id)
    data = editable(reservation)
    if data.get("status") == "cancelled":
        raise ToolError(f"Reservation {reservation_id} is already cancelled")
    refunds = [{"payment_id": p["payment_id"], "amount": -p["amount"]} for p in data["payment_history"]]
    data["payment_history"] = [*data["payment_history"], *refunds]
    data["status"] = "cancelled"
    save(ctx.db, reservation, data)
    return data


@tool(kind=ToolKind.WRITE, requires_auth=True)
def send_certificate(ctx: ToolContext, user_id: UserId, amount: int) -> str:
    """Give the customer a travel certificate worth ``amount`` dollars (goodwill compensation, only as policy
    allows)."""
    if amount <= 0:
        raise ToolError("A certificate's amount must be positive")
    user = own_user(ctx, user_id)
    account = editable(user)
    for payment_id in CERTIFICATE_IDS:
        if payment_id not in account["payment_methods"]:
            account["payment_methods"][payment_id] = {
                "source": "certificate",
                "id": payment_id,
                "amount": float(amount),
            }
            save(ctx.db, user, account)
            return f"Certificate {payment_id} added to user {user_id} with amount {amount}."
    raise ToolError("Too many certificates")
