"""A turn's last event can be the thread's state, so a server answering a message need not read it back.

The server used to read a thread's checkpoint three times per message: to see whether it
was waiting (under the thread's lock), again at the start of the turn, and once more after
it for the reply. Each read is a database round trip and a rebuild of the message history.
Now the turn starts from the state read under the lock and ends with a ``TurnState`` event:
one read besides the run's own. These tests hold the event to what a read gives, for a
reply after tools, a pause for the customer's confirmation, and a message the thread does
not take because it is waiting.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import HumanMessage
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.memory import InMemorySaver

from frontdesk import Script, ScriptedModels, ScriptedStep, Settings, build_graph
from frontdesk.graphs.events import TurnEvent, TurnState, Waiting, astream_message
from frontdesk.replay.environment import ReplayEnvironment
from frontdesk.runtime import RunContext


class CountingSaver(InMemorySaver):
    """An in-memory saver that counts checkpoint reads."""

    reads = 0

    async def aget_tuple(self, config: RunnableConfig) -> Any:
        self.reads += 1
        return await super().aget_tuple(config)


def steps(*items: Any) -> list[ScriptedStep]:
    return [ScriptedStep.model_validate(item) for item in items]


def conversation() -> Script:
    """Turn 1: look the order up and answer; turn 2: a cancel, which waits for the customer's yes/no."""
    return Script(
        "turn-state",
        [
            {
                "customer_service": steps(
                    {"tool_calls": [{"name": "find_user_id_by_email", "args": {"email": "ava.chen@example.com"}}]},
                    {"tool_calls": [{"name": "get_order_details", "args": {"order_id": "#D1002"}}]},
                    "Your order #D1002 was delivered.",
                )
            },
            {"customer_service": steps({"tool_calls": [{"name": "cancel_pending_order", "args": {"order_id": "#D1001", "reason": "no longer needed"}}]})},
        ],
    )


@pytest.fixture
def support(tmp_path: Path) -> Iterator[tuple[Any, CountingSaver, RunContext, Script]]:
    with ReplayEnvironment() as env:
        engine = env.fresh_domain_db("turn-state")
        saver = CountingSaver()
        context = RunContext(engine=engine, knowledge=env.knowledge)
        settings = Settings(data_dir=tmp_path, grade_replies=False, confirm_writes=True)
        script = conversation()
        graph = build_graph(settings, model=ScriptedModels(script), checkpointer=saver, engine=engine, knowledge=env.knowledge, context=context)
        yield graph, saver, context, script
        engine.dispose()


def message(graph: Any, saver: CountingSaver, context: RunContext, text: str, config: RunnableConfig) -> tuple[list[TurnEvent], int, dict[str, Any]]:
    """Send ``text`` as the server does; the events, the checkpoint reads the turn made, and a fresh read after."""

    async def run() -> tuple[list[TurnEvent], int, dict[str, Any]]:
        snapshot = await graph.aget_state(config)  # the server's read under the thread's lock
        before = saver.reads
        events = [event async for event in astream_message(graph, text, config, context=context, snapshot=snapshot, state=True)]
        reads = saver.reads - before
        return events, reads, dict((await graph.aget_state(config)).values)

    return asyncio.run(run())


def texts(values: dict[str, Any]) -> list[tuple[str, str]]:
    return [(m.type, str(m.content)) for m in values.get("messages", [])]


def test_the_last_event_is_the_state_a_read_would_give(support: tuple[Any, CountingSaver, RunContext, Script]) -> None:
    graph, saver, context, script = support
    config: RunnableConfig = {"configurable": {"thread_id": "t-state"}}

    script.turn = 0
    events, reads, read_back = message(graph, saver, context, "Hi, I'm ava.chen@example.com: where is #D1002?", config)
    assert isinstance(events[-1], TurnState)
    assert not any(isinstance(e, TurnState) for e in events[:-1])
    assert texts(events[-1].values) == texts(read_back)
    assert texts(read_back)[-1] == ("ai", "Your order #D1002 was delivered.")
    assert events[-1].values["customer_id"] == read_back["customer_id"] is not None
    assert reads == 1, "the turn started from the state read under the lock: only the run itself read the checkpoint"

    script.turn = 1
    events, _reads, read_back = message(graph, saver, context, "Please cancel #D1001.", config)
    assert any(isinstance(e, Waiting) and e.kind == "confirmation" for e in events)
    assert isinstance(events[-1], TurnState)
    assert texts(events[-1].values) == texts(read_back)
    assert texts(read_back)[-2:][0] == ("human", "Please cancel #D1001.")


def test_a_message_the_waiting_thread_does_not_take_ends_with_the_state_without_it(support: tuple[Any, CountingSaver, RunContext, Script]) -> None:
    graph, saver, context, script = support
    config: RunnableConfig = {"configurable": {"thread_id": "t-waiting"}}
    graph.invoke({"messages": [HumanMessage("Hi, I'm ava.chen@example.com: where is #D1002?")]}, config)
    script.turn = 1
    paused = graph.invoke({"messages": [HumanMessage("Please cancel #D1001.")]}, config)
    assert paused["__interrupt__"][0].value["type"] == "confirmation"
    events, reads, read_back = message(graph, saver, context, "and what about my other order?", config)
    assert [type(e) for e in events] == [TurnState]
    assert texts(events[0].values) == texts(read_back)
    assert "and what about my other order?" not in [text for _kind, text in texts(read_back)]
    assert reads == 0
