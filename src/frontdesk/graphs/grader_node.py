"""The grader node: checks each draft reply before it reaches the customer.

Citations are checked first, without a model: a draft citing a passage no search returned
this turn fails outright. A failing draft is removed from the conversation (the customer
never sees it) and goes back to its agent once with the reasons; failing again hands the
thread to a person, at high priority, rather than sending a reply nobody trusts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage, RemoveMessage, SystemMessage
from langchain_core.runnables import RunnableConfig
from langgraph.graph import END
from langgraph.types import Command

from frontdesk.agents.citations import unsupported_citations
from frontdesk.agents.grader import INSTRUCTIONS, MAX_REVISIONS, NAME, GradeVerdict, evidence
from frontdesk.graphs.state import SupportState, last_ai_message
from frontdesk.llm.factory import ModelProvider
from frontdesk.runtime import RunContext
from frontdesk.tracing import instrument


def make_grader_node(models: ModelProvider) -> Callable[[SupportState, RunnableConfig, RunContext], Command[Any]]:
    """Build the node that grades the latest draft and routes on the verdict."""

    def ask_model(state: SupportState, config: RunnableConfig, context: RunContext, draft: AIMessage) -> GradeVerdict:
        model = models.for_agent(NAME)
        structured = model.with_structured_output(GradeVerdict, method="function_calling", include_raw=True)
        prompt = [SystemMessage(INSTRUCTIONS), HumanMessage(evidence(state.get("messages", []), draft))]
        thread_id = str(config.get("configurable", {}).get("thread_id", ""))
        with instrument.agent_call(context, NAME, thread_id, model, prompt) as record:
            result: dict[str, Any] = structured.invoke(prompt, config)  # type: ignore[assignment]  # include_raw=True returns a dict
            record(result["raw"])
        return result["parsed"] or GradeVerdict(verdict="fail", score=0.0, reasons=[f"The grader's output could not be read: {result['parsing_error']}"])

    def grade(state: SupportState, config: RunnableConfig, context: RunContext) -> Command[Any]:
        draft = last_ai_message(state)
        invented = unsupported_citations(state.get("messages", []), str(draft.content))
        verdict = GradeVerdict(verdict="fail", score=0.0, reasons=invented) if invented else ask_model(state, config, context, draft)
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
        return Command(goto="human_handoff", update={"grade": grade, "messages": withdraw, "handoff_reason": reason, "handoff_priority": "high"})

    return grade
