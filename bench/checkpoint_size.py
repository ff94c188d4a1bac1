"""Checkpoint bytes written per turn over a scripted 100-turn conversation.

Compares the same conversation with summarisation off and on (real SqliteSaver, real
graph, scripted model). Bytes are counted at the saver's serializer, i.e. exactly what is
written for each turn's checkpoints and pending writes. Prints turn 1, 10 and 100 and the
ratio of the two runs at turn 100.

    python bench/checkpoint_size.py [--turns 100]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from langchain_core.messages import HumanMessage
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.checkpoint.sqlite import SqliteSaver

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from frontdesk import build_graph
from frontdesk.llm.scripted import Script, ScriptedModels, ScriptedStep
from frontdesk.settings import Settings
from tests.core.support_app import agents


class CountingSerializer(JsonPlusSerializer):
    """The saver's own serializer, counting the bytes it produces."""

    def __init__(self) -> None:
        super().__init__()
        self.bytes = 0

    def dumps_typed(self, obj: Any) -> tuple[str, bytes]:
        kind, data = super().dumps_typed(obj)
        self.bytes += len(data)
        return kind, data


def conversation(turns: int, summarize_after: int) -> list[int]:
    """Bytes written per turn for a ``turns``-turn conversation."""
    script_turns = []
    for n in range(turns):
        steps = {
            "customer_service": [
                ScriptedStep.model_validate(
                    {"tool_calls": [{"name": "whoami"}]} if n else {"tool_calls": [{"name": "login", "args": {"email": "ava@example.com"}}]}
                ),
                ScriptedStep(text=f"Here is my answer number {n}: your order is on its way and should arrive within three business days."),
            ],
            "summarizer": [ScriptedStep(text=f"Ava (authenticated) asked {n} questions about her orders; all were answered.")],
        }
        script_turns.append(steps)
    script = Script("checkpoint-size", script_turns)
    serde = CountingSerializer()
    per_turn = []
    with tempfile.TemporaryDirectory() as tmp, SqliteSaver.from_conn_string(str(Path(tmp) / "threads.sqlite")) as saver:
        saver.serde = serde
        settings = Settings(summarize_after=summarize_after, keep_messages=12)
        graph = build_graph(settings, model=ScriptedModels(script), checkpointer=saver, agents=agents(), grade_replies=False)
        config = {"configurable": {"thread_id": "bench"}}
        for n in range(turns):
            script.turn = n
            before = serde.bytes
            graph.invoke({"messages": [HumanMessage(f"Question {n}: where is my order? I'm ava@example.com")]}, config, durability="sync")
            per_turn.append(serde.bytes - before)
    return per_turn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=100)
    args = parser.parse_args()
    unbounded = conversation(args.turns, summarize_after=0)
    bounded = conversation(args.turns, summarize_after=40)
    marks = [t for t in (1, 10, args.turns) if t <= args.turns]
    print(f"{'turn':>6} {'no summary (bytes)':>20} {'summarised (bytes)':>20} {'ratio':>7}")
    for turn in marks:
        a, b = unbounded[turn - 1], bounded[turn - 1]
        print(f"{turn:>6} {a:>20,} {b:>20,} {b / a:>7.2f}")
    print(f"total  {sum(unbounded):>20,} {sum(bounded):>20,} {sum(bounded) / sum(unbounded):>7.2f}")


if __name__ == "__main__":
    main()
