"""Framework time per turn, frontdesk's full graph against bare LangGraph, rounds interleaved.

The quick form of `frontdesk bench`'s first column: the same four tasks, a scripted model
with no latency, both runners in one process taking turns round by round, so a machine
whose speed drifts (this one's does, by ±20 % over a day) slows both alike. Prints each
runner's median overhead per turn and the ratio:

    python bench/turn_ratio.py --rounds 15
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from frontdesk.benchmarks.measure import load_runners
from frontdesk.benchmarks.model import ModelClock
from frontdesk.benchmarks.tasks import load_tasks
from frontdesk.replay.environment import ReplayEnvironment

RUNNERS = ("frontdesk", "langgraph")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    options = parser.parse_args()
    runners, _rows = load_runners(list(RUNNERS))
    tasks = load_tasks()
    overheads: dict[str, list[float]] = {name: [] for name in RUNNERS}
    with ReplayEnvironment() as env:
        for task in tasks:  # warm-up: imports and first-call caches
            for name in RUNNERS:
                runners[name].run_task(task, env, 0.0, ModelClock())
        for _ in range(options.rounds):
            for name in RUNNERS:
                for task in tasks:
                    run = runners[name].run_task(task, env, 0.0, ModelClock())
                    if not run.success:
                        raise SystemExit(f"{name} failed {task.name}: {run.problems}")
                    overheads[name] += [turn.wall_s - turn.model_s for turn in run.turns]
    baseline = statistics.median(overheads["langgraph"])
    for name in RUNNERS:
        median = statistics.median(overheads[name])
        print(f"{name:10} {median * 1000:6.2f} ms per turn  ×{median / baseline:.2f}  ({len(overheads[name])} turns)")


if __name__ == "__main__":
    main()
