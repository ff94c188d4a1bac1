"""The operator inbox: tickets and approvals, resuming the exact thread, and the edge cases."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.types import Command

from frontdesk import build_graph
from frontdesk.conversation.inbox import Inbox, InboxError, InboxItem
from frontdesk.domains import get_domain
from frontdesk.domains.database import open_domain_db
from frontdesk.domains.retail import export_tau2_db
from frontdesk.llm.scripted import Script, ScriptedModels, ScriptedStep
from frontdesk.operators import records

LOGIN = {"tool_calls": [{"name": "find_user_id_by_email", "args": {"email": "ava.chen@example.com"}}]}
CANCEL = {"name": "cancel_pending_order", "args": {"order_id": "#D1001", "reason": "no longer needed"}}
RETURN = {
    "name": "return_delivered_order_items",
    "args": {"order_id": "#D1002", "item_ids": ["2000300002"], "payment_method_id": "credit_card_1001"},
}


def steps(**agents: list) -> dict:
    return {name: [ScriptedStep.model_validate(s) for s in items] for name, items in agents.items()}


class Desk:
    """A graph over a real SQLite domain DB and checkpointer, with a scripted model."""

    def __init__(self, tmp_path: Path, turns: list[dict]) -> None:
        self.engine = open_domain_db(f"sqlite:///{tmp_path / 'domain.sqlite'}", seed_demo=True)
        self.script = Script("inbox", turns)
        self._saver_cm = SqliteSaver.from_conn_string(str(tmp_path / "threads.sqlite"))
        saver = self._saver_cm.__enter__()
        self.graph = build_graph(model=ScriptedModels(self.script), checkpointer=saver, engine=self.engine)
        retail = get_domain("retail")
        self.inbox = Inbox(self.graph, self.engine, tools=retail.tools_by_name, customer_exists=retail.customer_exists)

    def say(self, text: str, turn: int = 0) -> dict:
        """The customer's message; every write the thread asks them to confirm, they confirm."""
        self.script.turn = turn
        values = self.graph.invoke({"messages": [HumanMessage(text)]}, {"configurable": {"thread_id": "t1"}})
        return self.confirm_pending() or values

    def confirm_pending(self) -> dict | None:
        """Answer yes to every confirmation the thread is waiting for (as the customer would)."""
        config = {"configurable": {"thread_id": "t1"}}
        values = None
        while asked := [p for p in self.graph.get_state(config).interrupts if p.value.get("type") == "confirmation"]:
            values = self.graph.invoke(Command(resume={asked[0].id: {"confirmed": True}}), config)
        return values

    def close(self) -> None:
        self._saver_cm.__exit__(None, None, None)
        self.engine.dispose()


@pytest.fixture
def make_desk(tmp_path: Path):
    desks: list[Desk] = []

    def make(turns: list[dict]) -> Desk:
        desk = Desk(tmp_path / str(len(desks)), turns) if (tmp_path / str(len(desks))).mkdir() is None else None
        desks.append(desk)
        return desk

    yield make
    for desk in desks:
        desk.close()


def test_a_ticket_is_listed_answered_and_closed(make_desk) -> None:
    desk = make_desk(
        [
            steps(
                customer_service=[
                    LOGIN,
                    {"tool_calls": [{"name": "transfer_to_human_agents", "args": {"summary": "wants a person"}}]},
                ]
            )
        ]
    )
    desk.say("I'm ava.chen@example.com, get me a human")
    [item] = desk.inbox.items()
    assert (item.kind, item.customer_id, item.summary, item.priority, item.overdue) == (
        "ticket",
        "ava_chen_1001",
        "wants a person",
        "normal",
        False,
    )
    values = desk.inbox.reply(item.id, "Hi Ava, Maya here.", operator="maya")
    assert values["messages"][-1].content == "Hi Ava, Maya here." and values["messages"][-1].name == "operator"
    assert desk.inbox.items() == []
    assert desk.inbox.get(item.id).status == "resolved"
    with pytest.raises(InboxError, match=rf"ticket {item.id} was already resolved by maya"):
        desk.inbox.reply(item.id, "again")
    [decision] = records.decisions(desk.engine)
    assert (decision.kind, decision.operator, decision.details["reply"]) == ("reply", "maya", "Hi Ava, Maya here.")


def test_overdue_tickets_are_flagged(make_desk) -> None:
    from datetime import timedelta

    desk = make_desk(
        [steps(customer_service=[{"tool_calls": [{"name": "transfer_to_human_agents", "args": {"summary": "x"}}]}])]
    )
    desk.say("human please")
    assert [i.overdue for i in Inbox(desk.graph, desk.engine, sla=timedelta(0)).items()] == [True]


