"""Tools exported to AutoGen and CrewAI keep the graph's promises about money and consent:
no WRITE the customer did not agree to, no refund above the limit without an operator."""

from __future__ import annotations

from typing import Any

import pytest

from frontdesk.domains.retail import TOOLS_BY_NAME
from frontdesk.interop import ToolSession
from tests.interop.conftest import AVA, AVA_PENDING, order_status

CANCEL = {"order_id": AVA_PENDING, "reason": "no longer needed"}  # 129.00 back to the card


def autogen_call(session: ToolSession, args: dict[str, Any]) -> tuple[bool, str]:
    import asyncio

    from autogen_core import CancellationToken

    from frontdesk.interop.autogen_tools import autogen_tools

    tool = next(t for t in autogen_tools(session) if t.name == "cancel_pending_order")
    try:
        value = asyncio.run(tool.run_json(args, CancellationToken()))
    except Exception as exc:  # AutoGen's workbench turns this into an error result
        return False, str(exc)
    return True, str(value)


def crewai_call(session: ToolSession, args: dict[str, Any]) -> tuple[bool, str]:
    from frontdesk.interop.crewai_tools import crewai_tools

    tool = next(t for t in crewai_tools(session) if t.name == "cancel_pending_order")
    text = str(tool.run(**args))
    return not text.startswith("Error"), text


CALLERS = {"autogen": autogen_call, "crewai": crewai_call}


@pytest.mark.parametrize("framework", sorted(CALLERS))
def test_a_write_the_customer_did_not_agree_to_is_refused(framework: str, shop: Any) -> None:
    ok, text = CALLERS[framework](ToolSession(engine=shop, customer_id=AVA, approval_limit=1000.0), CANCEL)
    assert not ok and "needs the customer's confirmation of this exact action" in text
    assert "Please confirm: cancel order #D1001" in text
    asked: list[str] = []

    def customer_says_no(_tool: str, question: str, _args: dict[str, Any]) -> bool:
        asked.append(question)
        return False

    declined = ToolSession(engine=shop, customer_id=AVA, approval_limit=1000.0, confirm=customer_says_no)
    ok, text = CALLERS[framework](declined, CANCEL)
    assert not ok and "the customer did not confirm" in text and len(asked) == 1
    assert order_status(shop, AVA_PENDING) == "pending"


@pytest.mark.parametrize("framework", sorted(CALLERS))
def test_a_refund_above_the_limit_is_refused_even_with_consent(framework: str, shop: Any) -> None:
    agreed = ToolSession(engine=shop, customer_id=AVA, confirm=lambda *_: True)  # the default limit: 100.00
    ok, text = CALLERS[framework](agreed, CANCEL)
    assert not ok and "needs an operator's approval" in text and "129.00" in text
    assert order_status(shop, AVA_PENDING) == "pending"


def test_with_consent_and_under_the_limit_the_write_is_done_once(shop: Any) -> None:
    agreed = ToolSession(engine=shop, customer_id=AVA, confirm=lambda *_: True, approval_limit=200.0)
    first = agreed.run(TOOLS_BY_NAME["cancel_pending_order"], CANCEL, call_id="c-1")
    again = agreed.run(TOOLS_BY_NAME["cancel_pending_order"], CANCEL, call_id="c-1")
    assert first.ok and again.ok and order_status(shop, AVA_PENDING) == "cancelled"
