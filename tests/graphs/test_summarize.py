"""Bounded state: old turns fold into the summary; the thread stays small and coherent."""

from __future__ import annotations

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langgraph.checkpoint.memory import InMemorySaver

from frontdesk import build_graph
from frontdesk.config.settings import Settings
from frontdesk.graphs.summarize import cut_index
from frontdesk.llm.scripted import Script, ScriptedModels, ScriptedStep
from tests.support_app import agents


def test_the_cut_never_separates_a_tool_call_from_its_result() -> None:
    messages = [
        HumanMessage("a", id="1"),
        AIMessage("", id="2", tool_calls=[{"name": "t", "args": {}, "id": "c"}]),
        ToolMessage("r", tool_call_id="c", id="3"),
        AIMessage("x", id="4"),
        HumanMessage("b", id="5"),
        AIMessage("y", id="6"),
        HumanMessage("c", id="7"),
    ]
    assert cut_index(messages, keep=3) == 4
    assert cut_index(messages, keep=2) == 6
    assert cut_index(messages, keep=1) == 6
    assert cut_index(messages, keep=50) == 0


def test_a_long_thread_is_summarised_and_stays_bounded() -> None:
    turns = []
    for n in range(12):
        steps = {"customer_service": [ScriptedStep(text=f"answer {n}")]}
        if n >= 3:
            steps["summarizer"] = [ScriptedStep(text=f"summary through turn {n}")]
        turns.append(steps)
    script = Script("long", turns)
    settings = Settings(summarize_after=6, keep_messages=4)
    graph = build_graph(
        settings, model=ScriptedModels(script), checkpointer=InMemorySaver(), agents=agents(), grade_replies=False
    )
    config = {"configurable": {"thread_id": "long"}}
    sizes = []
    for n in range(12):
        script.turn = n
        state = graph.invoke({"messages": [HumanMessage(f"question {n}")]}, config)
        sizes.append(len(state["messages"]))
    assert max(sizes) <= 7
    assert state["summary"].startswith("summary through turn")
    assert state["messages"][-1].content == "answer 11"
    assert state["messages"][-2].content == "question 11"
    summarised_turns = sum(1 for t in range(12) if script.consumed.get((t, "summarizer")))
    assert summarised_turns >= 3
