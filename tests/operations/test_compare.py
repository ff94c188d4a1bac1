"""`frontdesk traces compare`: a real difference is flagged, chance is not."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from frontdesk.operations.compare import compare
from frontdesk.operations.population import Population
from tests.operations.recorded import record_turns

FRONTDESK = str(Path(sys.executable).with_name("frontdesk"))


def populations(path: Path) -> None:
    record_turns(path, 120, handoffs=12, tags={"variant": "a"}, thread="a")  # 10% handoffs
    record_turns(path, 120, handoffs=48, tags={"variant": "b"}, thread="b")  # 40%
    record_turns(path, 120, handoffs=14, tags={"variant": "c"}, thread="c")  # 11.7%: no real difference from a


def metric(rows: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(row for row in rows if row["metric"] == name)


def test_a_known_difference_in_handoff_rate_is_flagged_and_chance_is_not(tmp_path: Path) -> None:
    path = tmp_path / "traces.duckdb"
    populations(path)
    real = compare(path, Population.parse("tag.variant=a"), Population.parse("tag.variant=b"))
    assert (real.turns_a, real.turns_b) == (120, 120)
    handoff = next(d for d in real.differences if d.metric == "handoff rate")
    assert (
        handoff.a == 0.1
        and handoff.b == 0.4
        and handoff.verdict == "real"
        and handoff.adjusted_p is not None
        and handoff.adjusted_p < 0.001
    )
    same = compare(path, Population.parse("tag.variant=a"), Population.parse("tag.variant=c"))
    handoff = next(d for d in same.differences if d.metric == "handoff rate")
    assert handoff.verdict == "could be chance"
    assert all(
        d.verdict != "real" for d in same.differences if d.kind == "rate"
    )  # (latency differs for real: c ran after a, warmed up)


def test_the_command_prints_json_and_names_a_bad_filter(tmp_path: Path) -> None:
    path = tmp_path / "traces.duckdb"
    populations(path)
    env = {**os.environ, "COLUMNS": "200"}
    done = subprocess.run(
        [FRONTDESK, "traces", "compare", "--db", str(path), "--a", "tag.variant=a", "--b", "tag.variant=b", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert metric(report["metrics"], "handoff rate")["verdict"] == "real" and report["turns_a"] == 120
    table = subprocess.run(
        [FRONTDESK, "traces", "compare", "--db", str(path), "--a", "tag.variant=a", "--b", "tag.variant=c"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    handoff_row = next(line for line in table.stdout.splitlines() if line.strip().startswith("handoff rate"))
    assert table.returncode == 0 and handoff_row.rstrip().endswith("could be chance")
    bad = subprocess.run(
        [FRONTDESK, "traces", "compare", "--db", str(path), "--a", "colour=red", "--b", "tag.variant=c"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert (
        bad.returncode == 2
        and bad.stderr.strip()
        == "error: 'colour' is not a filter; use since, until, model, agent, scenario, thread, prompt, config or "
        "tag.NAME"
    )