def test_two_sensitive_calls_wait_one_after_the_other(make_desk) -> None:
    desk = make_desk(
        [
            steps(
                customer_service=[
                    LOGIN,
                    {"tool_calls": [CANCEL, RETURN]},
                    "Your cancellation went through; the return was declined.",
                ],
                grader=[{"verdict": "pass"}],
            )
        ]
    )
    desk.say("I'm ava.chen@example.com; cancel #D1001 and return my shoes from #D1002. Yes, I confirm both.")
    [first] = desk.inbox.items()
    assert (first.kind, first.details["tool"], first.details["amount"]) == ("approval", "cancel_pending_order", 129.0)
    desk.inbox.approve(first.id, operator="maya")
    desk.confirm_pending()
    [second] = desk.inbox.items()
    assert second.details["tool"] == "return_delivered_order_items" and second.details["amount"] == 120.0
    values = desk.inbox.reject(second.id, "Worn shoes cannot be returned", operator="sam")
    assert values["messages"][-1].content == "Your cancellation went through; the return was declined."
    tool_results = [m.content for m in values["messages"] if m.type == "tool"]
    assert any("The operator rejected this action: Worn shoes cannot be returned" in r for r in tool_results)
    shop = export_tau2_db(desk.engine)
    assert shop["orders"]["#D1001"]["status"] == "cancelled" and shop["orders"]["#D1002"]["status"] == "delivered"
    with pytest.raises(InboxError, match=rf"approval {second.id} was already rejected by sam"):
        desk.inbox.approve(second.id)
    assert [(d.kind, d.operator) for d in records.decisions(desk.engine)] == [("approved", "maya"), ("rejected", "sam")]


def test_edited_arguments_are_validated_before_resuming(make_desk) -> None:
    desk = make_desk(
        [steps(customer_service=[LOGIN, {"tool_calls": [CANCEL]}, "Cancelled."], grader=[{"verdict": "pass"}])]
    )
    desk.say("I'm ava.chen@example.com, cancel #D1001, yes.")
    [item] = desk.inbox.items()
    with pytest.raises(InboxError, match="Invalid arguments for cancel_pending_order: reason: Field required"):
        desk.inbox.edit(item.id, {"order_id": "#D1001"})
    assert desk.inbox.get(item.id).status == "pending"
    desk.inbox.edit(item.id, {"order_id": "#D1001", "reason": "ordered by mistake"}, operator="maya")
    assert export_tau2_db(desk.engine)["orders"]["#D1001"]["cancel_reason"] == "ordered by mistake"
    assert desk.inbox.get(item.id).status == "edited"


def test_unknown_ids_and_threads_that_are_not_waiting(make_desk) -> None:
    desk = make_desk(
        [steps(customer_service=[{"tool_calls": [{"name": "transfer_to_human_agents", "args": {"summary": "x"}}]}])]
    )
    with pytest.raises(InboxError, match="nothing in the inbox has id 'T-nope'"):
        desk.inbox.reply("T-nope", "hi")
    desk.say("human please")
    [item] = desk.inbox.items()
    desk.graph.update_state({"configurable": {"thread_id": "t1"}}, {"held_by": None}, as_node="human_handoff")
    with pytest.raises(InboxError, match="is not waiting"):
        desk.inbox.reply(item.id, "too late")


def test_a_looping_agent_is_handed_to_a_person_with_high_priority(tmp_path: Path) -> None:
    from langgraph.checkpoint.memory import InMemorySaver

    from frontdesk.config.settings import Settings

    engine = open_domain_db(f"sqlite:///{tmp_path / 'd.sqlite'}", seed_demo=True)
    loop = [{"tool_calls": [{"name": "list_all_product_types"}]}] * 3
    script = Script("loop", [steps(customer_service=loop)])
    graph = build_graph(
        Settings(max_agent_steps=3), model=ScriptedModels(script), checkpointer=InMemorySaver(), engine=engine
    )
    graph.invoke({"messages": [HumanMessage("what do you sell?")]}, {"configurable": {"thread_id": "loop"}})
    [item] = Inbox(graph, engine).items()
    assert item.summary == "The agent is stuck: 3 model calls in this turn without a reply"
    assert item.priority == "high"


