"""A shop's loyalty-points and parcel-tracking service, as an MCP server (stdio or streamable HTTP).

It stands for the systems a support team already runs: frontdesk's agents use its tools
through the ``[[mcp_servers]]`` config (see README, "Tools from MCP servers"):

    [[mcp_servers]]
    name = "loyalty"
    command = "python"
    args = ["examples/loyalty/server.py"]
    read = ["get_points", "track_parcel"]
    write = ["redeem_points"]
    needs_approval = ["redeem_points"]
    customer_argument = "customer_id"

Run it over HTTP with ``python examples/loyalty/server.py --http --port 8765`` (then
``url = "http://127.0.0.1:8765/mcp"``). Points live in the SQLite file ``LOYALTY_DB``
(default: in memory, seeded for the demo customers). A redemption runs once per
``idempotency_key``: a retry after a lost answer returns the first result.

For tests it can fail on purpose: ``LOYALTY_DIE_IN=<tool>`` exits the process in the middle
of that tool's call (``LOYALTY_DIE_ONCE=<file>``: only while the file does not exist yet);
``LOYALTY_HANG_IN=<tool>`` never answers that tool's calls.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import threading
from pathlib import Path
from typing import Annotated, Any

from mcp.server.fastmcp import FastMCP
from pydantic import Field

SEED = {"ava_chen_1001": 1200, "ben_ortiz_1002": 300}
REWARDS = {"free-shipping": 200, "gift-card-10": 500, "gift-card-25": 1000}

server = FastMCP("loyalty", host="127.0.0.1")
_lock = threading.Lock()
_db: sqlite3.Connection | None = None


def db() -> sqlite3.Connection:
    global _db
    if _db is None:
        _db = sqlite3.connect(os.environ.get("LOYALTY_DB", ":memory:"), check_same_thread=False, isolation_level=None)
        _db.execute("CREATE TABLE IF NOT EXISTS points (customer_id TEXT PRIMARY KEY, points INTEGER NOT NULL)")
        _db.execute(
            "CREATE TABLE IF NOT EXISTS redemptions (key TEXT PRIMARY KEY, customer_id TEXT, reward TEXT, points "
            "INTEGER, balance INTEGER)"
        )
        _db.executemany("INSERT OR IGNORE INTO points VALUES (?, ?)", SEED.items())
    return _db


def maybe_die(tool: str) -> None:
    """The fault a test asked for: the process ends (or hangs) in the middle of ``tool``'s call."""
    if os.environ.get("LOYALTY_HANG_IN") == tool:
        threading.Event().wait()
    if os.environ.get("LOYALTY_DIE_IN") != tool:
        return
    once = os.environ.get("LOYALTY_DIE_ONCE")
    if once:
        if Path(once).exists():
            return
        Path(once).write_text("died\n", encoding="utf-8")
    os._exit(3)


def balance(customer_id: str) -> int:
    row = db().execute("SELECT points FROM points WHERE customer_id = ?", (customer_id,)).fetchone()
    return int(row[0]) if row else 0


@server.tool()
def get_points(customer_id: str) -> dict[str, Any]:
    """The customer's loyalty points balance and tier."""
    maybe_die("get_points")
    points = balance(customer_id)
    tier = "gold" if points >= 1000 else "silver" if points >= 250 else "member"
    return {"customer_id": customer_id, "points": points, "tier": tier, "rewards": REWARDS}


@server.tool()
def redeem_points(
    customer_id: str,
    reward: Annotated[str, Field(description="One of: free-shipping, gift-card-10, gift-card-25")],
    idempotency_key: str,
) -> dict[str, Any]:
    """Spend the customer's points on a reward; the points are taken at once."""
    if reward not in REWARDS:
        raise ValueError(f"unknown reward {reward!r}; rewards: {', '.join(REWARDS)}")
    with _lock:
        earlier = (
            db().execute("SELECT reward, points, balance FROM redemptions WHERE key = ?", (idempotency_key,)).fetchone()
        )
        if earlier is not None:
            return {"reward": earlier[0], "points_spent": earlier[1], "balance": earlier[2], "repeated": True}
        cost = REWARDS[reward]
        points = balance(customer_id)
        if points < cost:
            raise ValueError(f"not enough points: {reward} costs {cost}, the balance is {points}")
        db().execute("BEGIN IMMEDIATE")
        db().execute("UPDATE points SET points = points - ? WHERE customer_id = ?", (cost, customer_id))
        db().execute(
            "INSERT INTO redemptions VALUES (?, ?, ?, ?, ?)",
            (idempotency_key, customer_id, reward, cost, points - cost),
        )
        db().execute("COMMIT")
    maybe_die("redeem_points")
    return {"reward": reward, "points_spent": cost, "balance": points - cost}


@server.tool()
def track_parcel(order_id: str) -> dict[str, Any]:
    """Where the parcel of an order is, from the carrier."""
    maybe_die("track_parcel")
    digits = sum(ord(c) for c in order_id)
    return {
        "order_id": order_id,
        "carrier": "UPS",
        "status": ["label created", "in transit", "out for delivery"][digits % 3],
        "eta_days": digits % 4 + 1,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--http", action="store_true", help="serve streamable HTTP instead of stdio")
    parser.add_argument("--port", type=int, default=8765)
    options = parser.parse_args(argv)
    db()
    if options.http:
        server.settings.port = options.port
        server.run(transport="streamable-http")
    else:
        server.run(transport="stdio")


if __name__ == "__main__":
    main(sys.argv[1:])
