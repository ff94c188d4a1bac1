"""A model that reuses a tool-call id cannot reuse what was decided for it.

The customer's yes, a write's once-only row and an operator's approval are keyed by the
call as frontdesk identifies it (the turn, the model message, the exact action), so a
model sending an old id again — by mistake or on purpose — makes a new call that is asked
about and checked like any other.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import HumanMessage
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.types import Command

from frontdesk import build_graph
from frontdesk.conversation.inbox import Inbox
from frontdesk.domains import get_domain
from frontdesk.domains.database import open_domain_db
from frontdesk.domains.retail import export_tau2_db
from frontdesk.llm.scripted import Script, ScriptedModels, ScriptedStep

LOGIN = {"tool_calls": [{"name": "find_user_id_by_email", "args": {"email": "ava.chen@example.com"}, "id": "login"}]}
ADDRESS = {"address2": "", "city": "Springfield", "state": "IL", "country": "USA", "zip": "62701"}
CONFIG: Any = {"configurable": {"thread_id": "t1"}}


def call(name: str, args: dict[str, Any], call_id: str = "call-1") -> dict[str, Any]:
    return {"tool_calls": [{"name": name, "args": args, "id": call_id}]}


def turn(*steps: Any) -> dict[str, list[ScriptedStep]]:
    return {"customer_service": [ScriptedStep.model_validate(s) for s in steps]}


class Thread:
    def __init__(self, tmp_path: Path, turns: list[dict[str, list[ScriptedStep]]]) -> None:
        self.engine = open_domain_db(f"sqlite:///{tmp_path / 'shop.sqlite'}", seed_demo=True)
        self.script = Script("reuse", turns)
        self._saver = SqliteSaver.from_conn_string(str(tmp_path / "threads.sqlite"))
        self.graph = build_graph(
            model=ScriptedModels(self.script),
            checkpointer=self._saver.__enter__(),
            engine=self.engine,
            grade_replies=False,
        )
        retail = get_domain("retail")
        self.inbox = Inbox(self.graph, self.engine, tools=retail.tools_by_name, customer_exists=retail.customer_exists)

    def say(self, text: str, turn: int) -> None:
        self.script.turn = turn
        self.graph.invoke({"messages": [HumanMessage(text)]}, CONFIG)

    def waiting(self) -> list[dict[str, Any]]:
        return [dict(p.value) for p in self.graph.get_state(CONFIG).interrupts]

    def answer(self, confirmed: bool) -> None:
        [pause] = [p for p in self.graph.get_state(CONFIG).interrupts if p.value["type"] == "confirmation"]
        self.graph.invoke(Command(resume={pause.id: {"confirmed": confirmed}}), CONFIG)

    def tool_results(self) -> list[str]:
        return [str(m.content) for m in self.graph.get_state(CONFIG).values["messages"] if m.type == "tool"]

    def close(self) -> None:
        self._saver.__exit__(None, None, None)
        self.engine.dispose()


@pytest.fixture
def thread(tmp_path: Path) -> Iterator[Any]:
    made: list[Thread] = []

    def make(turns: list[dict[str, list[ScriptedStep]]]) -> Thread:
        made.append(Thread(tmp_path, turns))
        return made[-1]

    yield make
    for each in made:
        each.close()


FAILED_CANCEL = call("cancel_pending_order", {"order_id": "#D1001", "reason": "changed my mind"})
"""Confirmed, then refused by the tool itself (not a valid reason): a kept yes and no write under ``call-1``."""
ATTACKER_ADDRESS = call("modify_pending_order_address", {"order_id": "#D1001", "address1": "1 Attacker Way", **ADDRESS})


def kept_yes_reused(desk: Thread) -> None:
    """The customer says yes to a cancellation that fails, then no to an address change the model sends under the same
    id."""
    desk.say("I'm ava.chen@example.com; cancel #D1001, I changed my mind.", 0)
    desk.answer(True)
    desk.say("Then ship it somewhere else?", 1)
    if any(w["type"] == "confirmation" for w in desk.waiting()):
        desk.answer(False)


def test_a_kept_yes_does_not_apply_to_another_action_under_the_same_id(thread: Any) -> None:
    desk = thread(
        [turn(LOGIN, FAILED_CANCEL, "That reason is not accepted."), turn(ATTACKER_ADDRESS, "Left as it was.")]
    )
    kept_yes_reused(desk)
    order = export_tau2_db(desk.engine)["orders"]["#D1001"]
    assert order["address"]["address1"] == "12 Valencia Street" and order["status"] == "pending"
    assert "did not confirm" in desk.tool_results()[-1]


def test_a_reused_id_is_not_answered_with_an_earlier_calls_result(thread: Any) -> None:
    """The model reuses the id of a committed change for a new one: the new change is asked about and made."""
    desk = thread(
        [
            turn(
                LOGIN,
                call("modify_pending_order_address", {"order_id": "#D1001", "address1": "5 Elm Street", **ADDRESS}),
                "Changed.",
            ),
            turn(
                call("modify_pending_order_address", {"order_id": "#D1001", "address1": "9 Oak Road", **ADDRESS}),
                "Changed again.",
            ),
        ]
    )
    desk.say("I'm ava.chen@example.com; ship #D1001 to 5 Elm Street, Springfield.", 0)
    desk.answer(True)
    desk.say("Sorry, make it 9 Oak Road.", 1)
    assert [w["type"] for w in desk.waiting()] == ["confirmation"]
    desk.answer(True)
    assert export_tau2_db(desk.engine)["orders"]["#D1001"]["address"]["address1"] == "9 Oak Road"


def test_an_approval_decided_under_an_id_does_not_hold_a_later_call_with_that_id(thread: Any) -> None:
    """An operator rejected the 129.00 cancellation; the model tries again later with the same id: a new approval, not a
    thread stuck for ever."""
    cancel = call("cancel_pending_order", {"order_id": "#D1001", "reason": "no longer needed"})
    desk = thread([turn(LOGIN, cancel, "The operator said no."), turn(cancel, "Asked again.")])
    desk.say("I'm ava.chen@example.com; cancel #D1001.", 0)
    desk.answer(True)
    [first] = desk.inbox.items()
    desk.inbox.reject(first.id, "not eligible", operator="maya")
    desk.say("Please try again.", 1)
    desk.answer(True)
    [second] = desk.inbox.items()
    assert second.id != first.id and second.kind == "approval"
    desk.inbox.approve(second.id, operator="sam")
    assert export_tau2_db(desk.engine)["orders"]["#D1001"]["status"] == "cancelled"
    assert desk.waiting() == []
