"""The scripted model: per-agent steps, loud failures, structured outputs."""

from __future__ import annotations

import pytest
from langchain_core.messages import HumanMessage

from frontdesk.agents.grader import GradeVerdict
from frontdesk.llm.scripted import Script, ScriptedModels, ScriptedStep, ScriptError


def make_script() -> Script:
    steps = {
        "customer_service": [
            ScriptedStep.model_validate({"tool_calls": [{"name": "get_order_details", "args": {"order_id": "#D1"}}]}),
            ScriptedStep.model_validate("All done."),
        ],
        "grader": [ScriptedStep.model_validate({"verdict": "fail", "score": 0.2, "reasons": ["made up"]})],
    }
    return Script("demo scenario", [steps])


def test_each_agent_gets_its_own_steps_in_order() -> None:
    models = ScriptedModels(make_script())
    agent = models.for_agent("customer_service")
    first = agent.invoke([HumanMessage("hi")])
    assert first.tool_calls[0]["name"] == "get_order_details"
    assert first.tool_calls[0]["args"] == {"order_id": "#D1"}
    assert first.tool_calls[0]["id"]
    assert agent.invoke([HumanMessage("hi")]).content == "All done."


def test_structured_output_comes_from_the_script() -> None:
    models = ScriptedModels(make_script())
    verdict = models.for_agent("grader").with_structured_output(GradeVerdict).invoke([HumanMessage("grade")])
    assert verdict == GradeVerdict(verdict="fail", score=0.2, reasons=["made up"])


def test_a_call_beyond_the_script_names_scenario_turn_and_agent() -> None:
    script = make_script()
    model = ScriptedModels(script).for_agent("researcher")
    with pytest.raises(ScriptError, match=r"scenario 'demo scenario', turn 1, agent 'researcher'"):
        model.invoke([HumanMessage("hi")])


def test_unconsumed_steps_are_reported() -> None:
    script = make_script()
    ScriptedModels(script).for_agent("customer_service").invoke([HumanMessage("hi")])
    assert script.leftovers(0) == {"customer_service": 1, "grader": 1}


def test_structured_step_without_structured_request_fails_loudly() -> None:
    script = make_script()
    with pytest.raises(ScriptError, match="did not ask for structured output"):
        ScriptedModels(script).for_agent("grader").invoke([HumanMessage("grade")])


def test_next_turn_moves_the_script_on_and_refuses_to_run_past_its_end() -> None:
    import pytest

    from frontdesk.llm.scripted import Script, ScriptedStep, ScriptError

    script = Script("two", [{"a": [ScriptedStep(text="one")]}, {"a": [ScriptedStep(text="two")]}])
    assert script.next_step("a").text == "one"
    assert script.next_turn() == 1 and script.next_step("a").text == "two"
    with pytest.raises(ScriptError, match="the script has 2 turn"):
        script.next_turn()