def test_approve_and_reject_at_the_same_time_have_exactly_one_winner(make_desk) -> None:
    import threading

    for attempt in range(3):
        desk = make_desk(
            [steps(customer_service=[LOGIN, {"tool_calls": [CANCEL]}, "Done."], grader=[{"verdict": "pass"}])]
        )
        desk.say("I'm ava.chen@example.com, cancel #D1001, yes")
        [item] = desk.inbox.items()
        results: dict[str, str] = {}

        def decide(kind: str, desk: Desk = desk, item: InboxItem = item, results: dict[str, str] = results) -> None:
            try:
                if kind.startswith("approve"):
                    desk.inbox.approve(item.id, operator="ann")
                else:
                    desk.inbox.reject(item.id, "no", operator="bob")
                results[kind] = "won"
            except InboxError as exc:
                results[kind] = f"lost: {exc}"

        racers = [threading.Thread(target=decide, args=(kind,)) for kind in ("approve", "reject", "approve2")]
        for racer in racers:
            racer.start()
        for racer in racers:
            racer.join(timeout=60)
        winners = [kind for kind, result in results.items() if result == "won"]
        assert len(winners) == 1, (attempt, results)
        status = records.get_approval(desk.engine, item.id).status
        cancelled = export_tau2_db(desk.engine)["orders"]["#D1001"]["status"] == "cancelled"
        expected = ("approved", True) if winners[0].startswith("approve") else ("rejected", False)
        assert (status, cancelled) == expected, (winners, status, cancelled)


def test_only_an_operator_moves_a_thread_to_another_customer_and_it_is_logged(make_desk) -> None:
    grade_pass = {"verdict": "pass"}
    ben_login = {"tool_calls": [{"name": "find_user_id_by_email", "args": {"email": "ben.ortiz@example.com"}}]}
    desk = make_desk(
        [
            steps(customer_service=[LOGIN, "Hi Ava."], grader=[grade_pass]),
            steps(customer_service=[ben_login, "I can't switch accounts here."], grader=[grade_pass]),
            steps(customer_service=["Hi Ben, how can I help?"], grader=[grade_pass]),
        ]
    )
    desk.say("I'm ava.chen@example.com")
    desk.say("actually I'm ben.ortiz@example.com", turn=1)
    config = {"configurable": {"thread_id": "t1"}}
    assert desk.graph.get_state(config).values["customer_id"] == "ava_chen_1001"  # the model could not switch
    for bad, message in [
        ("nobody_9999", "no customer 'nobody_9999'"),
        ("ava_chen_1001", "already belongs to ava_chen_1001"),
    ]:
        with pytest.raises(InboxError, match=message):
            desk.inbox.switch_customer("t1", bad, reason="verified by phone", operator="maya")
    with pytest.raises(InboxError, match="say why"):
        desk.inbox.switch_customer("t1", "ben_ortiz_1002", reason="  ", operator="maya")
    with pytest.raises(InboxError, match="no thread 'nope'"):
        desk.inbox.switch_customer("nope", "ben_ortiz_1002", reason="verified by phone")
    values = desk.inbox.switch_customer("t1", "ben_ortiz_1002", reason="verified by phone", operator="maya")
    assert values["customer_id"] == "ben_ortiz_1002" and desk.graph.get_state(config).next == ()
    [logged] = [d for d in records.decisions(desk.engine, "t1") if d.kind == "switch_customer"]
    assert (logged.operator, logged.details) == (
        "maya",
        {"from": "ava_chen_1001", "to": "ben_ortiz_1002", "reason": "verified by phone"},
    )
    desk.say("hello again", turn=2)
    assert desk.graph.get_state(config).values["messages"][-1].content == "Hi Ben, how can I help?"
    last_agent_prompt = [prompt for agent, prompt in desk.script.prompts if agent == "customer_service"][-1]
    assert "Authenticated customer: ben_ortiz_1002" in str(last_agent_prompt[-1].content)


def test_a_paused_thread_is_not_moved_to_another_customer(make_desk) -> None:
    desk = make_desk([steps(customer_service=[LOGIN, {"tool_calls": [CANCEL]}])])
    desk.graph.invoke(
        {"messages": [HumanMessage("I'm ava.chen@example.com, cancel #D1001")]}, {"configurable": {"thread_id": "t1"}}
    )
    with pytest.raises(InboxError, match="is waiting"):
        desk.inbox.switch_customer("t1", "ben_ortiz_1002", reason="verified by phone")


def test_a_clock_stepped_back_never_makes_an_item_younger_than_new(make_desk) -> None:
    """A ticket stamped ten minutes in the future (the clock stepped back since): age 0, within its SLA, never
    negative."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import update

    from frontdesk.operators.tickets import Ticket

    desk = make_desk(
        [
            steps(
                customer_service=[
                    {"tool_calls": [{"name": "transfer_to_human_agents", "args": {"summary": "wants a person"}}]}
                ]
            )
        ]
    )
    desk.say("A person, please.")
    with desk.engine.begin() as connection:
        connection.execute(update(Ticket.__table__).values(created_at=datetime.now(UTC) + timedelta(minutes=10)))  # type: ignore[arg-type]
    [item] = desk.inbox.items()
    assert item.age == timedelta(0) and not item.overdue
