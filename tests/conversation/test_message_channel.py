"""The ``messages`` channel: stored as deltas, rebuilt from them identically, small per turn.

A ``DeltaChannel`` keeps only each step's new messages in a checkpoint and rebuilds the
list by replaying them (in another process, after a crash), so the reducer must give the
same list — the same ids — however the writes are batched, and a long thread must not
write more per turn as it grows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, HumanMessage, RemoveMessage
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.checkpoint.sqlite import SqliteSaver

from frontdesk import build_graph
from frontdesk.config.settings import Settings
from frontdesk.graphs.state import add_message_batches
from frontdesk.llm.scripted import Script, ScriptedModels, ScriptedStep
from tests.support_app import agents

texts = st.sampled_from(["hi", "yes", "where is my order?", "thanks", ""])


@st.composite
def updates(draw: Any) -> list[Any]:
    """Batches of writes as nodes make them: new messages without ids, some removals of earlier ones."""
    batches: list[Any] = []
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["human", "ai", "pair", "remove"]))
        if kind == "human":
            batches.append([HumanMessage(draw(texts))])
        elif kind == "ai":
            batches.append(AIMessage(draw(texts)))
        elif kind == "pair":
            batches.append([AIMessage(draw(texts)), HumanMessage(draw(texts))])
        else:
            batches.append("remove-first")
    return batches


def replay(writes: list[Any], split: int) -> list[tuple[str, str, str]]:
    """Fold ``writes`` as two batches split at ``split`` (fresh message objects each time, as a reader in another
    process gets)."""
    fresh = [_copy(w) for w in writes]
    state: Any = []
    for batch in (fresh[:split], fresh[split:]):
        resolved = []
        for write in batch:
            if write == "remove-first":
                write = [RemoveMessage(id=str(state[0].id))] if state else []
            resolved.append(write)
            state = add_message_batches(state, [write])
    return [(m.type, str(m.content), str(m.id)) for m in state]


def _copy(write: Any) -> Any:
    if isinstance(write, list):
        return [m.model_copy() for m in write]
    return write.model_copy() if hasattr(write, "model_copy") else write


@settings(max_examples=60, deadline=None)
@given(updates(), st.data())
def test_rebuilding_the_list_gives_the_same_messages_and_ids_however_the_writes_are_batched(
    writes: list[Any], data: Any
) -> None:
    split = data.draw(st.integers(0, len(writes)))
    assert replay(writes, split) == replay(writes, len(writes))


def test_the_same_words_said_again_get_a_new_id() -> None:
    state = add_message_batches([], [[HumanMessage("yes")], [AIMessage("ok")], [HumanMessage("yes")]])
    assert len({m.id for m in state}) == 3


def test_a_long_thread_writes_no_more_per_turn_than_a_short_one(tmp_path: Path) -> None:
    """Bytes the checkpointer writes per turn stay flat as the thread grows (summarisation off)."""
    turns = 24
    script = Script(
        "growth",
        [
            {
                "customer_service": [
                    ScriptedStep(
                        text=f"Answer number {n}: your order is on its way and arrives within three business days."
                    )
                ]
            }
            for n in range(turns)
        ],
    )
    written: list[int] = []

    class Counting(JsonPlusSerializer):
        total = 0

        def dumps_typed(self, obj: Any) -> tuple[str, bytes]:
            kind, data = super().dumps_typed(obj)
            Counting.total += len(data)
            return kind, data

    with SqliteSaver.from_conn_string(str(tmp_path / "threads.sqlite")) as saver:
        saver.serde = Counting()
        graph = build_graph(
            Settings(data_dir=tmp_path, summarize_after=0),
            model=ScriptedModels(script),
            checkpointer=saver,
            agents=agents(),
            grade_replies=False,
        )
        for n in range(turns):
            script.turn = n
            before = Counting.total
            graph.invoke(
                {"messages": [HumanMessage(f"Question {n}: where is my order?")]},
                {"configurable": {"thread_id": "long"}},
                durability="sync",
            )
            written.append(Counting.total - before)
        state = graph.get_state({"configurable": {"thread_id": "long"}}).values
    assert len(state["messages"]) == 2 * turns, "the whole thread is still there"
    assert written[-1] <= 1.5 * written[1], f"turn {turns} wrote {written[-1]} bytes, turn 2 wrote {written[1]}"
