"""What graph nodes and tools need at run time besides state: DB, store, knowledge, tracer.

LangGraph hands it to every node as ``Runtime.context`` (``graph.invoke(..., context=...)``):
one typed object per run instead of globals or parts captured when the graph was built, so
two runs of one compiled graph can use different databases or tracers. The long-term store
comes from LangGraph itself (``Runtime.store``: the store the graph was compiled with, or the
LangGraph server's), so memory works wherever the graph runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from opentelemetry import trace
from opentelemetry.trace import Tracer

if TYPE_CHECKING:
    from langgraph.store.base import BaseStore
    from sqlalchemy.engine import Engine

    from frontdesk.knowledge.store import KnowledgeBase
    from frontdesk.tracing.metrics import GenAIMetrics
    from frontdesk.tracing.pricing import PriceTable


def _noop_tracer() -> Tracer:
    return trace.NoOpTracerProvider().get_tracer("frontdesk")


@dataclass
class RunContext:
    """Shared run-time dependencies of the support graph's nodes and tools.

    Every field is optional: a graph without a domain DB still talks, a tool that needs
    the missing part says so to the model in one line. ``capture_content`` puts message
    and tool content on spans; ``redact_content`` then masks emails, cards and phones in it.
    """

    engine: Engine | None = None
    knowledge: KnowledgeBase | None = None
    store: BaseStore | None = None
    tracer: Tracer = field(default_factory=_noop_tracer)
    capture_content: bool = False
    redact_content: bool = True
    metrics: GenAIMetrics | None = None
    prices: PriceTable | None = None
    deps: Any = None
    """The app's own dependencies for its tools and guardrails (an API client, a feature-flag
    set): ``open_app(deps=...)`` for the deployment, ``Conversation(deps=...)`` for one
    conversation. Tools read them typed as ``ctx.deps`` with ``ctx: ToolContext[MyDeps]``."""


def resolve_context(runtime: Any, default: RunContext) -> RunContext:
    """The run's context: the one passed to ``invoke(context=...)``, else the graph's default.

    LangGraph's store (``Runtime.store``: the compiled graph's, or the LangGraph server's)
    wins over a store in the context, so long-term memory follows the deployment.
    """
    given = getattr(runtime, "context", None)
    context = given if isinstance(given, RunContext) else default
    store = getattr(runtime, "store", None)
    if store is not None and store is not context.store:
        context = replace(context, store=store)
    return context


TURN_STARTED = "frontdesk_turn_started"
"""``configurable`` key: when the turn began (``time.monotonic()`` in this process); the model gateway's turn deadline
counts from it.

Monotonic, not wall time: a clock step (NTP, a VM resumed) must not end or stretch a turn."""


@dataclass(frozen=True)
class NodeScope:
    """The run a node is executing for, for code the node calls without passing it along (the model gateway)."""

    context: RunContext
    thread_id: str
    turn_started: float | None = None


_SCOPE: ContextVar[NodeScope | None] = ContextVar("frontdesk_node_scope", default=None)


@contextmanager
def node_scope(scope: NodeScope) -> Iterator[None]:
    """Make ``scope`` current for the calls inside the block (set and reset within one node call)."""
    token = _SCOPE.set(scope)
    try:
        yield
    finally:
        _SCOPE.reset(token)


def current_scope() -> NodeScope | None:
    """The scope of the node running in this thread, if any."""
    return _SCOPE.get()
