"""Live tau2 runs with scripted agents and a scripted customer: the simulator and the scorer."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from frontdesk.llm.scripted import Script, ScriptedChatModel, ScriptedModels, ScriptedStep
from frontdesk.replay.environment import ReplayEnvironment
from frontdesk.tau2.importer import scenario_for
from frontdesk.tau2.live import Tau2Run, communicated, run_tau2
from frontdesk.tau2.user_simulator import STOP, TRANSFER, UserSimulator, task_instructions
from tests.retail.conftest import SHARED

DB = SHARED / "db.json"


@pytest.fixture(scope="module")
def tasks() -> dict[str, dict[str, Any]]:
    return {str(t["id"]): t for t in json.loads((SHARED / "tasks_train.json").read_text())}


@pytest.fixture(scope="module")
def env() -> Iterator[ReplayEnvironment]:
    with ReplayEnvironment() as environment:
        yield environment


def scripted(agent: str, steps: list[Any], name: str = "tau2-live") -> tuple[Script, ScriptedChatModel]:
    """A script whose steps are all in turn 0: consumed in order across the conversation's turns."""
    script = Script(name, [{agent: [ScriptedStep.model_validate(s) for s in steps]}])
    return script, ScriptedChatModel(script=script, agent=agent)


def agents_script(name: str, steps: dict[str, list[Any]]) -> Script:
    """The agents' script, every step in turn 0 (YAML shorthands allowed)."""
    return Script(name, [{agent: [ScriptedStep.model_validate(s) for s in items] for agent, items in steps.items()}])


def gold_script(task: dict[str, Any], db: dict[str, Any]) -> Script:
    """The agents' script that performs the task's gold actions (as `frontdesk tau2 import` writes it)."""
    turn = scenario_for(task, db, None, str(DB))["turns"][0]
    return agents_script("gold", turn["script"])


def run(env: ReplayEnvironment, task: dict[str, Any], agents: Script, customer: list[Any], trials: int = 1) -> Any:
    _, user_model = scripted("user", customer * trials)
    tau2 = Tau2Run(db_path=DB, agent_models=ScriptedModels(agents), user_model=user_model, env=env)
    return run_tau2(tau2, [task], trials=trials, agent_model="scripted", user_model="scripted")


def test_the_customer_brief_comes_from_the_tasks_sections(tasks: dict[str, dict[str, Any]]) -> None:
    brief = task_instructions(tasks["0"])
    assert "exchange the mechanical keyboard" in brief and "Yusuf Rossi in zip code 19122" in brief
    assert "do not remember your email" in brief and "domain" not in brief


def test_the_simulator_speaks_until_it_writes_a_marker() -> None:
    _, model = scripted("user", ["Hi, I want to return my headphones.", f"Thanks, that's all. {STOP}"])
    user = UserSimulator(model, "You want to return headphones.")
    first = user.respond(None)
    assert (first.text, first.ended) == ("Hi, I want to return my headphones.", False)
    last = user.respond("Done, your return is requested.")
    assert last.ended and last.marker == STOP and last.text == "Thanks, that's all."
    roles = [type(m).__name__ for m in user.messages]
    assert roles == ["HumanMessage", "AIMessage", "HumanMessage", "AIMessage"], (
        "the agent speaks as 'user' to the simulator"
    )
    _, transfer = scripted("user", [TRANSFER])
    assert UserSimulator(transfer, "x").respond("I'm transferring you to a person.").marker == TRANSFER


def test_a_customer_who_ends_before_speaking_opens_with_the_tasks_reason(tasks: dict[str, dict[str, Any]]) -> None:
    _, model = scripted("user", [STOP, ""])
    user = UserSimulator(model, task_instructions(tasks["0"]))
    first = user.open("I want to exchange two items of order #W2378156.")
    assert (first.text, first.ended) == ("I want to exchange two items of order #W2378156.", False)
    assert [type(m).__name__ for m in user.messages] == ["HumanMessage", "AIMessage"] and user.messages[
        -1
    ].content == first.text
    _, parrot = scripted("user", ["Hello! How can I assist you today?", "Hi! How can I help you today?"])
    assert UserSimulator(parrot, "x").open("I need to exchange a keyboard.").text == "I need to exchange a keyboard."
    _, nudged = scripted("user", [STOP, "Hi, I need to exchange a keyboard."])
    assert UserSimulator(nudged, "x").open("fallback").text == "Hi, I need to exchange a keyboard."


def test_gold_actions_pass_and_doing_nothing_fails(env: ReplayEnvironment, tasks: dict[str, dict[str, Any]]) -> None:
    db = json.loads(DB.read_text())
    task = tasks["0"]
    opening = (
        "I received order #W2378156 and want to exchange the keyboard and the thermostat. I'm Yusuf Rossi, zip 19122."
    )
    good = run(env, task, gold_script(task, db), [opening, "Yes, go ahead.", STOP])
    trial = good.trials[0]
    assert trial.db_match and trial.passed and trial.ended_by == "customer", trial
    assert trial.tool_calls == len(task["evaluation_criteria"]["actions"]) and trial.turns == 1
    assert trial.input_tokens > 0 and trial.seconds > 0
    assert good.pass_hat(1) == 1.0

    idle = agents_script(
        "idle", {"customer_service": ["Sorry, I can't help with exchanges."], "grader": [{"verdict": "pass"}]}
    )
    bad = run(env, task, idle, [opening, STOP]).trials[0]
    assert not bad.db_match and not bad.passed and bad.tool_calls == 0


