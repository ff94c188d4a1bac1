"""The server's turn reads the thread's checkpoint once besides the run's own, and ends with what a read gives.

The server used to read a thread's checkpoint three times per message: to see whether it
was waiting (under the thread's lock), again at the start of the turn, and once more after
it for the reply. Each read is a database round trip and a rebuild of the message history.
Now ``Conversation.prepare`` reads it once under the lock, the turn starts from that state,
and ``PreparedTurn.astream`` ends with a ``TurnDone`` built from the run's own last state
(``TurnState``). These tests hold the end to what a read gives, for a reply after tools, a
pause for the customer's confirmation, and a message the thread does not take because it
is waiting.
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

from frontdesk import (
    Confirmation,
    Conversation,
    NotTaken,
    Script,
    ScriptedModels,
    ScriptedStep,
    Settings,
    TurnDone,
    build_graph,
)
from frontdesk.conversation import ConversationEvent
from frontdesk.graphs.events import Waiting
from frontdesk.replay.environment import ReplayEnvironment
from frontdesk.runtime import RunContext


class CountingSaver(InMemorySaver):
    """An in-memory saver that counts checkpoint reads: the server's under the lock (from a worker
    thread) and the run's on the loop (``aget_tuple`` reads through ``get_tuple``)."""

    reads = 0

    def get_tuple(self, config: RunnableConfig) -> Any:
        self.reads += 1
        return super().get_tuple(config)


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
            {
                "customer_service": steps(
                    {
                        "tool_calls": [
                            {
                                "name": "cancel_pending_order",
                                "args": {"order_id": "#D1001", "reason": "no longer needed"},
                            }
                        ]
                    }
                )
            },
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
        graph = build_graph(
            settings,
            model=ScriptedModels(script),
            checkpointer=saver,
            engine=engine,
            knowledge=env.knowledge,
            context=context,
        )
        yield graph, saver, context, script
        engine.dispose()


def message(
    graph: Any, saver: CountingSaver, context: RunContext, text: str, config: RunnableConfig
) -> tuple[list[ConversationEvent], int, dict[str, Any]]:
    """Send ``text`` as the server does; the events, the checkpoint reads the message made, and a fresh read after."""
    conversation = Conversation(graph, config["configurable"]["thread_id"], context=context)

    async def run() -> tuple[list[ConversationEvent], int, dict[str, Any]]:
        before = saver.reads
        prepared = await asyncio.to_thread(conversation.prepare, text)  # the server's read under the thread's lock
        events = [prepared] if isinstance(prepared, NotTaken) else [event async for event in prepared.astream()]
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
    assert isinstance(events[-1], TurnDone)
    assert not any(isinstance(e, TurnDone) for e in events[:-1])
    assert texts(read_back)[-1] == ("ai", "Your order #D1002 was delivered.") == ("ai", events[-1].reply)
    assert events[-1].pending is None and read_back["customer_id"] is not None
    assert reads == 2, (
        "one read under the lock, and the run's own: the turn started from the first, and ended on the run's last state"
    )

    script.turn = 1
    events, _reads, read_back = message(graph, saver, context, "Please cancel #D1001.", config)
    assert any(isinstance(e, Waiting) and e.kind == "confirmation" for e in events)
    assert (
        isinstance(events[-1], TurnDone) and isinstance(events[-1].pending, Confirmation) and events[-1].reply is None
    )
    assert texts(read_back)[-2:][0] == ("human", "Please cancel #D1001.")


def test_a_message_the_waiting_thread_does_not_take_ends_with_the_state_without_it(
    support: tuple[Any, CountingSaver, RunContext, Script],
) -> None:
    graph, saver, context, script = support
    config: RunnableConfig = {"configurable": {"thread_id": "t-waiting"}}
    graph.invoke({"messages": [HumanMessage("Hi, I'm ava.chen@example.com: where is #D1002?")]}, config)
    script.turn = 1
    paused = graph.invoke({"messages": [HumanMessage("Please cancel #D1001.")]}, config)
    assert paused["__interrupt__"][0].value["type"] == "confirmation"
    events, reads, read_back = message(graph, saver, context, "and what about my other order?", config)
    assert [type(e) for e in events] == [NotTaken] and events[0].reason == "awaiting_confirmation"  # type: ignore[union-attr]
    assert "and what about my other order?" not in [text for _kind, text in texts(read_back)]
    assert reads == 1, "the read under the lock only: nothing ran"
