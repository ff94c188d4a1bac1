"""The demo airline: a handful of flights, two customers and their bookings, written for frontdesk.

Small on purpose: ``frontdesk demo --domain airline`` and the airline scenarios run on it
offline. Dates sit in May 2024, the reference's "now" being 2024-05-15 15:00.
"""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy.engine import Engine

from frontdesk.domains.airline.dataset import load_tau2_db


def _open(seats: tuple[int, int, int], prices: tuple[int, int, int]) -> dict[str, Any]:
    cabins = ("basic_economy", "economy", "business")
    return {
        "status": "available",
        "available_seats": dict(zip(cabins, seats, strict=True)),
        "prices": dict(zip(cabins, prices, strict=True)),
    }


def _flight(
    number: str, origin: str, destination: str, departs: str, arrives: str, dates: dict[str, Any]
) -> dict[str, Any]:
    return {
        "origin": origin,
        "destination": destination,
        "flight_number": number,
        "scheduled_departure_time_est": departs,
        "scheduled_arrival_time_est": arrives,
        "dates": dates,
    }


FLIGHTS: list[dict[str, Any]] = [
    _flight(
        "HAT101",
        "JFK",
        "SFO",
        "08:00:00",
        "11:30:00",
        {
            "2024-05-14": {
                "status": "landed",
                "actual_departure_time_est": "2024-05-14T08:05:00",
                "actual_arrival_time_est": "2024-05-14T11:20:00",
            },
            "2024-05-15": {
                "status": "delayed",
                "estimated_departure_time_est": "2024-05-15T10:30:00",
                "estimated_arrival_time_est": "2024-05-15T14:00:00",
            },
            "2024-05-20": _open((9, 12, 4), (89, 164, 512)),
            "2024-05-21": _open((0, 3, 2), (95, 170, 530)),
        },
    ),
    _flight(
        "HAT102",
        "SFO",
        "JFK",
        "13:00:00",
        "21:30:00",
        {
            "2024-05-15": {"status": "cancelled"},
            "2024-05-24": _open((7, 10, 5), (92, 158, 498)),
            "2024-05-25": _open((5, 8, 3), (99, 175, 540)),
        },
    ),
    _flight(
        "HAT201",
        "JFK",
        "ORD",
        "07:00:00",
        "08:45:00",
        {"2024-05-20": _open((10, 14, 6), (59, 110, 301))},
    ),
    _flight(
        "HAT202",
        "ORD",
        "SFO",
        "10:00:00",
        "12:40:00",
        {"2024-05-20": _open((8, 9, 4), (71, 125, 340))},
    ),
]

USERS: list[dict[str, Any]] = [
    {
        "user_id": "ava_chen_1001",
        "name": {"first_name": "Ava", "last_name": "Chen"},
        "address": {
            "address1": "12 Hudson St",
            "address2": "Apt 4",
            "city": "New York",
            "country": "USA",
            "state": "NY",
            "zip": "10013",
        },
        "email": "ava.chen@example.com",
        "dob": "1988-02-14",
        "payment_methods": {
            "credit_card_1001": {
                "source": "credit_card",
                "id": "credit_card_1001",
                "brand": "visa",
                "last_four": "4242",
            },
            "gift_card_1001": {"source": "gift_card", "id": "gift_card_1001", "amount": 120.0},
            "certificate_1001": {"source": "certificate", "id": "certificate_1001", "amount": 100.0},
        },
        "saved_passengers": [{"first_name": "Leo", "last_name": "Chen", "dob": "2015-06-01"}],
        "membership": "gold",
        "reservations": ["AV1001", "AV1002"],
    },
    {
        "user_id": "ben_ortiz_1002",
        "name": {"first_name": "Ben", "last_name": "Ortiz"},
        "address": {
            "address1": "400 Market St",
            "address2": "",
            "city": "San Francisco",
            "country": "USA",
            "state": "CA",
            "zip": "94105",
        },
        "email": "ben.ortiz@example.com",
        "dob": "1979-11-30",
        "payment_methods": {
            "credit_card_1002": {
                "source": "credit_card",
                "id": "credit_card_1002",
                "brand": "mastercard",
                "last_four": "5454",
            }
        },
        "saved_passengers": [],
        "membership": "regular",
        "reservations": ["BO2001"],
    },
]

RESERVATIONS: list[dict[str, Any]] = [
    {
        "reservation_id": "AV1001",
        "user_id": "ava_chen_1001",
        "origin": "JFK",
        "destination": "SFO",
        "flight_type": "round_trip",
        "cabin": "economy",
        "flights": [
            {"origin": "JFK", "destination": "SFO", "flight_number": "HAT101", "date": "2024-05-20", "price": 164},
            {"origin": "SFO", "destination": "JFK", "flight_number": "HAT102", "date": "2024-05-24", "price": 158},
        ],
        "passengers": [{"first_name": "Ava", "last_name": "Chen", "dob": "1988-02-14"}],
        "payment_history": [{"payment_id": "credit_card_1001", "amount": 322}],
        "created_at": "2024-05-10T09:12:00",
        "total_baggages": 1,
        "nonfree_baggages": 0,
        "insurance": "no",
    },
    {
        "reservation_id": "AV1002",
        "user_id": "ava_chen_1001",
        "origin": "JFK",
        "destination": "SFO",
        "flight_type": "one_way",
        "cabin": "business",
        "flights": [
            {"origin": "JFK", "destination": "SFO", "flight_number": "HAT101", "date": "2024-05-21", "price": 530}
        ],
        "passengers": [
            {"first_name": "Ava", "last_name": "Chen", "dob": "1988-02-14"},
            {"first_name": "Leo", "last_name": "Chen", "dob": "2015-06-01"},
        ],
        "payment_history": [{"payment_id": "credit_card_1001", "amount": 1060}],
        "created_at": "2024-05-15T10:00:00",
        "total_baggages": 2,
        "nonfree_baggages": 0,
        "insurance": "yes",
    },
    {
        "reservation_id": "BO2001",
        "user_id": "ben_ortiz_1002",
        "origin": "SFO",
        "destination": "JFK",
        "flight_type": "one_way",
        "cabin": "basic_economy",
        "flights": [
            {"origin": "SFO", "destination": "JFK", "flight_number": "HAT102", "date": "2024-05-15", "price": 92}
        ],
        "passengers": [{"first_name": "Ben", "last_name": "Ortiz", "dob": "1979-11-30"}],
        "payment_history": [{"payment_id": "credit_card_1002", "amount": 92}],
        "created_at": "2024-05-01T18:40:00",
        "total_baggages": 0,
        "nonfree_baggages": 0,
        "insurance": "no",
    },
]


def demo_dataset() -> dict[str, Any]:
    """The demo airline as a tau2 airline dump."""
    return copy.deepcopy(
        {
            "flights": {f["flight_number"]: f for f in FLIGHTS},
            "users": {u["user_id"]: u for u in USERS},
            "reservations": {r["reservation_id"]: r for r in RESERVATIONS},
        }
    )


def seed_demo(engine: Engine) -> None:
    load_tau2_db(engine, demo_dataset())
