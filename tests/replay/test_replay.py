"""Scenario replay as users run it: the CLI, the pytest plugin, and failures that say where."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml
from typer.testing import CliRunner

from frontdesk.cli.app import app

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = REPO / "scenarios"
runner = CliRunner()


def replay(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["replay", *args], env={"COLUMNS": "200"})
    return result.exit_code, result.output


def edited_copy(tmp_path: Path, name: str, edit) -> Path:
    folder = tmp_path / "scenarios"
    folder.mkdir(exist_ok=True)
    data = yaml.safe_load((SCENARIOS / name).read_text())
    edit(data)
    target = folder / name
    target.write_text(yaml.safe_dump(data, sort_keys=False))
    return target


def test_the_shipped_suite_passes() -> None:
    code, out = replay(str(SCENARIOS))
    assert code == 0, out
    count = len(list(SCENARIOS.rglob("*.yaml")))
    assert f"{count}/{count} scenarios passed" in out


def test_a_changed_expectation_fails_naming_scenario_turn_and_expectation(tmp_path: Path) -> None:
    def expect_other_reply(data: dict) -> None:
        data["turns"][1]["expect"]["reply_contains"] = ["refund declined"]

    path = edited_copy(tmp_path, "cancel-pending-order.yaml", expect_other_reply)
    code, out = replay(str(path))
    assert code == 1
    assert (
        "scenario 'Cancel a pending order after confirmation and approval', turn 2, expectation reply_contains: "
        "expected 'refund declined' in the reply" in out
    )
    assert "0/1 scenarios passed" in out


def test_a_wrong_db_expectation_fails_with_the_difference(tmp_path: Path) -> None:
    def other_status(data: dict) -> None:
        data["expect"]["db_changes"][0]["new"] = "processed"

    code, out = replay(str(edited_copy(tmp_path, "cancel-pending-order.yaml", other_status)))
    assert code == 1
    assert (
        "end, expectation db_changes: orders/#D1001/status: expected replace -> 'processed', got replace -> 'cancelled'"
        in out
    )


def test_an_unused_or_missing_script_step_fails(tmp_path: Path) -> None:
    def extra_step(data: dict) -> None:
        data["turns"][0]["script"]["grader"].append({"verdict": "pass"})

    code, out = replay(str(edited_copy(tmp_path, "order-status.yaml", extra_step)))
    assert code == 1 and "turn 1, expectation script: scripted outputs never used (grader: 1 step(s))" in out

    def no_grader(data: dict) -> None:
        del data["turns"][0]["script"]["grader"]

    code, out = replay(str(edited_copy(tmp_path, "order-status.yaml", no_grader)))
    assert code == 1 and "agent 'grader': the graph asked for model output #1 but the script has 0 step(s)" in out


def test_a_malformed_file_is_one_line_naming_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("name: broken\nturns:\n  - user: hi\n    expect: {handoff: maybe}\n")
    code, out = replay(str(bad))
    assert code == 2
    assert f"{bad}:4: field turns.0.expect.handoff" in out
    assert "Traceback" not in out


def test_pytest_collects_scenarios_and_reports_failures_readably(tmp_path: Path) -> None:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    shutil.copy(SCENARIOS / "order-status.yaml", folder / "order-status.yaml")

    def expect_handoff(data: dict) -> None:
        data["turns"][0]["expect"]["handoff"] = True

    edited = yaml.safe_load((SCENARIOS / "order-status.yaml").read_text())
    expect_handoff(edited)
    (folder / "order-status-broken.yaml").write_text(yaml.safe_dump(edited, sort_keys=False))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", str(folder), "-q", "-p", "no:cacheprovider"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 failed, 1 passed" in done.stdout
    assert "expectation handoff: expected handoff=True, got handoff=False" in done.stdout
    assert "Traceback" not in done.stdout


def test_parallel_replay_and_reports(tmp_path: Path) -> None:
    def break_it(data: dict) -> None:
        data["turns"][0]["expect"]["reply_contains"] = ["never said"]

    folder = tmp_path / "scenarios"
    folder.mkdir()
    for name in ("order-status.yaml", "policy-question.yaml", "handoff-to-human.yaml"):
        shutil.copy(SCENARIOS / name, folder / name)
    edited_copy(tmp_path, "ownership-refusal.yaml", break_it)
    junit, as_json = tmp_path / "report.xml", tmp_path / "report.json"
    code, out = replay(str(folder), "--jobs", "2", "--report", str(junit), "--report", str(as_json))
    assert code == 1 and "3/4 scenarios passed" in out
    report = json.loads(as_json.read_text())
    assert (report["passed"], report["failed"]) == (3, 1)
    broken = next(s for s in report["scenarios"] if not s["passed"])
    assert "expected 'never said' in the reply" in broken["failures"][0]
    suite = ElementTree.parse(junit).getroot()
    assert suite.get("tests") == "4" and suite.get("failures") == "1"
    assert [c.get("classname") for c in suite.iter("testcase") if c.find("failure") is not None] == [
        "ownership-refusal"
    ]
    serial_code, serial_out = replay(str(folder))
    assert serial_code == 1 and "3/4 scenarios passed" in serial_out


def test_the_committed_scenario_schema_is_current() -> None:
    from frontdesk.replay.schema import Scenario

    committed = json.loads((SCENARIOS / "scenario.schema.json").read_text())
    assert committed == Scenario.model_json_schema()
    assert "turns" in committed["required"]


def test_a_memory_expectation_can_name_the_fact_in_any_words() -> None:
    from langgraph.store.memory import InMemoryStore

    from frontdesk.memory.customer_memory import remember
    from frontdesk.replay.checks import check_memory
    from frontdesk.replay.schema import MemoryEntryExpectation

    store = InMemoryStore()
    remember(store, "ben_ortiz_1002", "preferred_contact", "Email only, please", thread_id="t")
    loose = MemoryEntryExpectation(customer="ben_ortiz_1002", kind="preferred_contact", value_contains="email")
    exact = MemoryEntryExpectation(customer="ben_ortiz_1002", kind="preferred_contact", value="email only, never phone")
    assert check_memory("s", store, [loose]) == []
    [failure] = check_memory("s", store, [exact, loose.model_copy(update={"value_contains": "phone"})])[:1]
    assert "expected 'email only, never phone', got 'Email only, please'" in failure.message
    with pytest.raises(ValueError, match="value or value_contains"):
        MemoryEntryExpectation(customer="c", kind="preferred_contact")
