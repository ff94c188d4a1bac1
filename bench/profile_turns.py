"""Where frontdesk's time per turn goes: the bench's four tasks replayed under a profiler.

Runs the `frontdesk bench` frontdesk runner (full graph, SQLite checkpoints, scripted model
with no latency) ``--rounds`` times after one warm-up round. Run it under py-spy and read
the samples inside ``_play_turn`` (the timed part of a turn):

    py-spy record -r 500 -f raw -o turns.txt -- python bench/profile_turns.py --rounds 40
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from frontdesk.benchmarks.measure import load_runners
from frontdesk.benchmarks.model import ModelClock
from frontdesk.benchmarks.tasks import load_tasks
from frontdesk.replay.environment import ReplayEnvironment


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--framework", default="frontdesk", help="frontdesk or langgraph (the baseline)")
    options = parser.parse_args()
    runners, _rows = load_runners([options.framework])
    runner = runners[options.framework]
    tasks = load_tasks()
    with ReplayEnvironment() as env:
        for task in tasks:  # warm-up: imports and first-call caches
            runner.run_task(task, env, 0.0, ModelClock())
        started = time.perf_counter()
        for _ in range(options.rounds):
            for task in tasks:
                runner.run_task(task, env, 0.0, ModelClock())
        print(
            f"{options.framework}: {(time.perf_counter() - started) / options.rounds * 1000:.0f} ms per round of "
            f"{len(tasks)} tasks"
        )


if __name__ == "__main__":
    main()
