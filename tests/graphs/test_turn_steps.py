"""A turn costs as few graph steps as its work needs, and each customer message opens its turn once.

The turn's opening (bookkeeping reset, input guardrails, intents) runs in the entry
agent's step, and a draft is graded in the step of the agent that wrote it: a plain reply
is one step of the graph — one checkpoint — instead of three (router, agent, grader).
"""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage, HumanMessage
from langgraph.checkpoint.memory import InMemorySaver

from frontdesk import (
    GuardrailContext,
    GuardrailResult,
    Script,
    ScriptedModels,
    ScriptedStep,
    Settings,
    ToolKind,
    build_graph,
    input_guardrail,
    tool,
)
from frontdesk.graphs.events import AgentMessage, Verdict, stream_turn


@tool(kind=ToolKind.READ)
def opening_hours() -> str:
    """The shop's opening hours."""
    return "9:00-17:00, Monday to Friday"


def steps(*items: Any) -> list[ScriptedStep]:
    return [ScriptedStep.model_validate(item) for item in items]


def graph_for(script: Script, *guardrails: Any, **settings: Any) -> Any:
    return build_graph(
        Settings(grade_replies=True, confirm_writes=False, **settings),
        model=ScriptedModels(script),
        checkpointer=InMemorySaver(),
        tools=[opening_hours],
        guardrails=guardrails,
    )


def history(graph: Any, thread: str) -> list[Any]:
    return list(graph.get_state_history({"configurable": {"thread_id": thread}}))


def test_a_graded_reply_is_one_step_of_the_graph() -> None:
    script = Script(
        "hello", [{"customer_service": steps("Hello! How can I help?"), "grader": steps({"verdict": "pass"})}]
    )
    graph = graph_for(script)
    result = graph.invoke({"messages": [HumanMessage("hi")]}, {"configurable": {"thread_id": "one-step"}})
    assert result["messages"][-1].content == "Hello! How can I help?"
    assert result["grade"]["verdict"] == "pass"
    checkpoints = history(graph, "one-step")
    # the empty thread, the customer's message, then one step that opened the turn, answered and graded
    assert [(c.metadata["source"], c.metadata["step"]) for c in reversed(checkpoints)] == [
        ("input", -1),
        ("loop", 0),
        ("loop", 1),
    ]


def test_a_rejected_draft_is_in_no_checkpoint_and_the_stream_still_shows_it_failed() -> None:
    script = Script(
        "revise",
        [
            {
                "customer_service": steps(
                    "We are open all night.",
                    {"tool_calls": [{"name": "opening_hours", "args": {}}]},
                    "We are open 9:00-17:00 on weekdays.",
                ),
                "grader": steps({"verdict": "fail", "reasons": ["hours not looked up"]}, {"verdict": "pass"}),
            }
        ],
    )
    graph = graph_for(script)
    config = {"configurable": {"thread_id": "revise"}}
    events = list(stream_turn(graph, {"messages": [HumanMessage("when are you open?")]}, config))
    verdicts = [e.verdict for e in events if isinstance(e, Verdict)]
    assert verdicts == ["fail", "pass"]
    drafts = [e.text for e in events if isinstance(e, AgentMessage) and e.text]
    assert drafts == [
        "We are open all night.",
        "We are open 9:00-17:00 on weekdays.",
    ]  # the stream (and a recorded script) keeps the draft
    for checkpoint in history(graph, "revise"):
        said = [str(m.content) for m in checkpoint.values.get("messages", []) if isinstance(m, AIMessage)]
        assert "We are open all night." not in said
    final = graph.get_state(config).values
    assert final["messages"][-1].content == "We are open 9:00-17:00 on weekdays."
    assert final["revisions"] == 1


def test_each_customer_message_opens_its_turn_once_and_resets_the_step_count() -> None:
    seen: list[str] = []

    @input_guardrail
    def counting(text: str, ctx: GuardrailContext) -> GuardrailResult:
        seen.append(text)
        return GuardrailResult.ok()

    lookup = {"tool_calls": [{"name": "opening_hours", "args": {}}]}
    turn = {
        "customer_service": steps("We never close.", lookup, "9:00-17:00 on weekdays."),
        "grader": steps({"verdict": "fail", "reasons": ["unchecked"]}, {"verdict": "pass"}),
    }
    script = Script("twice", [turn, {**turn}])
    graph = graph_for(
        script, counting, max_agent_steps=3
    )  # each turn takes all three steps: a counter carried over would hand turn 2 to a person
    config = {"configurable": {"thread_id": "twice"}}
    for index, text in enumerate(["when are you open?", "and on Saturday?"]):
        script.turn = index
        result = graph.invoke({"messages": [HumanMessage(text)]}, config)
        assert "__interrupt__" not in result, result.get("handoff_reason")
        assert result["messages"][-1].content == "9:00-17:00 on weekdays."
        assert result["agent_steps"] == 3 and result["revisions"] == 1
    assert seen == ["when are you open?", "and on Saturday?"]  # not again after the revision or the tool call
