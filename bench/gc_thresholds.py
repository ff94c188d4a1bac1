"""1,000 concurrent conversations with Python's garbage-collector thresholds and with `frontdesk serve`'s.

The concurrency bench (one process, the async path, a 0.5 s scripted model, the event loop's
default thread pool for the nodes without a coroutine form, as the server has), run alternately
with the interpreter's thresholds (700, 10, 10) and the server's (``SERVER_GC_THRESHOLDS``),
so a machine whose speed drifts slows both alike. Prints turns/s, p95, the collector's own
time (``gc.callbacks``) and the full collections of each run, then the ratio of the medians:

    python bench/gc_thresholds.py --conversations 1000 --rounds 2
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from frontdesk.benchmarks.concurrency import run_concurrency
from frontdesk.config.settings import SERVER_GC_THRESHOLDS

PYTHONS = (700, 10, 10)


class CollectorClock:
    """Seconds the collector ran, and how many full (generation 2) collections, while installed."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.full = 0
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            return
        self.seconds += time.perf_counter() - self._started
        self.full += info["generation"] == 2


def one_run(conversations: int, thresholds: tuple[int, int, int]) -> tuple[float, float, float, int]:
    clock = CollectorClock()
    gc.callbacks.append(clock)
    try:
        with tempfile.TemporaryDirectory() as workdir:
            result = asyncio.run(
                run_concurrency(conversations, 500.0, Path(workdir), threads=0, gc_thresholds=thresholds)
            )
    finally:
        gc.callbacks.remove(clock)
    if result.succeeded != conversations:
        raise SystemExit(f"{result.succeeded}/{conversations} conversations finished: {result.errors}")
    return result.throughput, result.p95_ms, clock.seconds, clock.full


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2)
    options = parser.parse_args()
    throughputs: dict[str, list[float]] = {"python": [], "server": []}
    for _ in range(options.rounds):
        for name, thresholds in (("python", PYTHONS), ("server", SERVER_GC_THRESHOLDS)):
            rate, p95, collecting, full = one_run(options.conversations, thresholds)
            throughputs[name].append(rate)
            print(
                f"{name:6} {thresholds}: {rate:5.1f} turns/s  p95 {p95 / 1000:5.1f} s  collector {collecting:5.2f} s  "
                f"full collections {full}",
                flush=True,
            )
    ratio = statistics.median(throughputs["server"]) / statistics.median(throughputs["python"])
    print(
        f"server's thresholds against Python's: ×{ratio:.2f} turns/s ({options.conversations} conversations, medians "
        f"of {options.rounds})"
    )


if __name__ == "__main__":
    main()
