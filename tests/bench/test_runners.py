"""Every framework runner completes the four tasks with the scripted model (zero latency)."""

from __future__ import annotations

import contextlib
import importlib
import sqlite3

import pytest

from frontdesk.benchmarks import FRAMEWORKS, FrameworkInfo
from frontdesk.benchmarks.measure import load_runners, probe, run_frameworks
from frontdesk.benchmarks.model import ModelClock
from frontdesk.benchmarks.tasks import BenchTask
from frontdesk.replay.environment import ReplayEnvironment

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.mark.parametrize("name", list(FRAMEWORKS))
def test_runner_completes_the_four_tasks(name: str, env: ReplayEnvironment, tasks: list[BenchTask]) -> None:
    info = FRAMEWORKS[name]
    for module in info.requires:
        pytest.importorskip(module)
    runner = importlib.import_module(info.runner)
    for task in tasks:
        clock = ModelClock()
        run = runner.run_task(task, env, 0.0, clock)
        assert run.success, run.problems
        assert len(run.turns) == len(task.scenario.turns)
        assert all(t.model_calls >= 1 and t.model_s == 0.0 for t in run.turns)
        assert sum(t.model_calls for t in run.turns) == clock.calls


def test_run_frameworks_summarises_each_latency(env: ReplayEnvironment, tasks: list[BenchTask]) -> None:
    [row] = run_frameworks(["langgraph"], [0.0, 5.0], 1, tasks=tasks[:1], env=env)
    assert row.status == "ok" and [lat.latency_ms for lat in row.latencies] == [0.0, 5.0]
    zero, slow = row.latencies
    assert zero.success and slow.success and zero.tasks == {"lookup": True}
    assert zero.model_calls_per_turn == 3 and zero.turns == 1
    assert slow.turn_median_ms >= 15 and slow.overhead_median_ms < slow.turn_median_ms


def test_missing_extra_is_a_not_installed_row(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FrameworkInfo(
        "autogen", "AutoGen", "frontdesk.benchmarks.autogen_runner", (), ("no_such_framework_pkg",), "autogen"
    )
    monkeypatch.setitem(FRAMEWORKS, "autogen", fake)
    runners, [row] = load_runners(["autogen"])
    assert runners == {}
    assert row.status == "not installed" and "pip install 'frontdesk[autogen]'" in row.note


def test_probe_measures_import_time_and_peak_rss_in_a_fresh_process() -> None:
    found = probe("langgraph", timeout_s=120)
    assert found["success"] is True
    assert 0 < found["import_s"] < 30 and found["peak_rss_mb"] > 20


def test_bare_langgraph_on_the_durable_saver_completes_and_stores_its_threads(
    env: ReplayEnvironment, tasks: list[BenchTask]
) -> None:
    """The comparison row of bench/turn_ratio.py: the same bare graph, its threads in SQLite files."""
    from frontdesk.benchmarks import langgraph_runner

    before = set(env.workdir.glob("bench-*.sqlite"))
    for task in tasks:
        run = langgraph_runner.run_task(task, env, 0.0, ModelClock(), durable=True)
        assert run.success, run.problems
    files = set(env.workdir.glob("bench-*.sqlite")) - before
    assert len(files) == len(tasks)
    for file in files:
        with contextlib.closing(sqlite3.connect(file)) as db:
            assert db.execute("SELECT count(*) FROM checkpoints").fetchone()[0] >= 2, file
