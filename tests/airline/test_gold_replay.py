"""tau2's airline train tasks: the airline tools reproduce the reference's DB changes, errors and hashes exactly."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from frontdesk.cli.app import app
from frontdesk.domains import get_domain
from frontdesk.tau2.replay_gold import replay_gold
from tests.tau2_data import tau2_dir

SHARED = tau2_dir("airline")


def test_every_airline_train_task_matches_the_reference() -> None:
    report = replay_gold(
        SHARED / "db.json", SHARED / "tasks_train.json", SHARED / "expected_diffs_train.json", domain="airline"
    )
    failing = {t.task_id: t.problems for t in report.tasks if not t.equal}
    assert len(report.tasks) == 30
    assert report.equal_count == 30, failing
    assert sum(bool(t.db_diff) for t in report.tasks) == 13, "13 of the 30 tasks change the DB"


def test_the_cli_takes_the_domain_and_reports_each_final_hash() -> None:
    expected = json.loads((SHARED / "expected_diffs_train.json").read_text())
    wanted = {t["task_id"]: t["final_db_hash"] for t in expected["tasks"]}
    args = [
        "tau2",
        "replay-gold",
        "--domain",
        "airline",
        "--db",
        str(SHARED / "db.json"),
        "--tasks",
        str(SHARED / "tasks_train.json"),
    ]
    done = CliRunner().invoke(
        app, [*args, "--expected", str(SHARED / "expected_diffs_train.json"), "--json", "--task", "0", "--task", "5"]
    )
    assert done.exit_code == 0, done.output
    rows = json.loads(done.output)["results"]
    assert {r["task_id"]: r["final_db_hash"] for r in rows} == {k: wanted[k] for k in ("0", "5")}
    unknown = CliRunner().invoke(app, [*args[:2], "--domain", "bakery", *args[4:], "--expected", "x.json"])
    assert unknown.exit_code == 2 and "unknown domain 'bakery'; known: airline, retail" in unknown.output


def test_a_reservation_that_is_not_the_customers_reads_like_a_missing_one() -> None:
    from frontdesk.domains.database import open_domain_db
    from frontdesk.tools.base import ToolContext

    airline = get_domain("airline")
    engine = open_domain_db("sqlite://", airline, seed_demo=True)
    tools = airline.tools_by_name
    ava = ToolContext(customer_id="ava_chen_1001", engine=engine)
    theirs = tools["get_reservation_details"].invoke(ava, {"reservation_id": "BO2001"})
    missing = tools["get_reservation_details"].invoke(ava, {"reservation_id": "ZZ9999"})
    assert (
        theirs.content == "Error: Reservation BO2001 not found"
        and missing.content == "Error: Reservation ZZ9999 not found"
    )
    assert (
        tools["cancel_reservation"].invoke(ava, {"reservation_id": "BO2001"}).content
        == "Error: Reservation BO2001 not found"
    )
    assert tools["get_reservation_details"].invoke(ava, {"reservation_id": "AV1001"}).ok


def test_the_airline_demo_runs_offline(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "FRONTDESK_"))}
    env.update(FRONTDESK_DATA_DIR=str(tmp_path / "data"), HOME=str(tmp_path), COLUMNS="120")
    done = subprocess.run(
        [sys.executable, "-m", "frontdesk.cli.app", "demo", "--domain", "airline"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "8/8 scenarios passed" in done.stdout and "ava_chen_1001" in done.stdout


def test_every_airline_train_task_replays_as_a_scenario_through_the_whole_graph(tmp_path: Path) -> None:
    import yaml

    out = tmp_path / "tau2"
    args = [
        "--tasks",
        str(SHARED / "tasks_train.json"),
        "--db",
        str(SHARED / "db.json"),
        "--expected",
        str(SHARED / "expected_diffs_train.json"),
    ]
    imported = CliRunner().invoke(app, ["tau2", "import", "--domain", "airline", *args, "--out", str(out)])
    assert imported.exit_code == 0, imported.output
    first = yaml.safe_load((out / "tau2-task-0.yaml").read_text())
    assert first["settings"]["domain"] == "airline"
    replayed = CliRunner().invoke(app, ["replay", str(out), "--jobs", "2"])
    assert replayed.exit_code == 0 and "30/30 scenarios passed" in replayed.output, replayed.output[-3000:]