def test_pass_hat_k_over_trials_counts_each_trial_on_a_fresh_db(
    env: ReplayEnvironment, tasks: dict[str, dict[str, Any]]
) -> None:
    db = json.loads(DB.read_text())
    task = tasks["0"]
    gold = gold_script(task, db)
    two = Script("two", [{agent: steps * 2 for agent, steps in gold.turns[0].items()}])
    report = run(env, task, two, ["Exchange please, Yusuf Rossi 19122.", "Yes, please.", STOP], trials=2)
    assert [t.passed for t in report.trials] == [True, True], "the second trial must start from a fresh DB"
    assert report.summary()["pass_hat_k"] == {"1": 1.0, "2": 1.0}


def test_required_information_must_reach_the_customer(env: ReplayEnvironment, tasks: dict[str, dict[str, Any]]) -> None:
    task = tasks["24"]
    assert task["evaluation_criteria"]["communicate_info"] == ["polyester", "cotton"]
    said = agents_script(
        "said", {"customer_service": ["One jacket is polyester, the other is cotton."], "grader": [{"verdict": "pass"}]}
    )
    assert run(env, task, said, ["What materials are my jackets?", STOP]).trials[0].passed
    vague = agents_script(
        "vague", {"customer_service": ["They are made of different fabrics."], "grader": [{"verdict": "pass"}]}
    )
    trial = run(env, task, vague, ["What materials are my jackets?", STOP]).trials[0]
    assert (
        trial.db_match and not trial.communicated and trial.missing_info == ["polyester", "cotton"] and not trial.passed
    )
    assert communicated(["8,276.23"], ["The total is 8276.23 dollars"]) == []


def test_a_handoff_ends_the_conversation(env: ReplayEnvironment, tasks: dict[str, dict[str, Any]]) -> None:
    agents = agents_script(
        "handoff",
        {
            "customer_service": [
                {"tool_calls": [{"name": "transfer_to_human_agents", "args": {"summary": "Customer wants a person"}}]}
            ]
        },
    )
    trial = run(env, tasks["24"], agents, ["I want a human.", STOP]).trials[0]
    assert trial.ended_by == "handoff" and trial.error is None and not trial.passed


def test_a_broken_model_ends_the_trial_with_the_error_not_the_run(
    env: ReplayEnvironment, tasks: dict[str, dict[str, Any]]
) -> None:
    empty = Script("empty", [{}])
    report = run(env, tasks["24"], empty, ["Hello?", STOP])
    trial = report.trials[0]
    assert trial.ended_by == "error" and "ScriptError" in (trial.error or "") and not trial.passed


def test_cli_runs_tasks_over_http_and_writes_json_and_markdown(tmp_path: Any) -> None:
    from typer.testing import CliRunner

    from frontdesk.cli.app import app
    from frontdesk.llm.openai_test_server import OpenAITestServer

    turns = [
        "What are my two jackets made of? I'm Yusuf Rossi, 19122.",
        "One jacket is polyester and the other is cotton.",
        {"verdict": "pass"},
        STOP,
    ]
    with OpenAITestServer(turns) as server:
        result = CliRunner().invoke(
            app,
            [
                "tau2",
                "run",
                "--tasks",
                str(SHARED / "tasks_train.json"),
                "--task",
                "24",
                "--model",
                "scripted-http",
                "--base-url",
                server.base_url,
                "--out",
                str(tmp_path / "out"),
            ],
            env={
                "COLUMNS": "200",
                "OPENAI_API_KEY": "test",
                "FRONTDESK_DEMO": "1",
                "FRONTDESK_DATA_DIR": str(tmp_path / "data"),
            },
        )
        assert server.remaining == 0
    assert result.exit_code == 0, result.output
    assert "task 24 trial 1: pass" in result.output and "pass^1 **1.000**" in result.output
    saved = json.loads((tmp_path / "out" / "results.json").read_text())
    assert saved["summary"]["pass_hat_k"] == {"1": 1.0} and saved["trials"][0]["transcript"][1]["role"] == "agent"
    assert "| 24 | 1/1 | 1/1 | 1/1 | customer |" in (tmp_path / "out" / "results.md").read_text()


def test_cli_can_run_without_grading_replies(tmp_path: Any) -> None:
    from typer.testing import CliRunner

    from frontdesk.cli.app import app
    from frontdesk.llm.openai_test_server import OpenAITestServer

    turns = ["What are my two jackets made of?", "One jacket is polyester and the other is cotton.", STOP]
    with OpenAITestServer(turns) as server:
        result = CliRunner().invoke(
            app,
            [
                "tau2",
                "run",
                "--tasks",
                str(SHARED / "tasks_train.json"),
                "--task",
                "24",
                "--model",
                "scripted-http",
                "--base-url",
                server.base_url,
                "--out",
                str(tmp_path / "out"),
            ],
            env={
                "COLUMNS": "200",
                "OPENAI_API_KEY": "test",
                "FRONTDESK_DEMO": "1",
                "FRONTDESK_DATA_DIR": str(tmp_path / "data"),
                "FRONTDESK_GRADE_REPLIES": "0",
            },
        )
        assert server.remaining == 0, "no grader call was made"
    assert result.exit_code == 0, result.output
    assert "replies not graded" in result.output and "task 24 trial 1: pass" in result.output


def test_the_simulated_customer_answers_the_confirmation_and_a_no_changes_nothing(
    env: ReplayEnvironment, tasks: dict[str, dict[str, Any]]
) -> None:
    db = json.loads(DB.read_text())
    task = tasks["0"]
    refused = run(
        env, task, gold_script(task, db), ["Exchange please, Yusuf Rossi 19122.", "No, don't do that.", STOP]
    ).trials[0]
    assert not refused.db_match and any(
        "Please confirm" in line["text"] for line in refused.transcript if line["role"] == "agent"
    )
