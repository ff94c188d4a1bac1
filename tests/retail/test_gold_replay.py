"""tau2's train tasks: our tools reproduce the reference's DB changes, errors and hashes exactly."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from frontdesk.cli.app import app
from frontdesk.tau2.replay_gold import replay_gold
from tests.retail.conftest import SHARED

ARGS = ["tau2", "replay-gold", "--db", str(SHARED / "db.json"), "--tasks", str(SHARED / "tasks_train.json")]


def test_every_train_task_matches_the_reference() -> None:
    report = replay_gold(SHARED / "db.json", SHARED / "tasks_train.json", SHARED / "expected_diffs_train.json")
    failing = {t.task_id: t.problems for t in report.tasks if not t.equal}
    assert len(report.tasks) == 74
    assert report.equal_count == 74, failing
    errors = [(t.task_id, a.error_message) for t in report.tasks for a in t.actions if a.error]
    assert ("105", "Insufficient gift card balance to pay for the price difference") in errors


def test_cli_json_summary_and_a_differing_task(tmp_path: Path) -> None:
    runner = CliRunner()
    expected = json.loads((SHARED / "expected_diffs_train.json").read_text())
    ok = runner.invoke(
        app, [*ARGS, "--expected", str(SHARED / "expected_diffs_train.json"), "--json", "--task", "0", "--task", "3"]
    )
    assert ok.exit_code == 0, ok.output
    summary = json.loads(ok.output)
    assert (summary["tasks"], summary["equal"], summary["different"]) == (2, 2, 0)
    task = next(t for t in expected["tasks"] if t["task_id"] == "3")
    task["final_db_hash"] = "0" * 64
    altered = tmp_path / "expected.json"
    altered.write_text(json.dumps(expected))
    bad = runner.invoke(app, [*ARGS, "--expected", str(altered), "--task", "3", "--task", "0"], env={"COLUMNS": "200"})
    assert bad.exit_code == 1
    assert "1/2 tasks equal" in bad.output and "final hash" in bad.output


def test_bad_input_files_are_one_line(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(app, [*ARGS, "--expected", str(tmp_path / "nope.json")], env={"COLUMNS": "200"})
    assert missing.exit_code == 2 and f"expected diffs file {tmp_path / 'nope.json'} does not exist" in missing.output
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    malformed = runner.invoke(app, [*ARGS, "--expected", str(broken)], env={"COLUMNS": "200"})
    assert malformed.exit_code == 2 and f"{broken} is not valid JSON: line 1" in malformed.output
    assert "Traceback" not in missing.output + malformed.output
