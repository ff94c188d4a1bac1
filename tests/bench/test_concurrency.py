"""A small concurrency run: every conversation finishes and throughput is reported."""

from __future__ import annotations

import asyncio
from pathlib import Path

from frontdesk.benchmarks.concurrency import pool_size, run_concurrency
from frontdesk.replay.environment import ReplayEnvironment


def test_twenty_concurrent_conversations_finish_and_report_throughput(tmp_path: Path, env: ReplayEnvironment) -> None:
    result = asyncio.run(run_concurrency(20, 20.0, tmp_path, env=env))
    assert result.finished == result.succeeded == 20, result.errors
    assert result.threads == 20 and result.model_calls_per_turn == 4
    assert result.ideal_throughput == 20 / (4 * 0.020)
    assert 0 < result.throughput <= result.ideal_throughput
    assert 0 < result.p50_ms <= result.p95_ms <= result.wall_s * 1000 + 1
    assert (tmp_path / "threads.sqlite").exists()


def test_pool_size_choices() -> None:
    assert pool_size(100, None) == 100
    assert 5 <= pool_size(100, 0) <= 32
    assert pool_size(100, 8) == 8


def test_the_run_uses_the_servers_collector_thresholds_and_gives_the_process_its_own_back(
    tmp_path: Path, env: ReplayEnvironment
) -> None:
    import gc

    from frontdesk.config.settings import SERVER_GC_THRESHOLDS

    before = gc.get_threshold()
    seen: list[tuple[int, int, int]] = []

    def note(phase: str, _info: dict[str, int]) -> None:
        if phase == "start" and len(seen) < 5:
            seen.append(gc.get_threshold())

    gc.callbacks.append(note)
    try:
        result = asyncio.run(run_concurrency(5, 5.0, tmp_path, env=env))
    finally:
        gc.callbacks.remove(note)
    assert result.gc_thresholds == SERVER_GC_THRESHOLDS and result.succeeded == 5
    assert gc.get_threshold() == before
    quiet = asyncio.run(run_concurrency(5, 5.0, tmp_path / "python", env=env, gc_thresholds=None))
    assert quiet.gc_thresholds is None and gc.get_threshold() == before
