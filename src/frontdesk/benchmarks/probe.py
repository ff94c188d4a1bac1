"""The fresh-process half of the import-time and peak-RSS measurement.

Why a fresh process per framework: import time is only meaningful cold (a second import
is a dict lookup), and peak RSS is a per-process high-water mark that cannot go down —
measured in the benchmark's own process, whichever framework ran first would be charged
for all of them. :data:`BOOTSTRAP` (stdlib only) times the framework's imports before
anything else is loaded; :func:`finish` then runs the four tasks once and reports.
"""

from __future__ import annotations

import importlib
import json
import resource
import sys

MARKER = "FRONTDESK-BENCH-PROBE "

BOOTSTRAP = """
import importlib, sys, time
started = time.perf_counter()
for module in sys.argv[2:]:
    importlib.import_module(module)
import_s = time.perf_counter() - started
from frontdesk.benchmarks.probe import finish
finish(sys.argv[1], import_s)
"""
"""Run as ``python -c BOOTSTRAP <framework> <module>...``."""


def peak_rss_mb() -> float:
    """This process's peak resident set size in MiB.

    On Linux the high-water mark of ``/proc/self/status`` (``VmHWM``): ``ru_maxrss`` would
    be wrong here, because Linux carries it over from the parent through fork and exec, so
    a probe started by a 400 MiB benchmark would report at least 400 MiB whatever it did.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def finish(name: str, import_s: float) -> None:
    """Run the four tasks once on ``name`` and print one marked JSON line with the numbers."""
    from frontdesk.benchmarks import FRAMEWORKS
    from frontdesk.benchmarks.model import ModelClock
    from frontdesk.benchmarks.tasks import load_tasks
    from frontdesk.replay.environment import ReplayEnvironment

    runner = importlib.import_module(FRAMEWORKS[name].runner)
    with ReplayEnvironment() as env:
        runs = [runner.run_task(task, env, 0.0, ModelClock()) for task in load_tasks()]
    report = {
        "framework": name,
        "import_s": import_s,
        "peak_rss_mb": peak_rss_mb(),
        "success": all(r.success for r in runs),
    }
    print(MARKER + json.dumps(report), flush=True)
