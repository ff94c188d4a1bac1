"""The domain DB: tau2 round trip, the demo shop, and tau2-format diffs."""

from __future__ import annotations

from frontdesk.domains.diff import db_diff
from frontdesk.domains.retail import (
    demo_dataset,
    export_tau2_db,
    init_domain_schema,
    seed_demo,
    tau2_db_hash,
    with_optional_fields,
)
from frontdesk.persistence.engine import create_domain_engine

INITIAL_HASH = "b25c9cb211f5efcaee5dd646054a73c4a9f43f4f5acc32c10713cd9f9ac20e9c"


def test_loading_and_exporting_tau2_reproduces_its_hash(engine, tau2_data) -> None:
    assert tau2_db_hash(with_optional_fields(tau2_data)) == INITIAL_HASH
    assert tau2_db_hash(export_tau2_db(engine)) == INITIAL_HASH


def test_the_demo_shop_has_the_customers_the_scenarios_use() -> None:
    engine = create_domain_engine("sqlite://")
    init_domain_schema(engine)
    seed_demo(engine)
    shop = export_tau2_db(engine)
    ava, ben = shop["users"]["ava_chen_1001"], shop["users"]["ben_ortiz_1002"]
    assert ava["email"] == "ava.chen@example.com" and ben["email"] == "ben.ortiz@example.com"
    assert [(o, shop["orders"][o]["status"]) for o in ava["orders"]] == [
        ("#D1001", "pending"),
        ("#D1002", "delivered"),
        ("#D1003", "processed"),
    ]
    assert [(o, shop["orders"][o]["status"]) for o in ben["orders"]] == [("#D2001", "pending"), ("#D2002", "delivered")]
    assert shop["orders"]["#D1001"]["payment_history"][0] == {
        "transaction_type": "payment",
        "amount": 129.0,
        "payment_method_id": "credit_card_1001",
    }
    assert ava["payment_methods"]["gift_card_1001"]["balance"] == 80.0
    assert len(shop["users"]) >= 12 and len(shop["products"]) == 8
    assert demo_dataset() == demo_dataset()


def test_diffs_use_tau2_paths_and_ops() -> None:
    before = {"orders": {"#W1": {"status": "pending", "history": [1], "tags": None, "a/b": 1}}}
    after = {"orders": {"#W1": {"status": "cancelled", "history": [1, {"amount": 2.5}], "tags": ["x"], "new": True}}}
    assert db_diff(before, after) == [
        {"op": "replace", "path": "orders/#W1/status", "old": "pending", "new": "cancelled"},
        {"op": "add", "path": "orders/#W1/history/1", "old": None, "new": {"amount": 2.5}},
        {"op": "replace", "path": "orders/#W1/tags", "old": None, "new": ["x"]},
        {"op": "remove", "path": "orders/#W1/a~1b", "old": 1, "new": None},
        {"op": "add", "path": "orders/#W1/new", "old": None, "new": True},
    ]
