"""The derived single-agent script, the timed scripted model and the turn timer."""

from __future__ import annotations

import asyncio
import time

from langchain_core.messages import HumanMessage

from frontdesk.benchmarks.model import ModelClock, TimedScriptedChatModel
from frontdesk.benchmarks.tasks import TASKS, BenchTask, TurnTimer, single_agent_turns
from frontdesk.llm.scripted import Script, ScriptedStep
from frontdesk.replay.schema import Scenario


def by_name(tasks: list[BenchTask], name: str) -> BenchTask:
    return next(t for t in tasks if t.name == name)


def calls(step: ScriptedStep) -> list[str]:
    return [c.name for c in step.tool_calls]


def test_the_four_tasks_are_the_shipped_scenarios(tasks: list[BenchTask]) -> None:
    assert [t.name for t in tasks] == list(TASKS) == ["lookup", "cancel", "policy", "handoff"]
    assert [t.path.stem for t in tasks] == [
        "order-status",
        "cancel-pending-order",
        "policy-question",
        "handoff-to-human",
    ]


def test_policy_drops_the_researcher_handoff_and_the_grader(tasks: list[BenchTask]) -> None:
    [turn] = single_agent_turns(by_name(tasks, "policy").scenario)
    assert list(turn) == ["support"]
    steps = turn["support"]
    assert [calls(s) for s in steps] == [["search_knowledge_base"], []]
    assert "[returns#return-window]" in steps[1].text


def test_lookup_cancel_and_handoff_keep_every_customer_service_step_in_order(tasks: list[BenchTask]) -> None:
    [lookup] = single_agent_turns(by_name(tasks, "lookup").scenario)
    assert [calls(s) for s in lookup["support"]] == [["find_user_id_by_email"], ["get_order_details"], []]
    first, second = single_agent_turns(by_name(tasks, "cancel").scenario)
    assert [calls(s) for s in first["support"]] == [["find_user_id_by_email", "get_order_details"], []]
    assert [calls(s) for s in second["support"]] == [["cancel_pending_order"], []]
    [handoff] = single_agent_turns(by_name(tasks, "handoff").scenario)
    assert [calls(s) for s in handoff["support"]] == [["find_user_id_by_email", "transfer_to_human_agents"]]


def test_rule_keeps_text_next_to_an_agent_handoff_and_drops_an_empty_step() -> None:
    scenario = Scenario.model_validate(
        {
            "name": "rule",
            "turns": [
                {
                    "user": "hi",
                    "script": {
                        "grader": [{"verdict": "pass"}],
                        "researcher": ["From the researcher."],
                        "customer_service": [
                            {"text": "Let me ask.", "tool_calls": [{"name": "transfer_to_researcher", "args": {}}]},
                            {"tool_calls": [{"name": "transfer_to_researcher", "args": {}}]},
                        ],
                    },
                }
            ],
        }
    )
    [turn] = single_agent_turns(scenario)
    assert [(s.text, calls(s)) for s in turn["support"]] == [("Let me ask.", []), ("From the researcher.", [])]


def test_timed_model_waits_on_both_paths_and_records_the_wait() -> None:
    script = Script("timed", [{"a": [ScriptedStep(text="one"), ScriptedStep(text="two")]}])
    clock = ModelClock()
    model = TimedScriptedChatModel(script=script, agent="a", latency_s=0.02, clock=clock)
    started = time.perf_counter()
    assert model.invoke([HumanMessage("x")]).content == "one"
    assert asyncio.run(model.ainvoke([HumanMessage("y")])).content == "two"
    assert time.perf_counter() - started >= 0.04
    calls_made, seconds = clock.reading()
    assert calls_made == 2 and 0.04 <= seconds < 0.5


def test_turn_timer_subtracts_model_time() -> None:
    clock = ModelClock()
    timer = TurnTimer(clock)
    with timer.turn():
        time.sleep(0.01)
        clock.add(0.004)
    [turn] = timer.turns
    assert turn.model_calls == 1 and turn.model_s == 0.004
    assert 0.005 <= turn.overhead_s <= turn.wall_s - 0.004 + 1e-9
