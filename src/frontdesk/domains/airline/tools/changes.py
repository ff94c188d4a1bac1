"""Airline WRITE tools that change an existing reservation: flights, baggage, passengers.

A change is paid with (or, when it costs less, refunded to) one of the owner's payment
methods — never a certificate — exactly as the reference does; seats are not moved.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from frontdesk.domains.airline.models import Reservation
from frontdesk.domains.airline.tools.common import (
    Cabin,
    FlightRef,
    Passenger,
    PaymentId,
    ReservationId,
    charge_for_change,
    editable,
    flight_on,
    get_flight,
    get_user,
    owned_reservation,
    save,
)
from frontdesk.tools.base import ToolContext, ToolError, ToolKind, tool

BAG_PRICE = 50


def settle(ctx: ToolContext, reservation: Reservation, data: dict[str, Any], payment_id: str, amount: int) -> None:
    """Charge (or refund) a change to the owner's payment method and note it in ``data``'s payment history."""
    owner = get_user(ctx.db, reservation.user_id)
    account = editable(owner)
    payment = charge_for_change(account, payment_id, amount)
    save(ctx.db, owner, account)
    if payment is not None:
        data["payment_history"] = [*data["payment_history"], payment]


def price_change(
    session: Session, data: dict[str, Any], cabin: str, flights: list[FlightRef]
) -> tuple[int, list[dict[str, Any]]]:
    """What changing reservation ``data`` to ``flights`` in ``cabin`` costs (negative: a refund), and the new
    itinerary."""
    passengers = len(data["passengers"])
    total, itinerary = 0, []
    for ref in flights:
        kept = next(
            (
                f
                for f in data["flights"]
                if f["flight_number"] == ref.flight_number and f["date"] == ref.date and cabin == data["cabin"]
            ),
            None,
        )
        if kept is not None:
            total += kept["price"] * passengers
            itinerary.append(kept)
            continue
        flight = get_flight(session, ref.flight_number)
        day = flight_on(flight, ref.date)
        if day.get("status") != "available":
            raise ToolError(f"Flight {ref.flight_number} not available on date {ref.date}")
        if day["available_seats"][cabin] < passengers:
            raise ToolError(f"Not enough seats on flight {ref.flight_number}")
        entry = {
            "flight_number": ref.flight_number,
            "date": ref.date,
            "price": day["prices"][cabin],
            "origin": flight.origin,
            "destination": flight.destination,
        }
        total += entry["price"] * passengers
        itinerary.append(entry)
    total -= sum(f["price"] for f in data["flights"]) * passengers
    return total, itinerary


@tool(kind=ToolKind.WRITE, requires_auth=True)
def update_reservation_flights(
    ctx: ToolContext, reservation_id: ReservationId, cabin: Cabin, flights: list[FlightRef], payment_id: PaymentId
) -> dict[str, Any]:
    """Change a reservation's flights and/or cabin. ``flights`` is the whole new itinerary, unchanged flights
    included."""
    reservation = owned_reservation(ctx, reservation_id)
    data = editable(reservation)
    total, itinerary = price_change(ctx.db, data, cabin, flights)
    settle(ctx, reservation, data, payment_id, total)
    data["flights"] = itinerary
    data["cabin"] = cabin
    save(ctx.db, reservation, data)
    return {**data, "status": data.get("status")}


@tool(kind=ToolKind.WRITE, requires_auth=True)
def update_reservation_baggages(
    ctx: ToolContext, reservation_id: ReservationId, total_baggages: int, nonfree_baggages: int, payment_id: PaymentId
) -> dict[str, Any]:
    """Change a reservation's checked bags; extra non-free bags cost 50 each, paid with ``payment_id``."""
    reservation = owned_reservation(ctx, reservation_id)
    data = editable(reservation)
    settle(ctx, reservation, data, payment_id, BAG_PRICE * max(0, nonfree_baggages - data["nonfree_baggages"]))
    data["total_baggages"] = total_baggages
    data["nonfree_baggages"] = nonfree_baggages
    save(ctx.db, reservation, data)
    return {**data, "status": data.get("status")}


@tool(kind=ToolKind.WRITE, requires_auth=True)
def update_reservation_passengers(
    ctx: ToolContext, reservation_id: ReservationId, passengers: list[Passenger]
) -> dict[str, Any]:
    """Replace a reservation's passenger details; the number of passengers cannot change."""
    reservation = owned_reservation(ctx, reservation_id)
    data = editable(reservation)
    if len(passengers) != len(data["passengers"]):
        raise ToolError("Number of passengers does not match")
    data["passengers"] = [p.model_dump() for p in passengers]
    save(ctx.db, reservation, data)
    return {**data, "status": data.get("status")}
