"""Tracing overhead: the shipped scenario suite replayed with tracing off vs on (DuckDB store).

Both variants run in this process, interleaved round by round so machine noise hits both
alike; the ratio (on / off) of the median suite time is the number to watch (target ≤ 1.05).

    python bench/tracing_overhead.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from frontdesk.replay.environment import ReplayEnvironment
from frontdesk.replay.loader import discover, load_scenario
from frontdesk.replay.runner import run_scenario
from frontdesk.tracing.setup import configure_tracing

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def suite_seconds(traced: bool, workdir: Path) -> float:
    scenarios = [(p, load_scenario(p)) for p in discover([SCENARIOS])]
    tracing = configure_tracing(duckdb_path=workdir / "traces.duckdb" if traced else None)
    with ReplayEnvironment(tracer=tracing.tracer, meter=tracing.meter) as env:
        start = time.perf_counter()
        for path, scenario in scenarios:
            result = run_scenario(scenario, path, env)
            assert result.passed, result.failures
        elapsed = time.perf_counter() - start
    tracing.shutdown()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    off, on = [], []
    with tempfile.TemporaryDirectory() as tmp:
        suite_seconds(True, Path(tmp))  # warm imports and caches
        for n in range(args.rounds):
            off.append(suite_seconds(False, Path(tmp)))
            on.append(suite_seconds(True, Path(tmp) / str(n)))
    median_off, median_on = statistics.median(off), statistics.median(on)
    print(
        f"scenario suite, median of {args.rounds} rounds: tracing off {median_off * 1000:.0f} ms, on (DuckDB) "
        f"{median_on * 1000:.0f} ms"
    )
    print(f"overhead ratio on/off: {median_on / median_off:.3f} (target <= 1.05)")


if __name__ == "__main__":
    main()
