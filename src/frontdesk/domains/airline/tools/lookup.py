"""Read-only airline tools: the customer's account and reservations, airports, flight search and status."""

from __future__ import annotations

from datetime import date as Day
from datetime import timedelta
from typing import Any

from sqlmodel import col, select

from frontdesk.domains.airline.dataset import reservation_dump
from frontdesk.domains.airline.models import Flight
from frontdesk.domains.airline.tools.common import (
    Date,
    ReservationId,
    UserId,
    flight_on,
    get_flight,
    get_user,
    owned_reservation,
)
from frontdesk.tools.base import ToolContext, ToolError, ToolKind, tool

AIRPORTS = {
    "SFO": "San Francisco", "JFK": "New York", "LAX": "Los Angeles", "ORD": "Chicago", "DFW": "Dallas", "DEN": "Denver",
    "SEA": "Seattle", "ATL": "Atlanta", "MIA": "Miami", "BOS": "Boston", "PHX": "Phoenix", "IAH": "Houston",
    "LAS": "Las Vegas", "MCO": "Orlando", "EWR": "Newark", "CLT": "Charlotte", "MSP": "Minneapolis", "DTW": "Detroit",
    "PHL": "Philadelphia", "LGA": "New York",
}  # fmt: skip


@tool(kind=ToolKind.READ, authenticates=True)
def get_user_details(ctx: ToolContext, user_id: UserId) -> dict[str, Any]:
    """Get a customer's profile (payment methods, saved passengers, membership, reservation ids) by user id; this
    identifies the customer."""
    if ctx.customer_id and user_id != ctx.customer_id:
        raise ToolError(f"User {user_id} not found")
    return dict(get_user(ctx.db, user_id).data)


@tool(kind=ToolKind.READ, requires_auth=True)
def get_reservation_details(ctx: ToolContext, reservation_id: ReservationId) -> dict[str, Any]:
    """Get a reservation's details: flights with prices paid, passengers, payments, baggage, insurance."""
    return reservation_dump(owned_reservation(ctx, reservation_id).data)


@tool(kind=ToolKind.READ)
def list_all_airports() -> list[dict[str, str]]:
    """List every airport served, with its city."""
    return [{"iata": code, "city": city} for code, city in AIRPORTS.items()]


def _bookable(flight: Flight, date: str) -> dict[str, Any] | None:
    day = flight.data.get("dates", {}).get(date)
    if day is None or day.get("status") != "available":
        return None
    return {
        "flight_number": flight.flight_number,
        "origin": flight.origin,
        "destination": flight.destination,
        "status": "available",
        "scheduled_departure_time_est": flight.data["scheduled_departure_time_est"],
        "scheduled_arrival_time_est": flight.data["scheduled_arrival_time_est"],
        "date": date,
        "available_seats": day["available_seats"],
        "prices": day["prices"],
    }


@tool(kind=ToolKind.READ)
def search_direct_flight(ctx: ToolContext, origin: str, destination: str, date: Date) -> list[dict[str, Any]]:
    """Search direct flights between two airports (IATA codes) on a date, with seats and prices per cabin."""
    flights = ctx.db.exec(
        select(Flight).where(Flight.origin == origin, Flight.destination == destination).order_by(col(Flight.position))
    ).all()
    return [found for flight in flights if (found := _bookable(flight, date)) is not None]


@tool(kind=ToolKind.READ)
def search_onestop_flight(ctx: ToolContext, origin: str, destination: str, date: Date) -> list[list[dict[str, Any]]]:
    """Search one-stop itineraries between two airports on a date: pairs of connecting flights."""
    firsts = ctx.db.exec(select(Flight).where(Flight.origin == origin).order_by(col(Flight.position))).all()
    found: list[list[dict[str, Any]]] = []
    for first in firsts:
        leg1 = _bookable(first, date)
        if leg1 is None:
            continue
        arrival = str(first.data["scheduled_arrival_time_est"])
        next_day = "+1" in arrival
        date2 = (Day.fromisoformat(date) + timedelta(days=1)).isoformat() if next_day else date
        seconds = ctx.db.exec(
            select(Flight)
            .where(Flight.origin == first.destination, Flight.destination == destination)
            .order_by(col(Flight.position))
        ).all()
        for second in seconds:
            if not next_day and str(second.data["scheduled_departure_time_est"]) <= arrival[:8]:
                continue
            leg2 = _bookable(second, date2)
            if leg2 is not None:
                found.append([leg1, leg2])
    return found


@tool(kind=ToolKind.READ)
def get_flight_status(ctx: ToolContext, flight_number: str, date: Date) -> str:
    """The status of a flight on a date: available, on time, delayed, flying, landed or cancelled."""
    return str(flight_on(get_flight(ctx.db, flight_number), date)["status"])
