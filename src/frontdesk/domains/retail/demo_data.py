"""The demo shop: a small, deterministic retail dataset in the tau2 schema.

A few customers are fixed because the shipped scenarios talk about them (Ava Chen with a
pending, a delivered and a processed order; Ben Ortiz with a pending and a delivered
one); the rest is generated from a seeded random generator, identical on every machine.
"""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy.engine import Engine

from frontdesk.domains.retail.dataset import load_tau2_db

PRODUCTS: list[tuple[str, str, list[tuple[dict[str, str], float, bool]]]] = [
    (
        "Wireless Headphones",
        "1000000001",
        [
            ({"color": "black", "noise cancelling": "yes"}, 99.0, True),
            ({"color": "white", "noise cancelling": "yes"}, 99.0, True),
            ({"color": "black", "noise cancelling": "no"}, 69.0, True),
        ],
    ),
    (
        "Water Bottle",
        "1000000002",
        [
            ({"capacity": "750ml", "material": "steel"}, 30.0, True),
            ({"capacity": "1000ml", "material": "steel"}, 34.0, True),
            ({"capacity": "750ml", "material": "glass"}, 28.5, False),
        ],
    ),
    (
        "Running Shoes",
        "1000000003",
        [
            ({"size": "9", "color": "blue"}, 120.0, True),
            ({"size": "10", "color": "blue"}, 120.0, True),
            ({"size": "10", "color": "red"}, 125.0, True),
        ],
    ),
    (
        "Desk Lamp",
        "1000000004",
        [
            ({"color": "black", "brightness": "high"}, 45.99, True),
            ({"color": "silver", "brightness": "medium"}, 39.99, True),
        ],
    ),
    (
        "Backpack",
        "1000000005",
        [({"size": "medium", "color": "green"}, 79.5, True), ({"size": "large", "color": "black"}, 89.5, True)],
    ),
    (
        "Coffee Maker",
        "1000000006",
        [
            ({"capacity": "4 cups", "type": "drip"}, 59.0, True),
            ({"capacity": "8 cups", "type": "espresso"}, 149.0, True),
        ],
    ),
    (
        "Yoga Mat",
        "1000000007",
        [({"thickness": "4mm", "color": "purple"}, 25.0, True), ({"thickness": "6mm", "color": "grey"}, 32.0, True)],
    ),
    (
        "Smart Watch",
        "1000000008",
        [({"color": "black", "band": "silicone"}, 199.0, True), ({"color": "gold", "band": "leather"}, 249.0, False)],
    ),
]

FIRST_NAMES = ["Chloe", "Diego", "Emma", "Farah", "Gus", "Hana", "Ivan", "Jade", "Kofi", "Lena"]
LAST_NAMES = ["Schmidt", "Moreno", "Tanaka", "Okafor", "Lindqvist", "Novak", "Rossi", "Haddad"]
CITIES = [
    ("San Francisco", "CA", "94110"),
    ("New York", "NY", "10001"),
    ("Austin", "TX", "73301"),
    ("Seattle", "WA", "98101"),
    ("Denver", "CO", "80202"),
]


def _item_id(product_index: int, variant_index: int) -> str:
    return f"2{product_index + 1:04d}{variant_index + 1:05d}"


def _products() -> dict[str, Any]:
    products = {}
    for p_index, (name, product_id, variants) in enumerate(PRODUCTS):
        products[product_id] = {
            "name": name,
            "product_id": product_id,
            "variants": {
                _item_id(p_index, v_index): {
                    "item_id": _item_id(p_index, v_index),
                    "options": options,
                    "available": available,
                    "price": price,
                }
                for v_index, (options, price, available) in enumerate(variants)
            },
        }
    return products


def _item(products: dict[str, Any], p_index: int, v_index: int) -> dict[str, Any]:
    product = products[PRODUCTS[p_index][1]]
    variant = product["variants"][_item_id(p_index, v_index)]
    return {
        "name": product["name"],
        "product_id": product["product_id"],
        "item_id": variant["item_id"],
        "price": variant["price"],
        "options": variant["options"],
    }


def _address(street: str, city: tuple[str, str, str], suite: str = "") -> dict[str, str]:
    return {"address1": street, "address2": suite, "city": city[0], "country": "USA", "state": city[1], "zip": city[2]}


