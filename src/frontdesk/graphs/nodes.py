"""How a frontdesk function becomes a LangGraph node: the run's context handed in, a span around it.

Every node of the support graph is ``fn(state, config, context)``: ``context`` is the run's
:class:`RunContext` (LangGraph's ``Runtime.context``, else the graph's default; see
:func:`frontdesk.runtime.resolve_context`), never a captured global. A node whose model call
can be awaited comes as :class:`SyncAndAsync`, so ``astream`` awaits it instead of holding a
thread; LangGraph's own ``RunnableCallable`` picks the form by how the graph is run.

``RunnableCallable`` is LangGraph's private class: this module is the one place frontdesk
imports a LangGraph internal, and ``tests/core/test_langgraph_internals.py`` pins the version
it was checked against.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph._internal._runnable import RunnableCallable  # how LangGraph itself runs a node with both forms
from langgraph.runtime import Runtime

from frontdesk.runtime import TURN_STARTED, NodeScope, RunContext, node_scope, resolve_context
from frontdesk.tracing import instrument

NodeBody = Callable[[Any, RunnableConfig, RunContext], Any]


@dataclass(frozen=True)
class SyncAndAsync:
    """A node body in two forms: ``sync`` for ``invoke``/``stream``, ``asynchronous`` for
    ``ainvoke``/``astream`` (which then awaits its model call instead of holding a thread)."""

    sync: NodeBody
    asynchronous: Callable[[Any, RunnableConfig, RunContext], Awaitable[Any]]


def graph_node(default: RunContext, name: str, fn: NodeBody | SyncAndAsync) -> Any:
    """``fn`` as a node named ``name``: handed the run's context (``default`` when the run
    passes none), run inside a ``node {name}`` span and the node scope the model gateway
    reads (the turn's deadline counts from the turn's start)."""
    body = fn.sync if isinstance(fn, SyncAndAsync) else fn

    def run(state: Any, config: RunnableConfig, runtime: Runtime[RunContext]) -> Any:
        context, thread_id, started = _scope(default, config, runtime)
        with instrument.node_span(context, name, thread_id), node_scope(NodeScope(context, thread_id, started)):
            return body(state, config, context)

    run.__name__ = name
    run.__doc__ = body.__doc__
    if not isinstance(fn, SyncAndAsync):
        return run
    asynchronous = fn.asynchronous

    async def arun(state: Any, config: RunnableConfig, runtime: Runtime[RunContext]) -> Any:
        context, thread_id, started = _scope(default, config, runtime)
        with instrument.node_span(context, name, thread_id), node_scope(NodeScope(context, thread_id, started)):
            return await asynchronous(state, config, context)

    arun.__name__ = name
    return RunnableCallable(run, arun, name=name, trace=False)


def _scope(
    default: RunContext, config: RunnableConfig, runtime: Runtime[RunContext]
) -> tuple[RunContext, str, float | None]:
    """The run's context, its thread id and when its turn started (monotonic seconds, if known)."""
    configurable = (config or {}).get("configurable", {})
    started = configurable.get(TURN_STARTED)
    return (
        resolve_context(runtime, default),
        str(configurable.get("thread_id", "")),
        started if isinstance(started, int | float) else None,
    )
