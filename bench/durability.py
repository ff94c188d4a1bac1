"""Cost of durability="sync" (frontdesk's choice) against LangGraph's default "async".

Runs the same scripted conversation (tool call + reply per turn, real SqliteSaver file)
under each mode, interleaved, and prints the median time per turn and the ratio to
"async" measured in this run.

    python bench/durability.py [--turns 40] [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from langchain_core.messages import HumanMessage
from langgraph.checkpoint.sqlite import SqliteSaver

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from frontdesk import build_graph
from frontdesk.llm.scripted import Script, ScriptedModels, ScriptedStep
from tests.support_app import agents


def per_turn_seconds(mode: str, turns: int) -> list[float]:
    steps = [
        {
            "customer_service": [
                ScriptedStep.model_validate({"tool_calls": [{"name": "login", "args": {"email": "ava@example.com"}}]}),
                ScriptedStep(text=f"answer {n}"),
            ]
        }
        for n in range(turns)
    ]
    script = Script("durability", steps)
    times = []
    with tempfile.TemporaryDirectory() as tmp, SqliteSaver.from_conn_string(str(Path(tmp) / "threads.sqlite")) as saver:
        graph = build_graph(
            model=ScriptedModels(script), checkpointer=saver, agents=agents(), grade_replies=False, summarize_after=0
        )
        for n in range(turns):
            script.turn = n
            start = time.perf_counter()
            graph.invoke({"messages": [HumanMessage(f"q{n}")]}, {"configurable": {"thread_id": "b"}}, durability=mode)
            times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    results: dict[str, list[float]] = {"async": [], "sync": [], "exit": []}
    for _ in range(args.rounds):
        for mode in results:
            results[mode] += per_turn_seconds(mode, args.turns)
    baseline = statistics.median(results["async"])
    print(f"{'durability':>10} {'median ms/turn':>15} {'ratio to async':>15}")
    for mode, values in results.items():
        median = statistics.median(values)
        print(f"{mode:>10} {median * 1000:>15.2f} {median / baseline:>15.2f}")


if __name__ == "__main__":
    main()
