"""The refund limit holds when one customer's refunds run at the same time.

30 customers each confirm two refunds of 59.00 at the same moment (limit 100.00 a day):
for every customer one refund goes through and the other waits for an operator — on SQLite
through the graph, and on PostgreSQL through the path ``frontdesk mcp serve`` calls, from
threads and from two processes. Before the approval check and the write's commit were held
together per customer, most customers got 118.00 without anyone approving it.
"""

from __future__ import annotations

import concurrent.futures
import json
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import HumanMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from frontdesk import build_graph
from frontdesk.domains.database import ensure_frontdesk_tables
from frontdesk.llm.scripted import Script, ScriptedModels
from frontdesk.mcp.exported import ExportedTools
from frontdesk.operators.approval_gate import ApprovalPolicy, ApprovalWithoutWaiting
from frontdesk.operators.refunds import Refund
from frontdesk.persistence.engine import create_domain_engine
from frontdesk.persistence.urls import domain_url
from frontdesk.runtime import RunContext
from tests.support_app import CreditLedger, add_credit, agents, login, steps

CUSTOMERS = 30
LIMIT = 100.0
REFUND = 59


def credit_amount(_session: Session, _customer: str | None, _tool: str, args: Mapping[str, Any]) -> float:
    return float(args.get("amount") or 0)


GATE = ApprovalPolicy(limit=LIMIT, tools=frozenset({add_credit.name}), amount=credit_amount)


def shop(url: str) -> Engine:
    engine = create_domain_engine(
        domain_url(url)
    )  # WAL, a busy timeout and a pool for every thread, as frontdesk opens it
    ensure_frontdesk_tables(engine)
    CreditLedger.__table__.create(engine, checkfirst=True)  # type: ignore[attr-defined]
    return engine


def credited(engine: Engine) -> dict[str, int]:
    """What each customer was granted (the tool's own table) and what the ledger says, which must agree."""
    with Session(engine) as session:
        granted: dict[str, int] = {}
        for row in session.exec(select(CreditLedger)):
            granted[row.customer_id] = granted.get(row.customer_id, 0) + row.amount
        ledger: dict[str, float] = {}
        for refund in session.exec(select(Refund)):
            ledger[refund.customer_id] = ledger.get(refund.customer_id, 0.0) + refund.amount
    assert {k: float(v) for k, v in granted.items()} == ledger
    return granted


def conversation(engine: Engine, customer: str) -> tuple[Any, dict[str, Any]]:
    """A graph for one conversation that asks for a 59.00 credit, paused at the customer's confirmation."""
    log_in = {"tool_calls": [{"name": "login", "args": {"email": f"{customer}@example.com"}}]}
    turn = steps(
        customer_service=[log_in, {"tool_calls": [{"name": "add_credit", "args": {"amount": REFUND}}]}, "Done."]
    )
    graph = build_graph(
        model=ScriptedModels(Script("race", [turn])),
        checkpointer=InMemorySaver(),
        agents=agents(),
        engine=engine,
        grade_replies=False,
        approvals=GATE,
    )
    config = {"configurable": {"thread_id": f"{customer}-{id(graph)}"}}
    graph.invoke({"messages": [HumanMessage("Please credit me 59.")]}, config)
    [pause] = graph.get_state(config).interrupts
    assert pause.value["type"] == "confirmation"
    return graph, config


def test_two_refunds_confirmed_at_once_through_the_graph_never_pass_the_limit_unapproved(tmp_path: Path) -> None:
    engine = shop(f"sqlite:///{tmp_path / 'shop.sqlite'}")
    pairs = [(conversation(engine, f"c{n}"), conversation(engine, f"c{n}")) for n in range(CUSTOMERS)]
    start = threading.Barrier(CUSTOMERS * 2)

    def confirm(graph: Any, config: dict[str, Any]) -> str:
        [pause] = graph.get_state(config).interrupts
        start.wait()
        graph.invoke(Command(resume={pause.id: {"confirmed": True}}), config)
        waiting = graph.get_state(config).interrupts
        return str(waiting[0].value["type"]) if waiting else "done"

    with concurrent.futures.ThreadPoolExecutor(CUSTOMERS * 2) as pool:
        outcomes = list(pool.map(lambda item: confirm(*item), [c for pair in pairs for c in pair]))
    granted = credited(engine)
    assert max(granted.values()) <= LIMIT, {c: v for c, v in granted.items() if v > LIMIT}
    assert granted == {f"c{n}": REFUND for n in range(CUSTOMERS)}
    assert sorted(outcomes) == ["approval"] * CUSTOMERS + ["done"] * CUSTOMERS


