"""A live tau2 airline run (scripted agents and customer): scored on the airline's DB and hash."""

from __future__ import annotations

import json
from typing import Any

from frontdesk.config.settings import Settings
from frontdesk.llm.scripted import Script, ScriptedChatModel, ScriptedModels, ScriptedStep
from frontdesk.replay.environment import ReplayEnvironment
from frontdesk.tau2.importer import scenario_for
from frontdesk.tau2.live import Tau2Run, run_tau2
from frontdesk.tau2.live_report import to_markdown
from frontdesk.tau2.user_simulator import STOP
from tests.tau2_data import tau2_dir

SHARED = tau2_dir("airline")
DB = SHARED / "db.json"


def run(env: ReplayEnvironment, task: dict[str, Any], agents: dict[str, list[Any]], customer: list[Any]) -> Any:
    script = Script(
        "airline-live", [{agent: [ScriptedStep.model_validate(s) for s in steps] for agent, steps in agents.items()}]
    )
    user_script = Script("customer", [{"user": [ScriptedStep.model_validate(s) for s in customer]}])
    settings = Settings(data_dir=env.workdir, domain="airline")
    tau2 = Tau2Run(
        db_path=DB,
        agent_models=ScriptedModels(script),
        user_model=ScriptedChatModel(script=user_script, agent="user"),
        env=env,
        settings=settings,
    )
    return run_tau2(tau2, [task], trials=1, agent_model="scripted", user_model="scripted")


def test_a_live_airline_task_passes_with_the_gold_actions_and_fails_without_them() -> None:
    task = next(t for t in json.loads((SHARED / "tasks_train.json").read_text()) if str(t["id"]) == "15")
    gold = scenario_for(task, json.loads(DB.read_text()), None, str(DB), "airline")["turns"][0]["script"]
    assert gold["customer_service"][0]["tool_calls"][0]["name"] == "get_user_details"
    with ReplayEnvironment() as env:
        good = run(env, task, gold, ["I need to change my flights, here is my user id.", "Yes, go ahead.", STOP])
        idle = run(
            env,
            task,
            {"customer_service": ["Sorry, I can't change flights."], "grader": [{"verdict": "pass"}]},
            ["Change my flights please.", STOP],
        )
    trial = good.trials[0]
    assert trial.db_match and trial.passed and trial.tool_calls == 2, trial
    assert not idle.trials[0].db_match and not idle.trials[0].passed
    assert good.summary()["domain"] == "airline" and to_markdown(good).startswith("# tau2 airline, live")
