"""The grader: checks each draft reply before it reaches the customer (in the step of the
agent that wrote it, see ``graphs.review``).

Output guardrails run first, cheapest first: the citation check (a draft citing a passage
no search returned this turn fails outright), then the app's own; the grader model is
asked only if they all pass. A failing draft is removed from the conversation (the
customer never sees it) and goes back to its agent once with the reasons; failing again —
or a guardrail asking for a person — hands the thread to a person, at high priority,
rather than sending a reply nobody trusts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, RemoveMessage, SystemMessage
from langchain_core.output_parsers.openai_tools import PydanticToolsParser
from langchain_core.outputs import ChatGeneration
from langchain_core.runnables import RunnableConfig
from langchain_core.utils.function_calling import convert_to_openai_tool
from langgraph.constants import TAG_NOSTREAM
from langgraph.graph import END
from langgraph.types import Command

from frontdesk.agents.citations import CitedSourcesOnly
from frontdesk.agents.grader import INSTRUCTIONS, MAX_REVISIONS, NAME, GradeVerdict, evidence
from frontdesk.gateway.errors import ModelUnavailable
from frontdesk.graphs.nodes import SyncAndAsync
from frontdesk.graphs.state import SupportState, last_ai_message
from frontdesk.guardrails.base import GuardrailContext, GuardrailResult, OutputGuardrail, first_trip, record_trip
from frontdesk.guardrails.withheld import model_view
from frontdesk.llm.factory import ModelProvider
from frontdesk.runtime import RunContext
from frontdesk.tracing import instrument

_VERDICT_PARSER = PydanticToolsParser(tools=[GradeVerdict], first_tool_only=True)
_VERDICT_TOOL = convert_to_openai_tool(GradeVerdict)
"""The verdict's function-calling schema, converted once: converting the pydantic class is a
JSON Schema generation, and every new grader model (each graph a replay builds) bound it again."""


def read_verdict(raw: Any) -> GradeVerdict:
    """The verdict the grader model called with; a failing one naming why when it cannot be read."""
    # parsed directly: the parser's Runnable ``invoke`` set up a callback run per verdict (~0.1 ms, ~4x the
    # parsing)
    try:
        parsed = (
            _VERDICT_PARSER.parse_result([ChatGeneration(message=raw)])
            if isinstance(raw, BaseMessage)
            else _VERDICT_PARSER.invoke(raw)
        )
    except Exception as exc:  # malformed arguments, wrong types: the draft is not trusted
        return GradeVerdict(verdict="fail", score=0.0, reasons=[f"The grader's output could not be read: {exc}"])
    if not isinstance(parsed, GradeVerdict):
        return GradeVerdict(
            verdict="fail", score=0.0, reasons=["The grader's output could not be read: it did not give a verdict"]
        )
    return parsed


def unstreamed(config: RunnableConfig) -> RunnableConfig:
    """``config`` with LangGraph's tag that keeps a model call out of ``stream_mode="messages"``."""
    return {**config, "tags": [*config.get("tags", []), TAG_NOSTREAM]}


