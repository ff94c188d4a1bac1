"""Scenario files: validation errors name the file, the line and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from frontdesk.replay.loader import ScenarioFileError, discover, load_scenario

REPO = Path(__file__).resolve().parents[2]

VALID = """\
name: ok
turns:
  - user: hello
    script:
      customer_service:
        - "Hi!"
      grader:
        - {verdict: pass}
    expect:
      tools: [find_user_id_by_email]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "case.yaml"
    path.write_text(text)
    return path


def test_valid_scenario_loads_with_shorthands(tmp_path: Path) -> None:
    scenario = load_scenario(write(tmp_path, VALID))
    steps = scenario.turns[0].script
    assert steps["customer_service"][0].text == "Hi!"
    assert steps["grader"][0].structured == {"verdict": "pass"}
    assert scenario.turns[0].expect.tools[0].name == "find_user_id_by_email"


def test_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "name: x\nturns:\n  - user: [unclosed\n")
    with pytest.raises(ScenarioFileError) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:4: invalid YAML")
    assert "\n" not in message


def test_unknown_field_names_file_line_and_field(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("    expect:\n", "    expcet:\n"))
    with pytest.raises(ScenarioFileError, match=rf"^{path}:9: field turns.0.expcet: Extra inputs are not permitted"):
        load_scenario(path)


def test_wrong_type_names_the_nested_field(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("{verdict: pass}", "{tool_calls: [{name: 3}]}"))
    with pytest.raises(
        ScenarioFileError,
        match=rf"^{path}:8: field turns.0.script.grader.0.tool_calls.0.name: Input should be a valid string",
    ):
        load_scenario(path)


def test_missing_turns_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "name: nothing to say\n")
    with pytest.raises(ScenarioFileError, match=rf"^{path}:1: field turns: Field required"):
        load_scenario(path)


def test_missing_path_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ScenarioFileError, match="no such file or folder"):
        discover([tmp_path / "nope"])


def test_every_shipped_scenario_validates() -> None:
    files = discover([REPO / "scenarios"])
    assert len(files) >= 5
    for path in files:
        assert load_scenario(path).turns


def test_unknown_agents_and_tools_in_a_script_are_reported_before_running(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("customer_service:\n", "front_desk:\n"))
    with pytest.raises(
        ScenarioFileError, match=rf"^{path}:5: field turns.0.script.front_desk: unknown agent 'front_desk'"
    ):
        load_scenario(path)
    path = write(tmp_path, VALID.replace('- "Hi!"', "- tool_calls: [{name: refund_everything}]"))
    with pytest.raises(
        ScenarioFileError,
        match=rf"^{path}:6: field turns.0.script.customer_service.0.tool_calls.0.name: agent 'customer_service' has no "
        r"tool 'refund_everything'",
    ):
        load_scenario(path)


def test_a_grader_step_that_is_not_a_verdict_is_reported_before_running(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("{verdict: pass}", "{verdict: passed}"))
    with pytest.raises(
        ScenarioFileError,
        match=rf"^{path}:\d+: field turns.0.script.grader.0.verdict: not a grader verdict: Input should be 'pass' or "
        r"'fail'",
    ):
        load_scenario(path)


def test_an_expected_tool_no_agent_has_is_reported_before_running(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("tools: [find_user_id_by_email]", "tools: [find_user_id_by_email, get_order]"))
    with pytest.raises(
        ScenarioFileError, match=rf"^{path}:\d+: field turns.0.expect.tools.1.name: no agent has a tool 'get_order'"
    ):
        load_scenario(path)
