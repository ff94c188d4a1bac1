"""Airline money the reference's gold actions never exercise: a second cancel, gift-card
splits, negative amounts and the refund of a change to cheaper flights (the approval gate
counts it). The tau2 gold replays stay equal (``test_gold_replay``)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from frontdesk.domains import get_domain
from frontdesk.domains.airline.models import Traveller
from frontdesk.domains.database import open_domain_db
from frontdesk.tools.base import ToolContext

airline = get_domain("airline")
tools = airline.tools_by_name
AVA = {"first_name": "Ava", "last_name": "Chen", "dob": "1988-02-14"}
ONE_WAY = {
    "user_id": "ava_chen_1001",
    "origin": "JFK",
    "destination": "SFO",
    "flight_type": "one_way",
    "cabin": "basic_economy",
    "flights": [{"flight_number": "HAT101", "date": "2024-05-20"}],
    "total_baggages": 0,
    "nonfree_baggages": 0,
    "insurance": "no",
}  # 89.00 a passenger
CHEAPER_FLIGHT = {
    "reservation_id": "AV1002",
    "cabin": "economy",
    "flights": [{"flight_number": "HAT101", "date": "2024-05-20"}],
    "payment_id": "gift_card_1001",
}


@pytest.fixture
def shop() -> tuple[Engine, ToolContext]:
    engine = open_domain_db("sqlite://", airline, seed_demo=True)
    return engine, ToolContext(customer_id="ava_chen_1001", engine=engine)


def gift_card(engine: Engine) -> float:
    with Session(engine) as session:
        ava = session.get(Traveller, "ava_chen_1001")
        assert ava is not None
        return float(ava.data["payment_methods"]["gift_card_1001"]["amount"])


def book(ctx: ToolContext, passengers: int, payments: list[dict[str, Any]]) -> Any:
    return tools["book_reservation"].invoke(
        ctx, {**ONE_WAY, "passengers": [AVA] * passengers, "payment_methods": payments}
    )


def test_a_cancelled_reservation_cannot_be_cancelled_and_refunded_again(shop: tuple[Engine, ToolContext]) -> None:
    _engine, ctx = shop
    assert tools["cancel_reservation"].invoke(ctx, {"reservation_id": "AV1002"}).ok
    gate = airline.approval_policy(100.0)
    assert (
        gate.needs_approval(tools["cancel_reservation"], {"reservation_id": "AV1002"}, ctx) is None
    )  # nothing left to refund
    again = tools["cancel_reservation"].invoke(ctx, {"reservation_id": "AV1002"})
    assert not again.ok and "already cancelled" in again.content


def test_gift_card_splits_are_checked_together_against_the_balance(shop: tuple[Engine, ToolContext]) -> None:
    engine, ctx = shop
    before = gift_card(engine)  # 120.00
    splits = [
        {"payment_id": "gift_card_1001", "amount": 120},
        {"payment_id": "gift_card_1001", "amount": 120},
        {"payment_id": "credit_card_1001", "amount": 27},
    ]
    twice = book(ctx, 3, splits)
    assert not twice.ok and "Not enough balance in payment method gift_card_1001" in twice.content
    assert gift_card(engine) == before


def test_a_negative_payment_split_is_refused_and_adds_no_money(shop: tuple[Engine, ToolContext]) -> None:
    engine, ctx = shop
    before = gift_card(engine)
    negative = book(
        ctx, 1, [{"payment_id": "gift_card_1001", "amount": -31}, {"payment_id": "credit_card_1001", "amount": 120}]
    )
    assert not negative.ok and "cannot be negative" in negative.content
    card = [{"payment_id": "credit_card_1001", "amount": 39}]
    bags = tools["book_reservation"].invoke(
        ctx, {**ONE_WAY, "passengers": [AVA], "nonfree_baggages": -1, "payment_methods": card}
    )
    assert not bags.ok and "nonfree_baggages cannot be negative" in bags.content
    certificate = tools["send_certificate"].invoke(ctx, {"user_id": "ava_chen_1001", "amount": -50})
    assert not certificate.ok and "must be positive" in certificate.content
    assert gift_card(engine) == before


def test_a_change_to_cheaper_flights_is_a_refund_the_approval_gate_counts(shop: tuple[Engine, ToolContext]) -> None:
    """Business 2 x 530 to economy 2 x 164: 732.00 back to the gift card, above a 100.00 limit."""
    engine, ctx = shop
    needed = airline.approval_policy(100.0).needs_approval(tools["update_reservation_flights"], CHEAPER_FLIGHT, ctx)
    assert needed is not None and needed[1] == 732.0 and "above the approval limit of 100.00" in needed[0]
    assert (
        airline.approval_policy(1000.0).needs_approval(tools["update_reservation_flights"], CHEAPER_FLIGHT, ctx) is None
    )
    unknown_flight = {**CHEAPER_FLIGHT, "flights": [{"flight_number": "NOPE", "date": "2024-05-20"}]}
    assert (
        airline.approval_policy(100.0).needs_approval(tools["update_reservation_flights"], unknown_flight, ctx) is None
    )  # the tool itself refuses it
    assert gift_card(engine) == 120.0
