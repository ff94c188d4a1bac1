"""The chat's wait for an operator ends with the run the operator's answer resumed, reply included."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Annotated, Any, TypedDict

from langchain_core.messages import AIMessage, AnyMessage, ToolMessage
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.message import add_messages
from langgraph.types import Command, interrupt

from frontdesk.conversation.inbox import watch


class State(TypedDict):
    messages: Annotated[list[AnyMessage], add_messages]


def approval_gate(state: State) -> dict[str, Any]:
    decision = interrupt({"type": "approval", "approval_id": "A-1"})
    return {
        "messages": [
            ToolMessage(f"The operator {decision}.", tool_call_id="c1", name="cancel_pending_order", status="error")
        ]
    }


def reply(state: State) -> dict[str, Any]:
    return {"messages": [AIMessage("Sorry, the cancellation was declined.", name="customer_service")]}


class HeldSaver(SqliteSaver):
    """A real SQLite saver whose next checkpoint write waits until the test lets it go.

    That holds the run between "the resumed step's task has finished and its writes are
    saved" and "the step's checkpoint is written": the moment another process's poll can
    land in on a busy machine.
    """

    def __init__(self, conn: Any) -> None:
        super().__init__(conn)
        self.armed = False
        self.reached = threading.Event()
        self.release = threading.Event()

    def put(self, config: Any, checkpoint: Any, metadata: Any, new_versions: Any) -> Any:
        if self.armed:
            self.armed = False
            self.reached.set()
            self.release.wait(30)
        return super().put(config, checkpoint, metadata, new_versions)


def test_watch_waits_for_the_reply_the_operators_answer_resumed(tmp_path: Path) -> None:
    with SqliteSaver.from_conn_string(str(tmp_path / "threads.sqlite")) as plain:
        saver = HeldSaver(plain.conn)
        builder = StateGraph(State)
        builder.add_node("approval_gate", approval_gate)
        builder.add_node("reply", reply)
        builder.add_edge(START, "approval_gate")
        builder.add_edge("approval_gate", "reply")
        builder.add_edge("reply", END)
        graph = builder.compile(checkpointer=saver)
        config: Any = {"configurable": {"thread_id": "t1"}}
        graph.invoke({"messages": []}, config, durability="sync")
        assert graph.get_state(config).interrupts, "the thread waits for the operator"

        saver.armed = True
        operator = threading.Thread(
            target=graph.invoke, args=(Command(resume="rejected it"), config), kwargs={"durability": "sync"}
        )
        operator.start()
        assert saver.reached.wait(30), "the resumed run got to its checkpoint write"
        # the step's writes are stored on another of the saver's threads: they land in a moment
        deadline = time.monotonic() + 15
        mid_run = graph.get_state(config)
        while (mid_run.interrupts or mid_run.next) and time.monotonic() < deadline:
            time.sleep(0.05)
            mid_run = graph.get_state(config)
        assert not mid_run.interrupts and not mid_run.next, "the window: no pause, no next node"

        watched: list[Any] = []
        waiter = threading.Thread(target=lambda: watched.append(watch(graph, "t1", poll_s=0.01)))
        waiter.start()
        waiter.join(0.5)
        still_waiting = waiter.is_alive()
        saver.release.set()
        operator.join(30)
        waiter.join(30)

    assert still_waiting, "watch returned while the operator's run was still writing"
    contents = [str(m.content) for m in watched[0].values["messages"]]
    assert contents == ["The operator rejected it.", "Sorry, the cancellation was declined."]
