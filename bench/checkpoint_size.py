"""Checkpoint bytes written per turn over a scripted 100-turn conversation.

Compares the same conversation with summarisation off and on (real SqliteSaver, real
graph, scripted model). Bytes are counted at the saver's serializer, i.e. exactly what is
written for each turn's checkpoints and pending writes. Prints turn 1, 10 and 100, each
run's ratio of turn 100 to turn 1 (target <= 2) and writes bench/results/checkpoint_size.json.

    python bench/checkpoint_size.py [--turns 100]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from langchain_core.messages import HumanMessage
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.checkpoint.sqlite import SqliteSaver

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from frontdesk import build_graph
from frontdesk.config.settings import Settings
from frontdesk.graphs.state import MESSAGES_SNAPSHOT_EVERY
from frontdesk.llm.scripted import Script, ScriptedModels, ScriptedStep
from tests.support_app import agents

RESULTS = Path(__file__).resolve().parents[1] / "bench" / "results"


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
                    {"tool_calls": [{"name": "whoami"}]}
                    if n
                    else {"tool_calls": [{"name": "login", "args": {"email": "ava@example.com"}}]}
                ),
                ScriptedStep(
                    text=f"Here is my answer number {n}: your order is on its way and should arrive within three "
                    "business days."
                ),
            ],
            "summarizer": [
                ScriptedStep(text=f"Ava (authenticated) asked {n} questions about her orders; all were answered.")
            ],
        }
        script_turns.append(steps)
    script = Script("checkpoint-size", script_turns)
    serde = CountingSerializer()
    per_turn = []
    with tempfile.TemporaryDirectory() as tmp, SqliteSaver.from_conn_string(str(Path(tmp) / "threads.sqlite")) as saver:
        saver.serde = serde
        settings = Settings(summarize_after=summarize_after, keep_messages=12)
        graph = build_graph(
            settings, model=ScriptedModels(script), checkpointer=saver, agents=agents(), grade_replies=False
        )
        config = {"configurable": {"thread_id": "bench"}}
        for n in range(turns):
            script.turn = n
            before = serde.bytes
            graph.invoke(
                {"messages": [HumanMessage(f"Question {n}: where is my order? I'm ava@example.com")]},
                config,
                durability="sync",
            )
            per_turn.append(serde.bytes - before)
    return per_turn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=100)
    args = parser.parse_args()
    runs = {
        "no summary": conversation(args.turns, summarize_after=0),
        "summarised": conversation(args.turns, summarize_after=40),
    }
    marks = [t for t in (1, 10, args.turns) if t <= args.turns]
    print(f"{'turn':>6} " + " ".join(f"{name + ' (bytes)':>20}" for name in runs))
    for turn in marks:
        print(f"{turn:>6} " + " ".join(f"{per_turn[turn - 1]:>20,}" for per_turn in runs.values()))
    summary: dict[str, dict[str, float]] = {}
    for name, per_turn in runs.items():
        last = per_turn[-10:]
        summary[name] = {
            "turn_1": per_turn[0],
            f"turn_{args.turns}": per_turn[-1],
            "ratio_last_to_first": per_turn[-1] / per_turn[0],
            "ratio_mean_last_10_to_first": sum(last) / len(last) / per_turn[0],
            "ratio_max_to_first": max(per_turn) / per_turn[0],
            "total": sum(per_turn),
        }
        print(
            f"{name}: turn {args.turns} / turn 1 = {summary[name]['ratio_last_to_first']:.2f} (target <= 2), "
            f"mean of the last 10 turns / turn 1 = {summary[name]['ratio_mean_last_10_to_first']:.2f}, "
            f"largest turn / turn 1 = {summary[name]['ratio_max_to_first']:.2f} (a full copy of the list every "
            f"{MESSAGES_SNAPSHOT_EVERY} updates)"
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "checkpoint_size.json").write_text(
        json.dumps({"turns": args.turns, "runs": summary}, indent=2), encoding="utf-8"
    )


if __name__ == "__main__":
    main()
