"""Framework time per turn, frontdesk's full graph against bare LangGraph, rounds interleaved.

The quick form of `frontdesk bench`'s first column: the same four tasks, a scripted model
with no latency, both runners in one process taking turns round by round, so a machine
whose speed drifts (this one's does, by ±20 % over a day) slows both alike. Prints each
runner's median overhead per turn and the ratio to bare LangGraph; a third row runs the bare
graph with frontdesk's durable checkpoints (the same SQLite saver, ``durability="sync"``),
which shows how much of the gap is that saver alone:

    python bench/turn_ratio.py --rounds 15
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from frontdesk.benchmarks import langgraph_runner
from frontdesk.benchmarks.measure import load_runners
from frontdesk.benchmarks.model import ModelClock
from frontdesk.benchmarks.tasks import load_tasks
from frontdesk.replay.environment import ReplayEnvironment

RUNNERS = ("frontdesk", "langgraph")
DURABLE = "langgraph on frontdesk's saver"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    options = parser.parse_args()
    runners, _rows = load_runners(list(RUNNERS))
    tasks = load_tasks()
    overheads: dict[str, list[float]] = {name: [] for name in (*RUNNERS, DURABLE)}

    def run(name: str, task: Any) -> Any:
        if name == DURABLE:
            return langgraph_runner.run_task(task, env, 0.0, ModelClock(), durable=True)
        return runners[name].run_task(task, env, 0.0, ModelClock())

    with ReplayEnvironment() as env:
        for task in tasks:  # warm-up: imports and first-call caches
            for name in overheads:
                run(name, task)
        for _ in range(options.rounds):
            for name in overheads:
                for task in tasks:
                    outcome = run(name, task)
                    if not outcome.success:
                        raise SystemExit(f"{name} failed {task.name}: {outcome.problems}")
                    overheads[name] += [turn.wall_s - turn.model_s for turn in outcome.turns]
    baseline = statistics.median(overheads["langgraph"])
    for name in overheads:
        median = statistics.median(overheads[name])
        print(f"{name:32} {median * 1000:6.2f} ms per turn  ×{median / baseline:.2f}  ({len(overheads[name])} turns)")
    durable = statistics.median(overheads[DURABLE])
    print(
        "frontdesk against bare LangGraph on the same durable saver: "
        f"×{statistics.median(overheads['frontdesk']) / durable:.2f}"
    )


if __name__ == "__main__":
    main()
