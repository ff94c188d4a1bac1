"""One assembly: everything a running frontdesk needs, opened from one ``Settings``.

``frontdesk chat``, ``serve``, ``inbox``, the LangGraph server entry, replay, tau2 and the
bench all open their parts here, so a deployment behaves the same whichever door it is
used through: the same checkpointer and long-term store (memory works everywhere), the
same domain DB, knowledge base and tracing. Any part can be handed in instead of opened
(replay gives each scenario a fresh domain DB; tests give a ``memory://`` database).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Unpack

from langchain_core.language_models import BaseChatModel
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph.state import CompiledStateGraph
from langgraph.store.base import BaseStore
from opentelemetry.metrics import Meter
from sqlalchemy.engine import Engine

from frontdesk.config.settings import ConfigError, Settings
from frontdesk.conversation.inbox import Inbox
from frontdesk.conversation.thread import Conversation
from frontdesk.domains import get_domain
from frontdesk.domains.base import Domain
from frontdesk.domains.database import open_domain_db
from frontdesk.graphs.options import GraphOptions, check_graph_options
from frontdesk.graphs.support import ENTRY_AGENT, agent_specs, build_graph, default_agent_specs, intent_classifier
from frontdesk.graphs.warmup import PromptWarmup, warm_prompt_cache
from frontdesk.guardrails.loading import load_guardrails
from frontdesk.knowledge import KnowledgeBase, default_knowledge_base
from frontdesk.llm.factory import ModelProvider, openai_compatible_model
from frontdesk.persistence.checkpoint import open_checkpointer
from frontdesk.persistence.store import open_store
from frontdesk.persistence.thread_locks import ThreadLocks
from frontdesk.persistence.urls import backend, domain_url
from frontdesk.runtime import RunContext
from frontdesk.tracing.labels import run_labels
from frontdesk.tracing.metrics import GenAIMetrics
from frontdesk.tracing.pricing import PriceTable
from frontdesk.tracing.setup import TracingHandle, configure_tracing


@dataclass
class FrontdeskApp:
    """A ready graph and the parts it runs on (``context`` is what each run receives)."""

    settings: Settings
    domain: Domain
    graph: CompiledStateGraph[Any, RunContext, Any, Any]
    checkpointer: BaseCheckpointSaver
    store: BaseStore
    engine: Engine
    knowledge: KnowledgeBase
    tracing: TracingHandle
    context: RunContext
    locks: ThreadLocks
    labels: dict[str, str]
    """What every turn's trace says about this deployment (model, prompt version, config hash, tags)."""
    warmup: PromptWarmup | None = None
    """The local model's prompt-cache warm-up, running in the background (see ``graphs.warmup``)."""

    def conversation(self, thread_id: str) -> Conversation:
        """One thread of this deployment: send messages, answer confirmations, read where it stands."""
        return Conversation(self, thread_id)

    def inbox(self) -> Inbox:
        """The operator's inbox over this deployment (its domain's tools check edited arguments)."""
        sla = timedelta(minutes=self.settings.ticket_sla_minutes)
        return Inbox(
            self.graph,
            self.engine,
            tools=self.domain.tools_by_name,
            sla=sla,
            context=self.context,
            locks=self.locks,
            customer_exists=self.domain.customer_exists,
            conversations=lambda thread_id: Conversation(self, thread_id, busy_wait_s=30.0),
        )


def open_knowledge(settings: Settings, domain: Domain) -> KnowledgeBase:
    """The configured knowledge base; the domain's demo pages go in only with ``settings.demo``."""
    pages = domain.demo_pages if settings.demo else None
    return default_knowledge_base(settings.resolved_knowledge_path, settings.retrieval_mode, demo_pages=pages)


def open_engine(settings: Settings, domain: Domain) -> Engine:
    """The domain DB of ``settings`` with every table; demo data only with ``settings.demo``."""
    return open_domain_db(domain_url(settings.resolved_database_url), domain, seed_demo=settings.demo)


