"""Record and live mode against the local OpenAI-compatible test server."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from frontdesk.cli.app import app
from frontdesk.llm.openai_test_server import OpenAITestServer
from frontdesk.replay.live import pass_hat_k

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
runner = CliRunner()

ORDER_STATUS = [
    {"tool_calls": [{"name": "find_user_id_by_email", "args": {"email": "ava.chen@example.com"}}]},
    {"tool_calls": [{"name": "get_order_details", "args": {"order_id": "#D1002"}}]},
    "Yes, Ava — #D1002 was delivered on Monday.",
    {"verdict": "pass", "score": 0.8, "reasons": ["grounded"]},
]
WRONG = ["I'm sure it's on its way!", {"verdict": "pass"}]


def test_pass_hat_k() -> None:
    assert pass_hat_k(4, 4, 2) == 1.0
    assert pass_hat_k(2, 4, 1) == 0.5
    assert pass_hat_k(2, 4, 2) == pytest.approx(1 / 6)
    assert pass_hat_k(1, 4, 2) == 0.0


def test_record_writes_the_models_outputs_back_and_they_replay(tmp_path: Path) -> None:
    path = tmp_path / "order-status.yaml"
    shutil.copy(SCENARIOS / "order-status.yaml", path)
    with OpenAITestServer(ORDER_STATUS) as server:
        result = runner.invoke(app, ["record", str(path), "--model", "m", "--base-url", server.base_url], env={"OPENAI_API_KEY": "k"})
    assert result.exit_code == 0, result.output
    assert "expectations hold" in result.output
    assert "+  - 'Yes, Ava — #D1002 was delivered on Monday.'" in result.output
    script = yaml.safe_load(path.read_text())["turns"][0]["script"]
    assert script["customer_service"][2] == "Yes, Ava — #D1002 was delivered on Monday."
    assert script["grader"] == [{"verdict": "pass", "score": 0.8, "reasons": ["grounded"]}]
    replayed = runner.invoke(app, ["replay", str(path)])
    assert replayed.exit_code == 0 and "1/1 scenarios passed" in replayed.output
    with OpenAITestServer(ORDER_STATUS) as server:
        again = runner.invoke(app, ["record", str(path), "--model", "m", "--base-url", server.base_url], env={"OPENAI_API_KEY": "k"})
    assert "(script unchanged)" in again.output


def test_live_runs_n_times_and_reports_pass_hat_k(tmp_path: Path) -> None:
    path = tmp_path / "order-status.yaml"
    shutil.copy(SCENARIOS / "order-status.yaml", path)
    with OpenAITestServer(ORDER_STATUS + WRONG + ORDER_STATUS) as server:
        result = runner.invoke(
            app, ["replay", str(path), "--live", "-n", "3", "--model", "m", "--base-url", server.base_url], env={"OPENAI_API_KEY": "k", "COLUMNS": "200"}
        )
        assert server.remaining == 0
    assert result.exit_code == 0, result.output
    assert "2/3" in result.output
    assert "overall pass^1 = 0.667  pass^2 = 0.333  pass^3 = 0.000" in result.output