def make_grader_node(
    models: ModelProvider, output_guardrails: Sequence[OutputGuardrail] = (), *, grade_with_model: bool = True
) -> SyncAndAsync:
    """Build the check of the latest draft that routes on the verdict (both forms: see ``SyncAndAsync``)."""
    checks: tuple[OutputGuardrail, ...] = (CitedSourcesOnly(), *output_guardrails)

    structured_models: dict[int, tuple[Any, Any]] = {}

    def structured_for(model: Any) -> Any:
        """The grader model made to answer by calling ``GradeVerdict``, bound once per model.

        What ``with_structured_output(method="function_calling")`` binds, without its
        tracing metadata (LangChain rebuilt the schema from it on every call) and with the
        reply read here, so a reply that cannot be read is a failed verdict, not an error.
        """
        known = structured_models.get(id(model))
        if known is not None and known[0] is model:
            return known[1]
        structured = model.bind_tools([_VERDICT_TOOL], tool_choice="any")
        if len(structured_models) >= 64:
            structured_models.clear()
        structured_models[id(model)] = (model, structured)
        return structured

    def asking(
        state: SupportState, config: RunnableConfig, draft: AIMessage
    ) -> tuple[Any, Any, list[BaseMessage], str]:
        """What to ask the grader model. Its call is kept out of the token stream: it runs in the
        agent's step, and its tokens are not the agent's reply."""
        model = models.for_agent(NAME)
        prompt: list[BaseMessage] = [
            SystemMessage(INSTRUCTIONS),
            HumanMessage(evidence(model_view(state.get("messages", [])), draft)),
        ]
        return model, structured_for(model), prompt, str(config.get("configurable", {}).get("thread_id", ""))

    def ask_model(state: SupportState, config: RunnableConfig, context: RunContext, draft: AIMessage) -> GradeVerdict:
        model, structured, prompt, thread_id = asking(state, config, draft)
        with instrument.agent_call(context, NAME, thread_id, model, prompt) as record:
            raw = structured.invoke(prompt, unstreamed(config))
            record(raw)
        return read_verdict(raw)

    async def aask_model(
        state: SupportState, config: RunnableConfig, context: RunContext, draft: AIMessage
    ) -> GradeVerdict:
        model, structured, prompt, thread_id = asking(state, config, draft)
        with instrument.agent_call(context, NAME, thread_id, model, prompt) as record:
            raw = await structured.ainvoke(prompt, unstreamed(config))
            record(raw)
        return read_verdict(raw)

    def guardrail_trip(
        state: SupportState, config: RunnableConfig, context: RunContext, draft: AIMessage
    ) -> tuple[str, GuardrailResult] | None:
        thread_id = str(config.get("configurable", {}).get("thread_id", ""))
        ctx = GuardrailContext(thread_id, state.get("customer_id"), state.get("messages", []), context)
        trip = first_trip((check.name, check.check_output(str(draft.content), ctx)) for check in checks)
        if trip is not None:
            record_trip(trip[0], "output", trip[1], context)
        return trip

    def unavailable(exc: ModelUnavailable, draft: Any) -> Command[Any]:
        """An unchecked draft is not sent: the fixed reply and a person instead."""
        instrument.event("frontdesk.model.unavailable", **{"frontdesk.agent": NAME})
        update = {
            "messages": [RemoveMessage(id=draft.id), AIMessage(content=exc.fallback_reply, name=draft.name)],
            "handoff_reason": str(exc),
            "handoff_priority": "high",
            "handoff_cause": "model_unavailable",
        }
        return Command(goto="human_handoff", update=update)

    def grade(state: SupportState, config: RunnableConfig, context: RunContext) -> Command[Any]:
        draft = last_ai_message(state)
        trip = guardrail_trip(state, config, context, draft)
        if trip is not None or not grade_with_model:
            return conclude(state, context, draft, trip, None)
        try:
            verdict = ask_model(state, config, context, draft)
        except ModelUnavailable as exc:
            return unavailable(exc, draft)
        return conclude(state, context, draft, None, verdict)

    async def agrade(state: SupportState, config: RunnableConfig, context: RunContext) -> Command[Any]:
        draft = last_ai_message(state)
        trip = guardrail_trip(state, config, context, draft)
        if trip is not None or not grade_with_model:
            return conclude(state, context, draft, trip, None)
        try:
            verdict = await aask_model(state, config, context, draft)
        except ModelUnavailable as exc:
            return unavailable(exc, draft)
        return conclude(state, context, draft, None, verdict)

    def conclude(
        state: SupportState,
        context: RunContext,
        draft: Any,
        trip: tuple[str, GuardrailResult] | None,
        model_verdict: GradeVerdict | None,
    ) -> Command[Any]:
        """Route on the verdict: a guardrail's, the grader model's, or a pass when neither applies."""
        withdraw = [RemoveMessage(id=draft.id)]
        if trip is not None:
            checked_by, result = trip
            verdict = GradeVerdict(verdict="fail", score=0.0, reasons=[result.reason])
        elif model_verdict is not None:
            checked_by, verdict = "model", model_verdict
            if verdict.verdict != "pass":
                record_trip(NAME, "output", GuardrailResult.block("; ".join(verdict.reasons)), context)
        else:
            checked_by, verdict = "guardrails", GradeVerdict(verdict="pass", score=1.0, reasons=[])
        grade = {**verdict.model_dump(), "draft": str(draft.content), "agent": draft.name, "checked_by": checked_by}
        instrument.event(
            "frontdesk.grader.verdict",
            **{
                "frontdesk.grader.verdict": verdict.verdict,
                "frontdesk.grader.score": verdict.score,
                "frontdesk.grader.checked_by": checked_by,
            },
        )
        if verdict.verdict == "pass":
            return Command(goto=END, update={"grade": grade})
        if trip is not None and trip[1].action == "handoff":
            reason = f"{checked_by}: {trip[1].reason}"
            handoff = {
                "grade": grade,
                "messages": withdraw,
                "handoff_reason": reason,
                "handoff_priority": "high",
                "handoff_cause": "guardrail",
            }
            return Command(goto="human_handoff", update=handoff)
        revisions = state.get("revisions", 0)
        if revisions < MAX_REVISIONS:
            return Command(goto=draft.name, update={"grade": grade, "revisions": revisions + 1, "messages": withdraw})
        reason = "Replies kept failing review: " + "; ".join(verdict.reasons)
        handoff = {
            "grade": grade,
            "messages": withdraw,
            "handoff_reason": reason,
            "handoff_priority": "high",
            "handoff_cause": "grader_failed",
        }
        return Command(goto="human_handoff", update=handoff)

    grade.__name__ = agrade.__name__ = "grade"
    return SyncAndAsync(grade, agrade)
