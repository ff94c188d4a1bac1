"""Airline's rules for the generic checks: whose records a call touches, how much money it
moves back to the customer, and how a write reads in the customer's words."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from sqlalchemy.engine import Engine
from sqlmodel import Session

from frontdesk.domains.airline.models import Reservation, Traveller
from frontdesk.domains.airline.tools.changes import price_change
from frontdesk.domains.airline.tools.common import FlightRef
from frontdesk.tools.base import ToolError

MONEY_TOOLS = frozenset({"cancel_reservation", "send_certificate", "update_reservation_flights"})
"""Airline WRITEs that can give money back: cancellations, certificates, and changes to cheaper flights."""


def refund_amount(session: Session, customer_id: str | None, tool: str, args: Mapping[str, Any]) -> float | None:
    """What the call would give back, when it can be told from the customer's own reservation."""
    if tool == "send_certificate":
        amount = args.get("amount")
        return float(amount) if isinstance(amount, int | float) else None
    reservation_id = args.get("reservation_id")
    if tool not in {"cancel_reservation", "update_reservation_flights"} or not isinstance(reservation_id, str):
        return None
    reservation = session.get(Reservation, reservation_id)
    if reservation is None or reservation.user_id != customer_id or reservation.data.get("status") == "cancelled":
        return None
    if tool == "update_reservation_flights":
        return _flight_change_refund(session, reservation.data, args)
    return float(sum(p["amount"] for p in reservation.data["payment_history"]))


def _flight_change_refund(session: Session, data: Mapping[str, Any], args: Mapping[str, Any]) -> float | None:
    """What a flight change gives back (the negated price difference), 0 when it costs; None when the tool would
    fail."""
    try:
        refs = [FlightRef.model_validate(f) for f in args.get("flights") or []]
        charge, _ = price_change(session, dict(data), str(args.get("cabin")), refs)
    except (ToolError, ValidationError, KeyError, TypeError):
        return None
    return float(-charge) if charge < 0 else 0.0


def not_the_customers(session: Session, customer_id: str, tool: str, args: Mapping[str, Any]) -> str | None:
    """The tools' own "not found" when a call names another customer's reservation or account."""
    reservation_id = args.get("reservation_id")
    if isinstance(reservation_id, str):
        reservation = session.get(Reservation, reservation_id)
        if reservation is None or reservation.user_id != customer_id:
            return f"Reservation {reservation_id} not found"
    user_id = args.get("user_id")
    if isinstance(user_id, str) and user_id != customer_id:
        return f"User {user_id} not found"
    return None


def describe_action(tool: str, args: Mapping[str, Any]) -> str | None:
    """An airline WRITE in the customer's words, for the confirmation question (None: generic wording)."""
    reservation = args.get("reservation_id")
    flights = ", ".join(
        f"{f.get('flight_number')} on {f.get('date')}" for f in args.get("flights") or [] if isinstance(f, Mapping)
    )
    payments = ", ".join(
        f"{p.get('amount')} from {p.get('payment_id')}"
        for p in args.get("payment_methods") or []
        if isinstance(p, Mapping)
    )
    people = ", ".join(
        f"{p.get('first_name')} {p.get('last_name')}" for p in args.get("passengers") or [] if isinstance(p, Mapping)
    )
    wording = {
        "book_reservation": f"book {args.get('cabin')} {flights} ({args.get('origin')} to {args.get('destination')}) "
        f"for {people}, "
        f"{args.get('total_baggages')} bag(s), insurance {args.get('insurance')}, paying {payments}",
        "cancel_reservation": f"cancel reservation {reservation} and refund its payments",
        "update_reservation_flights": f"change reservation {reservation} to {args.get('cabin')} {flights}, settling "
        f"the difference on {args.get('payment_id')}",
        "update_reservation_baggages": f"set reservation {reservation} to {args.get('total_baggages')} bag(s) "
        f"({args.get('nonfree_baggages')} paid), charged to {args.get('payment_id')}",
        "update_reservation_passengers": f"change the passengers of reservation {reservation} to {people}",
        "send_certificate": f"send a {args.get('amount')} dollar travel certificate",
    }
    return wording.get(tool)


def customer_exists(engine: Engine, customer_id: str) -> bool:
    with Session(engine) as session:
        return session.get(Traveller, customer_id) is not None


def owner_of(engine: Engine, arguments: Mapping[str, Any]) -> str | None:
    """The owner of the reservation or account an action names."""
    with Session(engine) as session:
        reservation_id = arguments.get("reservation_id")
        if isinstance(reservation_id, str) and (reservation := session.get(Reservation, reservation_id)) is not None:
            return reservation.user_id
        user_id = arguments.get("user_id")
        if isinstance(user_id, str) and session.get(Traveller, user_id) is not None:
            return user_id
    return None
