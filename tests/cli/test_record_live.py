"""Record and live mode against the local OpenAI-compatible test server."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner, Result

from frontdesk.cli.app import app
from frontdesk.llm.openai_test_server import OpenAITestServer
from frontdesk.replay.checks import check_turn
from frontdesk.replay.live import pass_hat_k
from frontdesk.replay.results import ToolCallRecord, TurnRecord
from frontdesk.replay.schema import TurnExpectation

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
runner = CliRunner()

ORDER_STATUS = [
    {"tool_calls": [{"name": "find_user_id_by_email", "args": {"email": "ava.chen@example.com"}}]},
    {"tool_calls": [{"name": "get_order_details", "args": {"order_id": "#D1002"}}]},
    "Yes, Ava — #D1002 was delivered on Monday.",
    {"verdict": "pass", "score": 0.8, "reasons": ["grounded"]},
]
WRONG = ["I'm sure it's on its way!", {"verdict": "pass"}]


def live_report(path: Path, outputs: list[Any]) -> tuple[Result, list[dict[str, Any]]]:
    """``frontdesk replay PATH --live`` on a model answering ``outputs`` (all used): the CLI's result and the JSON
    report's scenarios."""
    report = path.with_suffix(".report.json")
    with OpenAITestServer(outputs) as server:
        result = runner.invoke(
            app,
            ["replay", str(path), "--live", "--model", "m", "--base-url", server.base_url, "--report", str(report)],
            env={"OPENAI_API_KEY": "k", "COLUMNS": "200"},
        )
        assert server.remaining == 0, "every scripted output was asked for"
    return result, json.loads(report.read_text())["scenarios"]


def test_pass_hat_k() -> None:
    assert pass_hat_k(4, 4, 2) == 1.0
    assert pass_hat_k(2, 4, 1) == 0.5
    assert pass_hat_k(2, 4, 2) == pytest.approx(1 / 6)
    assert pass_hat_k(1, 4, 2) == 0.0


def test_record_writes_the_models_outputs_back_and_they_replay(tmp_path: Path) -> None:
    path = tmp_path / "order-status.yaml"
    shutil.copy(SCENARIOS / "order-status.yaml", path)
    with OpenAITestServer(ORDER_STATUS) as server:
        result = runner.invoke(
            app, ["record", str(path), "--model", "m", "--base-url", server.base_url], env={"OPENAI_API_KEY": "k"}
        )
    assert result.exit_code == 0, result.output
    assert "expectations hold" in result.output
    assert "+  - 'Yes, Ava — #D1002 was delivered on Monday.'" in result.output
    script = yaml.safe_load(path.read_text())["turns"][0]["script"]
    assert script["customer_service"][2] == "Yes, Ava — #D1002 was delivered on Monday."
    assert script["grader"] == [{"verdict": "pass", "score": 0.8, "reasons": ["grounded"]}]
    replayed = runner.invoke(app, ["replay", str(path)])
    assert replayed.exit_code == 0 and "1/1 scenarios passed" in replayed.output
    with OpenAITestServer(ORDER_STATUS) as server:
        again = runner.invoke(
            app, ["record", str(path), "--model", "m", "--base-url", server.base_url], env={"OPENAI_API_KEY": "k"}
        )
    assert "(script unchanged)" in again.output


def test_live_runs_n_times_and_reports_pass_hat_k(tmp_path: Path) -> None:
    path = tmp_path / "order-status.yaml"
    shutil.copy(SCENARIOS / "order-status.yaml", path)
    with OpenAITestServer(ORDER_STATUS + WRONG + ORDER_STATUS) as server:
        result = runner.invoke(
            app,
            ["replay", str(path), "--live", "-n", "3", "--model", "m", "--base-url", server.base_url],
            env={"OPENAI_API_KEY": "k", "COLUMNS": "200"},
        )
        assert server.remaining == 0
    assert result.exit_code == 0, result.output
    assert "2/3" in result.output
    assert "overall pass^1 = 0.667  pass^2 = 0.333  pass^3 = 0.000" in result.output


def test_live_compares_arguments_as_the_tool_reads_them(tmp_path: Path) -> None:
    """A real model writing D1002 asked for the same order as #D1002: the live run passes."""
    path = tmp_path / "order-status.yaml"
    shutil.copy(SCENARIOS / "order-status.yaml", path)
    plain_id = [
        ORDER_STATUS[0],
        {"tool_calls": [{"name": "get_order_details", "args": {"order_id": "D1002"}}]},
        *ORDER_STATUS[2:],
    ]
    with OpenAITestServer(plain_id) as server:
        result = runner.invoke(
            app,
            ["replay", str(path), "--live", "--model", "m", "--base-url", server.base_url],
            env={"OPENAI_API_KEY": "k", "COLUMNS": "200"},
        )
    assert result.exit_code == 0, result.output
    assert "1/1" in result.output


