"""bench/load.py's rate while every conversation is in flight: the ramp and the drain left out."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def _load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("load_bench", ROOT / "bench" / "load.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("load_bench", module)
    spec.loader.exec_module(module)
    return module


def test_a_slow_drain_does_not_count_against_the_rate_the_server_kept() -> None:
    steady_rate = _load_bench().steady_rate
    kept = [i / 100 for i in range(900)]  # 100 turns/s for 9 s
    drain = [9 + i for i in range(1, 101)]  # then one turn a second while the last conversations finish
    finished = kept + drain
    whole_run = len(finished) / max(finished)
    assert whole_run < 10
    assert abs(steady_rate(finished) - 100) < 1


def test_too_few_turns_give_no_rate() -> None:
    steady_rate = _load_bench().steady_rate
    assert steady_rate([]) is None
    assert steady_rate([5.0] * 20) is None  # all at one instant: no time to divide by