def mcp_refunds(url: str, customers: list[str], barrier: threading.Barrier | None = None) -> list[bool]:
    """Each customer's 59.00 credit through the MCP export's call path, all at once; which succeeded."""
    engine = shop(url)
    exported = ExportedTools([add_credit, login], RunContext(engine=engine), [ApprovalWithoutWaiting(GATE)])

    def call(customer: str) -> bool:
        if barrier is not None:
            barrier.wait()
        return not exported.call(customer, add_credit.name, {"amount": REFUND}).isError

    with concurrent.futures.ThreadPoolExecutor(len(customers)) as pool:
        return list(pool.map(call, customers))


def test_two_refunds_at_once_through_the_mcp_path_on_postgres_never_pass_the_limit(postgres_url: str) -> None:
    customers = [f"c{n}" for n in range(CUSTOMERS)] * 2
    ok = mcp_refunds(postgres_url, customers, threading.Barrier(len(customers)))
    granted = credited(shop(postgres_url))
    assert sum(ok) == CUSTOMERS and granted == {f"c{n}": REFUND for n in range(CUSTOMERS)}


def test_two_processes_on_one_postgres_share_the_limit(postgres_url: str, tmp_path: Path) -> None:
    """Two server processes (as with ``serve --workers 2`` or two machines): the lock is in the database, not a
    process."""
    shop(postgres_url)
    script = (
        "import json, sys; from tests.tools.test_money_races import mcp_refunds; "
        "print(json.dumps(mcp_refunds(sys.argv[1], json.loads(sys.argv[2]))))"
    )
    customers = json.dumps([f"c{n}" for n in range(CUSTOMERS)])
    root = Path(__file__).resolve().parents[2]
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script, postgres_url, customers], cwd=root, stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    results = [json.loads(p.communicate(timeout=120)[0]) for p in processes]
    assert all(p.returncode == 0 for p in processes)
    granted = credited(shop(postgres_url))
    assert sum(sum(r) for r in results) == CUSTOMERS and granted == {f"c{n}": REFUND for n in range(CUSTOMERS)}


@pytest.mark.parametrize("limit", [LIMIT])
def test_a_call_that_already_ran_is_not_counted_against_itself(tmp_path: Path, limit: float) -> None:
    """A re-run of a committed refund (a crash after its commit) passes, returns the stored result and moves nothing."""
    from frontdesk.tools.base import ToolContext
    from frontdesk.tools.execution import ToolCallRequest, ToolPipeline

    engine = shop(f"sqlite:///{tmp_path / 'shop.sqlite'}")
    pipeline = ToolPipeline(
        [add_credit], [ApprovalPolicy(limit=limit, tools=frozenset({add_credit.name}), amount=credit_amount)]
    )
    first = pipeline.run(
        ToolCallRequest(id="call-1", name=add_credit.name, args={"amount": 99}),
        ToolContext(customer_id="c1", thread_id="t", engine=engine),
    )
    again = pipeline.run(
        ToolCallRequest(id="call-1", name=add_credit.name, args={"amount": 99}),
        ToolContext(customer_id="c1", thread_id="t", engine=engine),
    )
    assert first.ok and again.ok and again.content == first.content
    assert credited(engine) == {"c1": 99}


