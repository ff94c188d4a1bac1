"""Worker-process side of ``frontdesk replay --jobs N``: one environment per process."""

from __future__ import annotations

import atexit
import os
from pathlib import Path
from typing import Any

from frontdesk.replay.environment import ReplayEnvironment
from frontdesk.replay.loader import load_scenario
from frontdesk.replay.runner import run_scenario
from frontdesk.tracing.setup import configure_tracing

_env: Any = None
_tracing: Any = None


def init_worker(traces: str | None) -> None:
    """Build this process's replay environment (and trace file: ``<name>.<pid>.duckdb``)."""
    global _env, _tracing

    path = Path(traces).with_suffix(f".{os.getpid()}.duckdb") if traces else None
    _tracing = configure_tracing(duckdb_path=path)
    _env = ReplayEnvironment(tracer=_tracing.tracer, meter=_tracing.meter)
    atexit.register(_env.close)
    atexit.register(_tracing.shutdown)


def replay_one(path: str) -> Any:

    scenario_path = Path(path)
    return run_scenario(load_scenario(scenario_path), scenario_path, _env)