def test_a_live_failure_says_where_and_why_the_thread_went_to_a_person(tmp_path: Path) -> None:
    path = tmp_path / "order-status.yaml"
    shutil.copy(SCENARIOS / "order-status.yaml", path)
    gives_up = [
        ORDER_STATUS[0],
        {"tool_calls": [{"name": "get_order_details", "args": {"order_id": "#D9999"}}]},
        {
            "tool_calls": [
                {"name": "transfer_to_human_agents", "args": {"summary": "Customer asks about an order I cannot find"}}
            ]
        },
    ]
    result, scenarios = live_report(path, gives_up)
    assert result.exit_code == 0, result.output  # a live run reports pass^k; it does not fail on a miss
    assert "0/1" in result.output and "went to a person at model step 3" in result.output
    failures = [f for scenario in scenarios for f in scenario["failures"]]
    assert not [f for f in failures if "expectation script" in f], (
        "a handoff the script did not foresee is the outcome, not a script fault"
    )
    [why] = [f.split("expectation why: ", 1)[1] for f in failures if "expectation why: " in f]
    assert why.startswith("the thread went to a person at model step 3 after transfer_to_human_agents (ok)"), why
    assert "Customer asks about an order I cannot find" in why


def record_of(*calls: tuple[str, bool]) -> TurnRecord:
    return TurnRecord(
        index=0,
        user="",
        tools=[ToolCallRecord(agent="customer_service", name=name, args={}, ok=ok, content="") for name, ok in calls],
    )


def test_a_live_turn_may_read_more_than_the_script_but_not_write_more() -> None:
    """A real model that looks the order up before cancelling gave the customer the same outcome; an extra write did
    not."""
    expect = TurnExpectation(tools=["find_user_id_by_email", {"name": "cancel_pending_order", "ok": False}])
    reads = {"get_order_details", "get_user_details"}.__contains__
    looked_up = record_of(("find_user_id_by_email", True), ("get_order_details", True), ("cancel_pending_order", False))
    assert check_turn("s", looked_up, expect, may_also_call=reads) == []
    assert check_turn("s", looked_up, expect) != [], "a scripted replay still wants exactly the script's calls"
    wrote = record_of(
        ("find_user_id_by_email", True), ("modify_pending_order_address", True), ("cancel_pending_order", False)
    )
    [failure] = check_turn("s", wrote, expect, may_also_call=reads)
    assert "other calls are accepted only when they read" in failure.message
    out_of_order = record_of(("cancel_pending_order", False), ("find_user_id_by_email", True))
    assert check_turn("s", out_of_order, expect, may_also_call=reads) != []
    missing = record_of(("find_user_id_by_email", True), ("get_order_details", True))
    assert check_turn("s", missing, expect, may_also_call=reads) != []


CANCEL_ASKED_EARLY = [
    {"tool_calls": [{"name": "find_user_id_by_email", "args": {"email": "ava.chen@example.com"}}]},
    {"tool_calls": [{"name": "get_order_details", "args": {"order_id": "#D1001"}}]},
    {"tool_calls": [{"name": "cancel_pending_order", "args": {"order_id": "#D1001", "reason": "no longer needed"}}]},
    "Done — order #D1001 is cancelled and the refund is on its way to your Visa card.",
    {"verdict": "pass", "score": 0.9, "reasons": ["grounded"]},
]


def test_a_confirmation_asked_a_turn_early_is_answered_by_the_customers_next_message(tmp_path: Path) -> None:
    """The script asks "shall I go ahead?" in words and writes on the customer's "Yes, please." a turn later;
    a real model that calls the cancel at once gets the framework's confirmation question shown in
    turn 1, and turn 2's "Yes, please." answers it — as in chat."""
    path = tmp_path / "cancel-pending-order.yaml"
    shutil.copy(SCENARIOS / "cancel-pending-order.yaml", path)
    result, [scenario] = live_report(path, CANCEL_ASKED_EARLY)
    assert result.exit_code == 0, result.output
    assert scenario["failures"] == [] and scenario["passed"], scenario["failures"]
    assert scenario["approvals"] == ["approved"], "turn 2 still went through the operator's approval"


def test_a_live_no_to_an_early_confirmation_cancels_nothing(tmp_path: Path) -> None:
    path = tmp_path / "cancel-pending-order.yaml"
    data = yaml.safe_load((SCENARIOS / "cancel-pending-order.yaml").read_text())
    data["turns"][1].update(user="No, keep it.", confirm=[], operator=[])
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    _result, [scenario] = live_report(
        path, [*CANCEL_ASKED_EARLY[:3], "All right, order #D1001 stays as it is.", {"verdict": "pass"}]
    )
    assert scenario["db_changes"] == [], "the customer said no"
    assert any("missing change orders/#D1001/status" in failure for failure in scenario["failures"])
