"""A process killed after a step's results are saved but before the step's checkpoint.

LangGraph saves each finished task's writes at once and the step's checkpoint when the step
ends. Killed in between, the thread shows no next node, only a finished task. The customer's
next message must first finish that run from the saved results (the tool is not called
again), never start on top of it: that dropped the tool's result and the login with it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import AIMessage, BaseMessage, ToolMessage
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from frontdesk import Conversation, build_graph
from frontdesk.domains.database import open_domain_db
from frontdesk.llm.scripted import Script, ScriptedModels, ScriptedStep

LOGIN = {"tool_calls": [{"name": "find_user_id_by_email", "args": {"email": "ava.chen@example.com"}}]}
SIGNED_IN, HELP = "Hi Ava, you are signed in.", "How can I help?"


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs, nothing catches it."""


def holds_tool_result(writes: Any) -> bool:
    return any(isinstance(value, list) and any(isinstance(m, ToolMessage) for m in value) for _channel, value in writes)


class KilledAfterToolStep(SqliteSaver):
    """A real SQLite saver; the process "dies" at the checkpoint following the tool step's saved results."""

    armed = True
    results_saved = False

    def put_writes(self, config: Any, writes: Any, task_id: str, task_path: str = "") -> None:
        self.results_saved = self.results_saved or (self.armed and holds_tool_result(writes))
        super().put_writes(config, writes, task_id, task_path)

    def put(self, config: Any, checkpoint: Any, metadata: Any, new_versions: Any) -> Any:
        if self.results_saved:
            self.armed = self.results_saved = False
            raise Killed
        return super().put(config, checkpoint, metadata, new_versions)


class AsyncKilledAfterToolStep(AsyncSqliteSaver):
    """The same on the server's async path."""

    armed = True
    results_saved = False

    async def aput_writes(self, config: Any, writes: Any, task_id: str, task_path: str = "") -> None:
        self.results_saved = self.results_saved or (self.armed and holds_tool_result(writes))
        await super().aput_writes(config, writes, task_id, task_path)

    async def aput(self, config: Any, checkpoint: Any, metadata: Any, new_versions: Any) -> Any:
        if self.results_saved:
            self.armed = self.results_saved = False
            raise Killed
        return await super().aput(config, checkpoint, metadata, new_versions)


@pytest.fixture
def script() -> Script:
    agent = [ScriptedStep.model_validate(step) for step in [LOGIN, SIGNED_IN, HELP]]
    return Script(
        "killed between steps",
        [{"customer_service": agent, "grader": [ScriptedStep.model_validate({"verdict": "pass"})] * 2}],
    )


def check(messages: list[BaseMessage], script: Script) -> None:
    kinds = [(type(m).__name__, str(m.content)) for m in messages]
    assert kinds == [
        ("HumanMessage", "I'm ava.chen@example.com"),
        ("AIMessage", ""),
        ("ToolMessage", "ava_chen_1001"),
        ("AIMessage", SIGNED_IN),
        ("HumanMessage", "thanks"),
        ("AIMessage", HELP),
    ], kinds
    assert isinstance(messages[1], AIMessage) and messages[1].tool_calls[0]["id"] == messages[2].tool_call_id  # type: ignore[union-attr]


def drain(events: Iterator[Any]) -> None:
    for _event in events:
        pass


def test_the_next_message_finishes_the_killed_run_first(tmp_path: Path, script: Script) -> None:
    engine = open_domain_db(f"sqlite:///{tmp_path / 'domain.sqlite'}", seed_demo=True)
    config: Any = {"configurable": {"thread_id": "t"}}
    with SqliteSaver.from_conn_string(str(tmp_path / "threads.sqlite")) as plain:
        graph = build_graph(model=ScriptedModels(script), checkpointer=KilledAfterToolStep(plain.conn), engine=engine)
        with pytest.raises(Killed):
            drain(Conversation(graph, "t").send("I'm ava.chen@example.com"))
        left = graph.get_state(config)
        assert not left.next and [t.name for t in left.tasks] == ["tools"], (
            "killed in the window: a finished task, no next node"
        )
        drain(Conversation(graph, "t").send("thanks"))
        values = graph.get_state(config).values
    engine.dispose()
    check(values["messages"], script)
    assert values["customer_id"] == "ava_chen_1001", "the login the tool made is kept"


def test_the_servers_next_message_finishes_the_killed_run_first(tmp_path: Path, script: Script) -> None:
    engine = open_domain_db(f"sqlite:///{tmp_path / 'domain.sqlite'}", seed_demo=True)
    config: Any = {"configurable": {"thread_id": "t"}}

    async def scenario() -> dict[str, Any]:
        async with AsyncSqliteSaver.from_conn_string(str(tmp_path / "threads.sqlite")) as plain:
            graph = build_graph(
                model=ScriptedModels(script), checkpointer=AsyncKilledAfterToolStep(plain.conn), engine=engine
            )
            conversation = Conversation(graph, "t")  # what the server sends each message through
            with pytest.raises(Killed):
                async for _event in conversation.asend("I'm ava.chen@example.com"):
                    pass
            async for _event in conversation.asend("thanks"):
                pass
            return dict((await graph.aget_state(config)).values)

    values = asyncio.run(scenario())
    engine.dispose()
    check(values["messages"], script)
    assert values["customer_id"] == "ava_chen_1001"
