"""Running the frameworks, interleaved, and turning turn timings into the reported numbers.

Why interleaved: machine noise (another process, CPU frequency, a GC pause) drifts over
seconds; running framework after framework inside each round spreads that drift over
all of them instead of charging it to whichever ran last. Every framework first does one
untimed warm-up pass, so lazy imports and first-call caches are not counted as overhead.
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import statistics
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

from frontdesk.benchmarks import FRAMEWORKS
from frontdesk.benchmarks.model import ModelClock
from frontdesk.benchmarks.probe import BOOTSTRAP, MARKER
from frontdesk.benchmarks.tasks import BenchTask, TaskRun, load_tasks
from frontdesk.replay.environment import ReplayEnvironment


@dataclass
class LatencyResult:
    """One framework at one simulated model latency, over all tasks and repeats."""

    latency_ms: float
    runs: int = 0
    successes: int = 0
    tasks: dict[str, bool] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    turns: int = 0
    model_calls_per_turn: float = 0.0
    turn_median_ms: float = 0.0
    overhead_median_ms: float = 0.0
    overhead_p95_ms: float = 0.0

    @property
    def success(self) -> bool:
        return self.runs > 0 and self.successes == self.runs


@dataclass
class FrameworkResult:
    """Everything measured for one framework; ``status`` is ``ok``, ``not installed`` or ``error``."""

    name: str
    label: str
    status: str = "ok"
    note: str = ""
    latencies: list[LatencyResult] = field(default_factory=list)
    import_s: float | None = None
    peak_rss_mb: float | None = None


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0-100), linearly interpolated; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarize(latency_ms: float, runs: list[TaskRun]) -> LatencyResult:
    """Success and per-turn overhead statistics of ``runs`` (one framework, one latency)."""
    turns = [t for run in runs for t in run.turns]
    result = LatencyResult(
        latency_ms=latency_ms, runs=len(runs), successes=sum(r.success for r in runs), turns=len(turns)
    )
    for run in runs:
        result.tasks[run.task] = result.tasks.get(run.task, True) and run.success
        for problem in run.problems:
            line = f"{run.task}: {problem}"
            if line not in result.problems and len(result.problems) < 5:  # enough to see what broke
                result.problems.append(line)
    if turns:
        overheads = [t.overhead_s * 1000 for t in turns]
        result.model_calls_per_turn = statistics.fmean(t.model_calls for t in turns)
        result.turn_median_ms = statistics.median(t.wall_s * 1000 for t in turns)
        result.overhead_median_ms = statistics.median(overheads)
        result.overhead_p95_ms = percentile(overheads, 95)
    return result


def load_runners(names: list[str]) -> tuple[dict[str, Any], list[FrameworkResult]]:
    """The runner modules of the installed frameworks, and a result row for each one asked for.

    A framework whose extra is missing gets a ``not installed`` row instead of a crash.
    """
    runners: dict[str, Any] = {}
    rows = []
    for name in names:
        info = FRAMEWORKS[name]
        row = FrameworkResult(name=name, label=info.label)
        rows.append(row)
        missing = info.missing()
        if missing:
            row.status, row.note = "not installed", missing
            continue
        try:
            runners[name] = importlib.import_module(info.runner)
        except ImportError as exc:
            row.status, row.note = "not installed", str(exc).splitlines()[0]
    return runners, rows


def run_frameworks(
    names: list[str],
    latencies_ms: list[float],
    repeat: int,
    *,
    tasks: list[BenchTask] | None = None,
    env: ReplayEnvironment | None = None,
    on_progress: Callable[[str], None] | None = None,
) -> list[FrameworkResult]:
    """Run every task ``repeat`` times per latency on every framework, interleaved by round."""
    runners, rows = load_runners(names)
    tasks = tasks or load_tasks()
    owned = env is None
    env = env or ReplayEnvironment()
    try:
        for runner in runners.values():  # warm-up, not timed
            for task in tasks:
                runner.run_task(task, env, 0.0, ModelClock())
        for latency_ms in latencies_ms:
            runs: dict[str, list[TaskRun]] = {name: [] for name in runners}
            for round_ in range(repeat):
                if on_progress:
                    on_progress(f"latency {latency_ms:g} ms, round {round_ + 1}/{repeat}")
                for name, runner in runners.items():
                    for task in tasks:
                        runs[name].append(runner.run_task(task, env, latency_ms / 1000, ModelClock()))
            for row in rows:
                if row.name in runs:
                    row.latencies.append(summarize(latency_ms, runs[row.name]))
    finally:
        if owned:
            env.close()
    return rows


def probe(name: str, *, timeout_s: float = 300.0) -> dict[str, Any]:
    """Import time and peak RSS of ``name``, measured in a fresh interpreter."""
    info = FRAMEWORKS[name]
    command = [sys.executable, "-c", BOOTSTRAP, name, *info.imports]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s, env=dict(os.environ))
    for line in reversed(done.stdout.splitlines()):
        if line.startswith(MARKER):
            return json.loads(line[len(MARKER) :])
    tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
    raise RuntimeError(f"probe of {name} failed (exit {done.returncode}): {tail}")


def add_probes(rows: list[FrameworkResult], on_progress: Callable[[str], None] | None = None) -> None:
    """Fill in import time and peak RSS of every installed framework (one subprocess each)."""
    for row in rows:
        if row.status != "ok":
            continue
        if on_progress:
            on_progress(f"fresh-process probe: {row.label}")
        try:
            found = probe(row.name)
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            row.note = str(exc)
            continue
        row.import_s, row.peak_rss_mb = found["import_s"], found["peak_rss_mb"]


def machine_info() -> dict[str, Any]:
    """Where the numbers were measured; ratios travel between machines, absolute numbers don't."""

    versions: dict[str, str | None] = {}
    for package in ("frontdesk", "langgraph", "autogen-agentchat", "crewai"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "versions": versions,
    }
