"""One DB session per tool call: the checks and the tool share it, and a WRITE still commits exactly what it should."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import event
from sqlmodel import Session, select

from frontdesk import ToolContext, open_domain_db
from frontdesk.domains import get_domain
from frontdesk.domains.retail.models import Order
from frontdesk.operators import refunds
from frontdesk.operators.refunds import Refund
from frontdesk.tools.execution import ToolCallRequest, ToolPipeline

retail = get_domain("retail")
cancel = retail.tools_by_name["cancel_pending_order"]


def pipeline() -> ToolPipeline:
    return ToolPipeline(
        retail.tools, retail.policies(1e9, confirm_writes=False)
    )  # no approval needed: there is no graph to pause


def test_a_write_without_a_call_id_commits(tmp_path: Path) -> None:
    """A host with no call ids (some agent frameworks) still gets its change kept."""
    engine = open_domain_db(f"sqlite:///{tmp_path / 'shop.sqlite'}", seed_demo=True)
    outcome = pipeline().run(
        ToolCallRequest(id="", name=cancel.name, args={"order_id": "#D1001", "reason": "no longer needed"}),
        ToolContext(customer_id="ava_chen_1001", thread_id="t", engine=engine),
    )
    assert outcome.ok, outcome.content
    with Session(engine) as session:
        order = session.get(Order, "#D1001")
        assert order is not None and order.status == "cancelled"


def test_another_customers_order_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    engine = open_domain_db(f"sqlite:///{tmp_path / 'shop.sqlite'}", seed_demo=True)
    outcome = pipeline().run(
        ToolCallRequest(id="c1", name=cancel.name, args={"order_id": "#D1001", "reason": "no longer needed"}),
        ToolContext(customer_id="ben_ortiz_1002", thread_id="t", engine=engine),
    )
    assert not outcome.ok and "Order not found" in outcome.content
    with Session(engine) as session:
        order = session.get(Order, "#D1001")
        assert order is not None and order.status == "pending"


def test_the_ownership_check_and_the_tool_read_the_order_once(tmp_path: Path) -> None:
    """The order the ownership check loaded is in the call's session when the tool reads it."""
    engine = open_domain_db(f"sqlite:///{tmp_path / 'shop.sqlite'}", seed_demo=True)
    order_reads: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def note(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if (
            statement.lstrip().upper().startswith("SELECT")
            and "FROM retail_orders" in statement
            and "JOIN" not in statement
        ):
            order_reads.append(statement)

    outcome = pipeline().run(
        ToolCallRequest(id="c2", name=cancel.name, args={"order_id": "#D1001", "reason": "ordered by mistake"}),
        ToolContext(customer_id="ava_chen_1001", thread_id="t", engine=engine),
    )
    assert outcome.ok, outcome.content
    assert len(order_reads) == 1, order_reads


def test_refunds_without_call_ids_each_count_towards_the_approval_limit(tmp_path: Path) -> None:
    """The refund ledger gets a row per committed refund even from a host with no call ids,
    so small id-less refunds cannot add up past the limit unseen (nor collide on one key)."""
    engine = open_domain_db(f"sqlite:///{tmp_path / 'shop.sqlite'}", seed_demo=True)
    with Session(engine) as session:  # a customer with two pending orders: ava's, and one more made pending
        customer = "ava_chen_1001"
        another = session.exec(select(Order).where(Order.user_id == customer, Order.status != "pending")).first()
        assert another is not None
        another.status = "pending"
        session.add(another)
        session.commit()
        orders = ["#D1001", another.order_id]
    for order_id in orders[:2]:
        outcome = pipeline().run(
            ToolCallRequest(id="", name=cancel.name, args={"order_id": order_id, "reason": "no longer needed"}),
            ToolContext(customer_id=customer, thread_id="same-thread", engine=engine),
        )
        assert outcome.ok, outcome.content
    with Session(engine) as session:
        rows = session.exec(select(Refund).where(Refund.customer_id == customer)).all()
        assert (
            len(rows) == 2
            and refunds.recent_refunds(session, customer, timedelta(hours=1))
            == round(sum(r.amount for r in rows), 2)
            > 0
        )
