"""Moving data between tau2-bench's airline JSON (``db.json``) and our tables.

``export_tau2_db`` returns exactly what tau2's ``FlightDB.model_dump()`` gives — the file's
data, with every reservation carrying a ``status`` (``None`` until it is cancelled) — so the
reference hash (``tau2_db_hash``) and diffs can be computed on our own database state.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from frontdesk.domains.airline.models import Flight, Reservation, Traveller


def load_tau2_db(engine: Engine, data: dict[str, Any]) -> None:
    """Insert a tau2 airline DB (``{"flights", "users", "reservations"}``) into empty tables."""
    with Session(engine) as session:
        for position, flight in enumerate(data["flights"].values()):
            session.add(
                Flight(
                    flight_number=flight["flight_number"],
                    position=position,
                    origin=flight["origin"],
                    destination=flight["destination"],
                    data=flight,
                )
            )
        for position, user in enumerate(data["users"].values()):
            session.add(Traveller(user_id=user["user_id"], position=position, email=user.get("email", ""), data=user))
        for position, reservation in enumerate(data["reservations"].values()):
            session.add(
                Reservation(
                    reservation_id=reservation["reservation_id"],
                    position=position,
                    user_id=reservation["user_id"],
                    data=reservation,
                )
            )
        session.commit()


def reservation_dump(data: dict[str, Any]) -> dict[str, Any]:
    """A reservation as the reference dumps it: ``status`` always present."""
    return {**data, "status": data.get("status")}


def export_tau2_db(engine: Engine) -> dict[str, Any]:
    """The whole airline DB in tau2's dump format."""
    with Session(engine) as session:
        flights = session.exec(select(Flight).order_by(col(Flight.position))).all()
        users = session.exec(select(Traveller).order_by(col(Traveller.position))).all()
        reservations = session.exec(select(Reservation).order_by(col(Reservation.position))).all()
        return {
            "flights": {f.flight_number: f.data for f in flights},
            "users": {u.user_id: u.data for u in users},
            "reservations": {r.reservation_id: reservation_dump(r.data) for r in reservations},
        }


def tau2_db_hash(dump: dict[str, Any]) -> str:
    """tau2's DB hash: sha256 of the dump as sorted-key JSON (Python's default separators)."""
    return hashlib.sha256(json.dumps(dump, sort_keys=True, default=str).encode()).hexdigest()