def race_shop(data_dir: Path) -> None:
    """The demo shop plus customers c0..c29, each with two pending orders of one 59.00 coffee maker."""
    from frontdesk.domains.database import open_domain_db
    from frontdesk.domains.retail import demo_dataset, load_tau2_db

    data = demo_dataset()
    coffee = next(
        variant
        for product in data["products"].values()
        for variant in product["variants"].values()
        if variant["price"] == 59.0
    )
    item = {
        "name": "Coffee Maker",
        "product_id": "1000000006",
        "item_id": coffee["item_id"],
        "price": 59.0,
        "options": coffee["options"],
    }
    address = {
        "address1": "1 Main Street",
        "address2": "",
        "city": "Austin",
        "country": "USA",
        "state": "TX",
        "zip": "73301",
    }
    for n in range(CUSTOMERS):
        user_id, card = f"c{n}", f"credit_card_c{n}"
        orders = [f"#C{n}A", f"#C{n}B"]
        data["users"][user_id] = {
            "user_id": user_id, "name": {"first_name": "C", "last_name": str(n)}, "address": address,
            "email": f"c{n}@example.com",
            "payment_methods": {card: {"source": "credit_card", "id": card, "brand": "visa", "last_four": "0000"}},
            "orders": orders,
        }  # fmt: skip
        for order_id in orders:
            data["orders"][order_id] = {
                "order_id": order_id, "user_id": user_id, "address": address, "items": [item], "status": "pending",
                "fulfillments": [],
                "payment_history": [{"transaction_type": "payment", "amount": 59.0, "payment_method_id": card}],
            }  # fmt: skip
    data_dir.mkdir(parents=True, exist_ok=True)
    engine = open_domain_db(f"sqlite:///{data_dir / 'frontdesk.sqlite'}", "retail")
    load_tau2_db(engine, data)
    engine.dispose()


def test_two_refunds_confirmed_at_once_over_http_never_pass_the_limit_unapproved(tmp_path: Path) -> None:
    """Each customer opens two conversations, asks to cancel a 59.00 order in each, and says yes in both at the same
    moment."""
    import httpx

    from frontdesk.domains.database import open_domain_db
    from frontdesk.domains.retail import export_tau2_db
    from frontdesk.llm.openai_test_server import OpenAITestServer
    from tests.server.test_server import running_server, sse

    race_shop(tmp_path / "data")
    routes: dict[str, list[Any]] = {}
    for n in range(CUSTOMERS):
        for order in (f"#C{n}A", f"#C{n}B"):
            cancel = {"name": "cancel_pending_order", "args": {"order_id": order, "reason": "no longer needed"}}
            log_in = {"tool_calls": [{"name": "find_user_id_by_email", "args": {"email": f"c{n}@example.com"}}]}
            routes[order] = [log_in, {"tool_calls": [cancel]}, "Cancelled.", {"verdict": "pass"}]
    with (
        OpenAITestServer(routes=routes) as model,
        running_server(tmp_path / "data", model) as base,
        httpx.Client(base_url=base, timeout=120) as client,
    ):
        threads = []
        for n in range(CUSTOMERS):
            for order in (f"#C{n}A", f"#C{n}B"):
                created = client.post("/threads").json()
                headers = {"X-Customer-Token": created["customer_token"]}
                ask = {"text": f"I'm c{n}@example.com, please cancel {order}"}
                with client.stream(
                    "POST", f"/threads/{created['thread_id']}/messages", json=ask, headers=headers
                ) as response:
                    assert [data["type"] for kind, data in sse(response) if kind == "waiting"] == ["confirmation"]
                threads.append((created["thread_id"], headers))
        start = threading.Barrier(len(threads))

        def say_yes(thread: tuple[str, dict[str, str]]) -> str:
            start.wait()
            with client.stream(
                "POST", f"/threads/{thread[0]}/messages", json={"text": "yes"}, headers=thread[1]
            ) as response:
                waiting = [data["type"] for kind, data in sse(response) if kind == "waiting"]
            return waiting[0] if waiting else "done"

        with concurrent.futures.ThreadPoolExecutor(len(threads)) as pool:
            outcomes = list(pool.map(say_yes, threads))
    engine = open_domain_db(f"sqlite:///{tmp_path / 'data' / 'frontdesk.sqlite'}", "retail")
    orders = export_tau2_db(engine)["orders"]
    cancelled = {n: sum(orders[f"#C{n}{x}"]["status"] == "cancelled" for x in "AB") for n in range(CUSTOMERS)}
    assert cancelled == dict.fromkeys(range(CUSTOMERS), 1), (
        "one cancellation each went through; the other waits for an operator"
    )
    assert sorted(outcomes) == ["approval"] * CUSTOMERS + ["done"] * CUSTOMERS