def _order(
    order_id: str,
    user: dict[str, Any],
    items: list[dict[str, Any]],
    status: str,
    method: str,
    tracking: str | None = None,
) -> dict[str, Any]:
    total = round(sum(i["price"] for i in items), 2)
    fulfillments = [{"tracking_id": [tracking], "item_ids": [i["item_id"] for i in items]}] if tracking else []
    user["orders"].append(order_id)
    return {
        "order_id": order_id,
        "user_id": user["user_id"],
        "address": dict(user["address"]),
        "items": items,
        "status": status,
        "fulfillments": fulfillments,
        "payment_history": [{"transaction_type": "payment", "amount": total, "payment_method_id": method}],
    }


def demo_dataset() -> dict[str, Any]:
    """The demo shop as a tau2-shaped dict: products, users, orders."""
    products = _products()
    ava = {
        "user_id": "ava_chen_1001",
        "name": {"first_name": "Ava", "last_name": "Chen"},
        "address": _address("12 Valencia Street", CITIES[0], "Apt 3"),
        "email": "ava.chen@example.com",
        "payment_methods": {
            "credit_card_1001": {
                "source": "credit_card",
                "id": "credit_card_1001",
                "brand": "visa",
                "last_four": "4242",
            },
            "gift_card_1001": {"source": "gift_card", "id": "gift_card_1001", "balance": 80.0},
        },
        "orders": [],
    }
    ben = {
        "user_id": "ben_ortiz_1002",
        "name": {"first_name": "Ben", "last_name": "Ortiz"},
        "address": _address("500 West 23rd Street", CITIES[1]),
        "email": "ben.ortiz@example.com",
        "payment_methods": {"paypal_1002": {"source": "paypal", "id": "paypal_1002"}},
        "orders": [],
    }
    users = {ava["user_id"]: ava, ben["user_id"]: ben}
    orders = {}
    for order in (
        _order("#D1001", ava, [_item(products, 0, 0), _item(products, 1, 0)], "pending", "credit_card_1001"),
        _order("#D1002", ava, [_item(products, 2, 1)], "delivered", "credit_card_1001", tracking="940011112222"),
        _order(
            "#D1003",
            ava,
            [_item(products, 3, 0), _item(products, 6, 0)],
            "processed",
            "gift_card_1001",
            tracking="940033334444",
        ),
        _order("#D2001", ben, [_item(products, 4, 1)], "pending", "paypal_1002"),
        _order(
            "#D2002",
            ben,
            [_item(products, 5, 0), _item(products, 1, 1)],
            "delivered",
            "paypal_1002",
            tracking="940055556666",
        ),
    ):
        orders[order["order_id"]] = order
    rng = random.Random(20261124)
    for n in range(10):
        first, last = FIRST_NAMES[n], rng.choice(LAST_NAMES)
        user_id = f"{first.lower()}_{last.lower()}_{2001 + n}"
        city = rng.choice(CITIES)
        card = f"credit_card_{2001 + n}"
        user = {
            "user_id": user_id,
            "name": {"first_name": first, "last_name": last},
            "address": _address(f"{rng.randint(10, 999)} Main Street", city),
            "email": f"{first.lower()}.{last.lower()}@example.com",
            "payment_methods": {
                card: {
                    "source": "credit_card",
                    "id": card,
                    "brand": rng.choice(["visa", "mastercard"]),
                    "last_four": f"{rng.randint(0, 9999):04d}",
                }
            },
            "orders": [],
        }
        users[user_id] = user
        for k in range(rng.randint(1, 3)):
            count = rng.randint(1, 3)
            items = [
                _item(products, p, rng.randrange(len(PRODUCTS[p][2]))) for p in rng.sample(range(len(PRODUCTS)), count)
            ]
            status = rng.choice(["pending", "processed", "delivered", "delivered", "cancelled"])
            tracking = None if status in {"pending", "cancelled"} else f"9400{rng.randint(10**7, 10**8 - 1)}"
            order = _order(f"#D{3001 + n * 10 + k}", user, items, status, card, tracking)
            if status == "cancelled":
                order["cancel_reason"] = "no longer needed"
                order["payment_history"].append({**order["payment_history"][0], "transaction_type": "refund"})
            orders[order["order_id"]] = order
    return {"products": products, "users": users, "orders": orders}


def seed_demo(engine: Engine) -> None:
    """Load the demo shop into an empty domain DB."""
    load_tau2_db(engine, demo_dataset())
