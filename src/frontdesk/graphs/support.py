"""``build_graph``: the support graph as a compiled LangGraph ``StateGraph``.

customer_service ⇄ tools (each new customer message's turn opened in customer service's own
step, see ``graphs.router``), customer_service → researcher (handoff tool), every draft →
reviewed by the grader in its agent's step (``graphs.review``) → END | back to its agent once
| human_handoff (``interrupt()``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.store.base import BaseStore
from opentelemetry.metrics import Meter
from opentelemetry.trace import Tracer
from sqlalchemy.engine import Engine

from frontdesk.agents.base import AgentSpec
from frontdesk.agents.customer_service import customer_service_agent
from frontdesk.agents.grounding import GroundedFacts
from frontdesk.agents.intents import IntentClassifier
from frontdesk.agents.researcher import researcher_agent
from frontdesk.config.settings import ConfigError, Settings
from frontdesk.domains import get_domain
from frontdesk.domains.base import Domain
from frontdesk.gateway.provider import GatewayProvider
from frontdesk.graphs.agent_node import make_agent_node
from frontdesk.graphs.grader_node import make_grader_node
from frontdesk.graphs.human import make_human_node
from frontdesk.graphs.nodes import graph_node
from frontdesk.graphs.router import make_turn_opener
from frontdesk.graphs.state import SupportState
from frontdesk.graphs.summarize import make_summarize_node
from frontdesk.graphs.tools_node import make_tools_node
from frontdesk.guardrails.base import Guardrail, Guardrails
from frontdesk.knowledge.embeddings import default_embedder
from frontdesk.knowledge.store import KnowledgeBase
from frontdesk.llm.factory import ModelProvider, as_provider, openai_compatible_model
from frontdesk.operators.approval_gate import ApprovalPolicy
from frontdesk.runtime import RunContext
from frontdesk.tools.base import Tool
from frontdesk.tools.execution import ToolPolicy
from frontdesk.tools.identity import IdentityFromCustomer
from frontdesk.tracing.metrics import GenAIMetrics
from frontdesk.tracing.pricing import PriceTable

logger = logging.getLogger("frontdesk")

ENTRY_AGENT = "customer_service"
AGENT_ROLE = "frontdesk.agent"
"""Node metadata key marking the nodes that are agents (what stream readers listen to)."""


def default_agent_specs(domain: Domain | str = "retail") -> dict[str, AgentSpec]:
    """The shipped agents for ``domain``: customer service (the entry agent) and the researcher."""
    spec = get_domain(domain)
    return {ENTRY_AGENT: customer_service_agent(spec.instructions, spec.tools), "researcher": researcher_agent()}


def agent_specs(
    domain: Domain,
    *,
    tools: Sequence[Tool] = (),
    agents: Sequence[AgentSpec] = (),
    agent_tools: Mapping[str, Sequence[Tool]] | None = None,
) -> dict[str, AgentSpec]:
    """The graph's agents: the shipped ones, replaced or joined by ``agents``, with ``tools``
    added to the entry agent and ``agent_tools`` to the agents they name (see :func:`build_graph`)."""
    given = {agent.name: agent for agent in agents}
    specs = {name: given.get(name) or shipped for name, shipped in default_agent_specs(domain).items()}
    specs.update(given)
    if tools:
        specs[ENTRY_AGENT] = specs[ENTRY_AGENT].with_tools(*tools)
    for agent_name, extra in (agent_tools or {}).items():
        if agent_name not in specs:
            raise ConfigError(
                f"tools were given for agent {agent_name!r}, which the graph does not have; it has {', '.join(specs)}"
            )
        specs[agent_name] = specs[agent_name].with_tools(*extra)
    return specs


def intent_classifier(domain: Domain, settings: Settings, knowledge: KnowledgeBase | None) -> IntentClassifier | None:
    """The intent classifier when routing is on and the domain lists intents; it needs the
    embedding model (the knowledge base's, else the bundled one) and is off without it."""
    if not settings.routes_intents or not domain.intents:
        return None
    embedder = (knowledge.embedder if knowledge is not None else None) or default_embedder()
    if embedder is None:
        logger.warning("intent routing is on but no embedding model is installed here; every tool is offered")
        return None
    return IntentClassifier(domain.intents, embedder)


def agent_names(graph: CompiledStateGraph[Any, Any, Any, Any]) -> frozenset[str]:
    """The names of the nodes that are agents in a graph built by :func:`build_graph`."""
    return frozenset(name for name, node in graph.builder.nodes.items() if (node.metadata or {}).get(AGENT_ROLE))


def build_graph(
    settings: Settings | None = None,
    *,
    model: BaseChatModel | Mapping[str, BaseChatModel] | ModelProvider | None = None,
    checkpointer: BaseCheckpointSaver | None = None,
    store: BaseStore | None = None,
    tools: Sequence[Tool] = (),
    agent_tools: Mapping[str, Sequence[Tool]] | None = None,
    agents: Sequence[AgentSpec] = (),
    domain: Domain | str | None = None,
    engine: Engine | None = None,
    knowledge: KnowledgeBase | None = None,
    tracer: Tracer | None = None,
    meter: Meter | None = None,
    context: RunContext | None = None,
    capture_content: bool | None = None,
    grade_replies: bool | None = None,
    summarize_after: int | None = None,
    approvals: ApprovalPolicy | None = None,
    policies: Sequence[ToolPolicy] = (),
    confirm_writes: bool | None = None,
    guardrails: Sequence[Guardrail] = (),
    deps: Any = None,
) -> CompiledStateGraph[SupportState, RunContext, SupportState, SupportState]:
    """Build and compile the support graph.

    ``model`` is one chat model for every agent, a mapping from agent name to model, or a
    provider; without it, the OpenAI-compatible endpoint from ``settings`` is used.
    ``domain`` (a registered name or a ``Domain``; default ``settings.domain``) gives the
    customer-service agent its instructions and tools and the approval gate its money rule.
    ``tools`` are extra typed tools for the customer-service agent; ``agents`` replace
    shipped agents of the same name or add new ones (reachable via handoff tools);
    ``agent_tools`` adds tools to the agents it names (an MCP server's, say).

    The run-time parts — the domain DB ``engine``, the ``knowledge`` base, ``tracer`` and
    ``meter`` — form the graph's default :class:`RunContext`; a run may pass its own with
    ``graph.invoke(..., context=RunContext(...))``. The long-term ``store`` is compiled in
    (LangGraph hands it to every run; the LangGraph server brings its own).
    ``summarize_after`` bounds the thread: past that many messages, older turns are folded
    into ``summary`` (``0`` turns it off). ``approvals`` decides which WRITE calls wait for
    an operator (default: the domain's money-moving calls above ``settings.approval_limit``);
    ``policies`` are further tool-pipeline checks that run after it. ``confirm_writes``
    (default ``settings.confirm_writes``) makes every WRITE wait for the customer's yes.
    ``guardrails`` are the app's checks (see :mod:`frontdesk.guardrails`): input ones run
    on each customer message before an agent, output ones on each draft before the grader
    model, tool ones on each call after ownership and before confirmation and approval.
    """
    settings = settings or Settings.from_env()
    spec = get_domain(domain or settings.domain)
    base = as_provider(model) if model is not None else as_provider(openai_compatible_model(settings))
    provider = GatewayProvider(settings, base, streaming=bool(getattr(model, "streaming", False)))
    default = context or RunContext(
        engine=engine, knowledge=knowledge, store=store, prices=PriceTable.from_env(), deps=deps
    )
    if context is None:
        default.capture_content = settings.capture_content if capture_content is None else capture_content
        default.redact_content = settings.redact_content
        if tracer is not None:
            default.tracer = tracer
        if meter is not None:
            default.metrics = GenAIMetrics(meter)
    grading = settings.grade_replies if grade_replies is None else grade_replies
    sorted_guardrails = Guardrails.of(guardrails)
    limit = settings.summarize_after if summarize_after is None else summarize_after

    specs = agent_specs(spec, tools=tools, agents=agents, agent_tools=agent_tools)
    names = tuple(specs)

    def node(name: str, fn: Any, **kwargs: Any) -> None:
        builder.add_node(name, graph_node(default, name, fn), **kwargs)

    builder = StateGraph(SupportState, context_schema=RunContext)
    classifier = intent_classifier(spec, settings, knowledge)
    open_turn = make_turn_opener(
        summarize_after=limit or None,
        input_guardrails=sorted_guardrails.input,
        classify=classifier.classify if classifier else None,
    )
    node("summarize", make_summarize_node(provider, keep=settings.keep_messages))
    builder.add_edge("summarize", ENTRY_AGENT)
    confirming = settings.confirm_writes if confirm_writes is None else confirm_writes
    by_rules = settings.grading_mode == "rules"
    output_checks = (GroundedFacts(), *sorted_guardrails.output) if grading and by_rules else sorted_guardrails.output
    review = (
        make_grader_node(provider, output_checks, grade_with_model=grading and not by_rules)
        if grading or sorted_guardrails.output
        else None
    )
    for agent in specs.values():
        routing = classifier is not None and agent.name == ENTRY_AGENT
        make = make_agent_node(
            agent,
            provider,
            review=review,
            max_steps=settings.max_agent_steps,
            intents=spec.intents if routing else (),
            login_steps=spec.login_steps if routing else (),
            force_writes=confirming,
            own_steps=agent.steps if classifier is not None else (),
            direct_steps=settings.calls_steps_directly,
            open_turn=open_turn if agent.name == ENTRY_AGENT else None,
        )
        exits = ("tools", "human_handoff", END, agent.name, *(("summarize",) if agent.name == ENTRY_AGENT else ()))
        node(agent.name, make, destinations=exits, metadata={AGENT_ROLE: True})
    identity_checks = (
        (IdentityFromCustomer(), *sorted_guardrails.tool) if settings.checks_identity else sorted_guardrails.tool
    )
    checks = spec.policies(
        settings.approval_limit, confirm_writes=confirming, approvals=approvals, guardrails=identity_checks
    )
    node(
        "tools",
        make_tools_node(specs, (*checks, *policies), time_limit=settings.tool_time_limit),
        destinations=(*names, "human_handoff"),
    )
    node("human_handoff", make_human_node(return_to_bot=settings.return_to_bot), destinations=(END,))
    builder.add_edge(START, ENTRY_AGENT)
    return builder.compile(checkpointer=checkpointer, store=store, name="frontdesk-support")
