"""tau2 tasks imported as scenarios replay through the whole graph with the reference's DB changes."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from frontdesk.cli.app import app
from tests.retail.conftest import SHARED

runner = CliRunner()


def import_into(out: Path, *extra: str) -> None:
    result = runner.invoke(
        app,
        [
            "tau2",
            "import",
            "--tasks",
            str(SHARED / "tasks_train.json"),
            "--db",
            str(SHARED / "db.json"),
            "--expected",
            str(SHARED / "expected_diffs_train.json"),
            "--out",
            str(out),
            *extra,
        ],
    )
    assert result.exit_code == 0, result.output


def test_every_train_task_replays_as_a_scenario(tmp_path: Path) -> None:
    out = tmp_path / "tau2"
    import_into(out)
    assert len(list(out.glob("*.yaml"))) == 74
    result = runner.invoke(app, ["replay", str(out), "--jobs", "2"])
    assert result.exit_code == 0, result.output[-3000:]
    assert "74/74 scenarios passed" in result.output


def test_an_imported_scenario_fails_when_the_db_changes_differ(tmp_path: Path) -> None:
    out = tmp_path / "tau2"
    import_into(out, "--limit", "1")
    path = out / "tau2-task-0.yaml"
    data = yaml.safe_load(path.read_text())
    assert data["turns"][0]["script"]["customer_service"][0]["tool_calls"][0]["name"] == "find_user_id_by_name_zip"
    data["expect"]["db_changes"][0]["new"] = "delivered"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    result = runner.invoke(app, ["replay", str(path)])
    assert result.exit_code == 1
    assert (
        "expectation db_changes: orders/#W2378156/status: expected replace -> 'delivered', got replace -> 'exchange "
        "requested'" in result.output
    )
