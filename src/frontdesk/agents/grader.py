"""The grader: checks each draft reply before it reaches the customer.

Citations are checked first, without a model: a draft citing a passage no search returned
this turn fails outright. A failing draft is removed from the conversation (the customer
never sees it) and goes back to its agent once with the reasons; failing again hands the thread to a person
rather than sending a reply nobody trusts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, RemoveMessage, SystemMessage, ToolMessage
from langchain_core.runnables import RunnableConfig
from langgraph.graph import END
from langgraph.types import Command
from pydantic import BaseModel, Field

from frontdesk.agents.citations import unsupported_citations
from frontdesk.graphs.state import SupportState, last_ai_message
from frontdesk.llm.factory import ModelProvider
from frontdesk.runtime import Services
from frontdesk.tracing import instrument

NAME = "grader"
MAX_REVISIONS = 1

INSTRUCTIONS = """You review a customer-service agent's draft reply before it is sent.
Pass it only if it (1) answers the customer's latest message, (2) states only facts found in
the tool results or cited knowledge-base passages shown to you, and (3) respects policy:
no refund, cancellation or change is promised unless a tool call actually succeeded, and no
other customer's data is revealed. Give a verdict (pass or fail), a score from 0 to 1, and
short reasons a colleague can act on."""


class GradeVerdict(BaseModel):
    """The grader's structured verdict on a draft reply."""

    verdict: Literal["pass", "fail"] = Field(description="pass: send the draft; fail: revise it")
    score: float = Field(default=1.0, ge=0.0, le=1.0, description="Confidence that the draft is good")
    reasons: list[str] = Field(default_factory=list, description="Why, in short sentences")


def evidence(messages: list[BaseMessage], draft: AIMessage) -> str:
    """The customer's latest message, this turn's tool results and the draft, as review text."""
    turn: list[BaseMessage] = []
    for message in reversed(messages):
        turn.append(message)
        if isinstance(message, HumanMessage):
            break
    lines = []
    for message in reversed(turn):
        if isinstance(message, HumanMessage):
            lines.append(f"Customer: {message.content}")
        elif isinstance(message, ToolMessage):
            lines.append(f"Tool {message.name} returned: {message.content}")
    lines.append(f"Draft reply by {draft.name}: {draft.content}")
    return "\n".join(lines)


def make_grader_node(models: ModelProvider, services: Services) -> Callable[[SupportState, RunnableConfig], Command[Any]]:
    """Build the node that grades the latest draft and routes on the verdict."""

    def ask_model(state: SupportState, config: RunnableConfig, draft: AIMessage) -> GradeVerdict:
        model = models.for_agent(NAME)
        structured = model.with_structured_output(GradeVerdict, method="function_calling", include_raw=True)
        prompt = [SystemMessage(INSTRUCTIONS), HumanMessage(evidence(state.get("messages", []), draft))]
        thread_id = str(config.get("configurable", {}).get("thread_id", ""))
        with instrument.agent_call(services, NAME, thread_id, model, prompt) as record:
            result = structured.invoke(prompt, config)
            record(result["raw"])
        return result["parsed"] or GradeVerdict(
            verdict="fail", score=0.0, reasons=[f"The grader's output could not be read: {result['parsing_error']}"]
        )

    def grade(state: SupportState, config: RunnableConfig) -> Command[Any]:
        draft = last_ai_message(state)
        invented = unsupported_citations(state.get("messages", []), str(draft.content))
        verdict = GradeVerdict(verdict="fail", score=0.0, reasons=invented) if invented else ask_model(state, config, draft)
        grade = {**verdict.model_dump(), "draft": str(draft.content), "agent": draft.name, "checked_by": "citations" if invented else "model"}
        instrument.event(
            "frontdesk.grader.verdict",
            **{"frontdesk.grader.verdict": verdict.verdict, "frontdesk.grader.score": verdict.score, "frontdesk.grader.checked_by": grade["checked_by"]},
        )
        if verdict.verdict == "pass":
            return Command(goto=END, update={"grade": grade})
        revisions = state.get("revisions", 0)
        withdraw = [RemoveMessage(id=draft.id)]
        if revisions < MAX_REVISIONS:
            return Command(goto=draft.name, update={"grade": grade, "revisions": revisions + 1, "messages": withdraw})
        reason = "Replies kept failing review: " + "; ".join(verdict.reasons)
        return Command(goto="human_handoff", update={"grade": grade, "messages": withdraw, "handoff_reason": reason})

    return grade