@contextmanager
def open_app(
    settings: Settings,
    *,
    model: BaseChatModel | ModelProvider | Any = None,
    streaming: bool = True,
    engine: Engine | None = None,
    knowledge: KnowledgeBase | None = None,
    tracing: TracingHandle | None = None,
    checkpointer: BaseCheckpointSaver | None = None,
    store: BaseStore | None = None,
    meter: Meter | None = None,
    **options: Unpack[GraphOptions],
) -> Iterator[FrontdeskApp]:
    """Open checkpointer, store, domain DB, knowledge base and tracing, and build the graph.

    Parts handed in are used as they are and left open; parts opened here are closed
    when the block ends. ``options`` go to :func:`build_graph` (``grade_replies``,
    ``tools``, ``agents``, ``policies``, ``guardrails``, ``deps``...: :class:`GraphOptions`);
    guardrails named in ``settings.guardrails`` are imported and applied first.
    """
    check_graph_options(options)
    graph_options: dict[str, Any] = dict(options)
    deps = graph_options.pop("deps", None)
    domain = get_domain(settings.domain)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    url = settings.resolved_database_url
    with ExitStack() as stack:
        chat_model = model if model is not None else openai_compatible_model(settings, streaming=streaming)
        if engine is None:
            engine = open_engine(settings, domain)
            stack.callback(engine.dispose)
        if knowledge is None:
            knowledge = open_knowledge(settings, domain)
            stack.callback(knowledge.close)
        if tracing is None:
            tracing = configure_tracing(
                duckdb_path=settings.resolved_traces_path,
                otlp_endpoint=settings.otlp_endpoint,
                console=settings.console_traces,
            )
            stack.callback(tracing.shutdown)
        if checkpointer is None:
            checkpointer = stack.enter_context(open_checkpointer(url))
        if store is None:
            store = stack.enter_context(open_store(url))
        context = RunContext(
            engine=engine,
            knowledge=knowledge,
            store=store,
            tracer=tracing.tracer,
            capture_content=settings.capture_content,
            redact_content=settings.redact_content,
            metrics=GenAIMetrics(metered) if (metered := meter or tracing.meter) is not None else None,
            prices=PriceTable.from_env(),
            deps=deps,
        )
        if settings.mcp_servers:
            _add_mcp_tools(settings, domain, stack, graph_options)
        if settings.guardrails:
            graph_options["guardrails"] = [*load_guardrails(settings.guardrails), *graph_options.get("guardrails", ())]
        graph = build_graph(
            settings,
            model=chat_model,
            checkpointer=checkpointer,
            store=store,
            domain=domain,
            context=context,
            **graph_options,
        )
        locks = ThreadLocks(settings.data_dir / "locks", postgres_url=url if backend(url) == "postgres" else None)
        warmup = (
            _warm_local_model(settings, domain, knowledge, chat_model, graph_options)
            if model is None and settings.model == "local"
            else None
        )
        yield FrontdeskApp(
            settings,
            domain,
            graph,
            checkpointer,
            store,
            engine,
            knowledge,
            tracing,
            context,
            locks,
            run_labels(settings, domain),
            warmup,
        )


def _warm_local_model(
    settings: Settings, domain: Domain, knowledge: KnowledgeBase, chat_model: Any, graph_options: dict[str, Any]
) -> PromptWarmup:
    """Start evaluating the entry agent's shared prompt prefix on the local model (see ``graphs.warmup``),
    after embedding the intents' examples (the shared embedder keeps them for the graph's classifier).
    The entry agent is assembled as the graph assembles it, so an app's and MCP servers' tools are in the prefix too."""
    parts = {name: graph_options[name] for name in ("tools", "agents", "agent_tools") if graph_options.get(name)}
    entry = agent_specs(domain, **parts)[ENTRY_AGENT]
    classifier = intent_classifier(domain, settings, knowledge)
    intents = domain.intents if classifier is not None else ()
    return warm_prompt_cache(chat_model, entry, intents, first=classifier.prepare if classifier is not None else None)


def _add_mcp_tools(settings: Settings, domain: Domain, stack: ExitStack, graph_options: dict[str, Any]) -> None:
    """Connect the configured MCP servers (closed with ``stack``); their tools and approval gate join the graph's
    options."""
    try:
        from frontdesk.mcp.loading import open_mcp_tools  # noqa: PLC0415  # the optional ``mcp`` extra
    except ImportError as exc:
        raise ConfigError(
            f"mcp_servers needs the optional dependency {exc.name!r}: pip install 'frontdesk[mcp]'"
        ) from None
    own = {tool.name for spec in default_agent_specs(domain).values() for tool in spec.tools} | {
        tool.name for tool in graph_options.get("tools", ())
    }
    own |= {tool.name for spec in graph_options.get("agents", ()) for tool in spec.tools}
    own |= {tool.name for tools in (graph_options.get("agent_tools") or {}).values() for tool in tools}
    imported = open_mcp_tools(settings.mcp_servers, settings.data_dir, stack, taken=own)
    merged = {agent: list(tools) for agent, tools in (graph_options.get("agent_tools") or {}).items()}
    for agent, tools in imported.by_agent.items():
        merged.setdefault(agent, []).extend(tools)
    graph_options["agent_tools"] = merged
    if imported.approvals is not None:
        graph_options["policies"] = (*graph_options.get("policies", ()), imported.approvals)
