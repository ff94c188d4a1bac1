"""``build_graph``: the support graph as a compiled LangGraph ``StateGraph``.

router → customer_service ⇄ tools, customer_service → researcher (handoff tool),
every draft → grader → END | back to its agent once | human_handoff (``interrupt()``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.store.base import BaseStore
from opentelemetry.metrics import Meter
from opentelemetry.trace import Tracer

from frontdesk.agents.base import AgentSpec, make_agent_node
from frontdesk.agents.customer_service import customer_service_agent
from frontdesk.agents.grader import make_grader_node
from frontdesk.agents.researcher import researcher_agent
from frontdesk.graphs.approvals import ApprovalPolicy
from frontdesk.graphs.human import make_human_node
from frontdesk.graphs.router import make_router
from frontdesk.graphs.state import SupportState
from frontdesk.graphs.summarize import make_summarize_node
from frontdesk.graphs.tools_node import make_tools_node
from frontdesk.llm.factory import ModelProvider, as_provider, openai_compatible_model
from frontdesk.runtime import Services
from frontdesk.settings import Settings
from frontdesk.tools.base import Tool
from frontdesk.tracing.instrument import traced_node
from frontdesk.tracing.metrics import GenAIMetrics
from frontdesk.tracing.pricing import PriceTable

ENTRY_AGENT = "customer_service"


DEFAULT_AGENTS = {"customer_service": customer_service_agent, "researcher": researcher_agent}
"""The shipped agents by name: customer service (the entry agent) and the researcher."""


def default_agent_specs() -> dict[str, AgentSpec]:
    """The shipped agents, built (what scenario scripts are checked against)."""
    return {name: make() for name, make in DEFAULT_AGENTS.items()}


def build_graph(
    settings: Settings | None = None,
    *,
    model: BaseChatModel | Mapping[str, BaseChatModel] | ModelProvider | None = None,
    checkpointer: BaseCheckpointSaver | None = None,
    store: BaseStore | None = None,
    tools: Sequence[Tool] = (),
    agents: Sequence[AgentSpec] = (),
    engine: Any = None,
    knowledge: Any = None,
    tracer: Tracer | None = None,
    meter: Meter | None = None,
    capture_content: bool | None = None,
    grade_replies: bool | None = None,
    summarize_after: int | None = None,
    approvals: ApprovalPolicy | None = None,
) -> CompiledStateGraph:
    """Build and compile the support graph.

    ``model`` is one chat model for every agent, a mapping from agent name to model, or a
    provider; without it, the OpenAI-compatible endpoint from ``settings`` is used.
    ``tools`` are extra typed tools for the customer-service agent; ``agents`` replace
    shipped agents of the same name or add new ones (reachable via handoff tools).
    ``engine`` is the domain DB (SQLAlchemy engine) the retail tools act on, ``knowledge``
    the knowledge base the researcher searches. ``tracer``/``meter`` receive GenAI spans and
    metrics (message contents only with ``capture_content``). ``summarize_after`` bounds the thread: past
    that many messages, older turns are folded into ``summary`` (``0`` turns it off).
    ``approvals`` decides which WRITE calls wait for an operator (default: refunds above
    ``settings.approval_limit``).
    """
    settings = settings or Settings.from_env()
    provider = as_provider(model) if model is not None else as_provider(openai_compatible_model(settings))
    services = Services(engine=engine, knowledge=knowledge, store=store, prices=PriceTable.from_env())
    services.capture_content = settings.capture_content if capture_content is None else capture_content
    if tracer is not None:
        services.tracer = tracer
    if meter is not None:
        services.metrics = GenAIMetrics(meter)
    grading = settings.grade_replies if grade_replies is None else grade_replies
    limit = settings.summarize_after if summarize_after is None else summarize_after

    given = {spec.name: spec for spec in agents}
    specs = {name: given.get(name) or make() for name, make in DEFAULT_AGENTS.items()}
    specs.update(given)
    if tools:
        specs[ENTRY_AGENT] = specs[ENTRY_AGENT].with_tools(*tools)
    names = tuple(specs)

    def node(name: str, fn: Any, **kwargs: Any) -> None:
        builder.add_node(name, traced_node(services, name, fn), **kwargs)

    builder = StateGraph(SupportState)
    node("router", make_router(ENTRY_AGENT, summarize_after=limit or None), destinations=(ENTRY_AGENT, "summarize", "human_handoff"))
    node("summarize", make_summarize_node(provider, services, keep=settings.keep_messages))
    builder.add_edge("summarize", ENTRY_AGENT)
    for spec in specs.values():
        node(spec.name, make_agent_node(spec, provider, services, grade_replies=grading, max_steps=settings.max_agent_steps), destinations=("tools", "grader", "human_handoff", END))
    policy = approvals or ApprovalPolicy(limit=settings.approval_limit)
    node("tools", make_tools_node(specs, services, policy), destinations=(*names, "human_handoff"))
    node("grader", make_grader_node(provider, services), destinations=(*names, "human_handoff", END))
    node("human_handoff", make_human_node(services, return_to_bot=settings.return_to_bot), destinations=(END,))
    builder.add_edge(START, "router")
    return builder.compile(checkpointer=checkpointer, store=store, name="frontdesk-support")
