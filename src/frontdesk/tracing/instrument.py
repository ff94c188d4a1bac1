"""Spans the support graph emits around agents, model calls and tool calls.

Kept apart from the nodes so the nodes read as business logic, and so every span follows
the same GenAI naming: ``invoke_agent {agent}`` > ``chat {model}``, ``execute_tool {tool}``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from opentelemetry import trace
from opentelemetry.trace import Status, StatusCode

from frontdesk.runtime import Services


def model_name(model: Any) -> str:
    """Best-effort model name of a LangChain chat model."""
    for attr in ("model_name", "model"):
        value = getattr(model, attr, None)
        if isinstance(value, str) and value:
            return value
    return type(model).__name__


@contextmanager
def agent_call(services: Services, agent: str, thread_id: str, model: Any) -> Iterator[Callable[[Any], None]]:
    """``invoke_agent {agent}`` with a ``chat {model}`` child; yields a recorder for the reply."""
    tracer = services.tracer
    name = model_name(model)
    with tracer.start_as_current_span(
        f"invoke_agent {agent}",
        attributes={
            "gen_ai.operation.name": "invoke_agent",
            "gen_ai.agent.name": agent,
            "gen_ai.conversation.id": thread_id,
        },
    ):
        with tracer.start_as_current_span(
            f"chat {name}",
            kind=trace.SpanKind.CLIENT,
            attributes={
                "gen_ai.operation.name": "chat",
                "gen_ai.request.model": name,
                "gen_ai.agent.name": agent,
                "gen_ai.conversation.id": thread_id,
            },
        ) as span:

            def record(reply: Any) -> None:
                usage = getattr(reply, "usage_metadata", None) or {}
                meta = getattr(reply, "response_metadata", None) or {}
                if usage:
                    span.set_attribute("gen_ai.usage.input_tokens", int(usage.get("input_tokens", 0)))
                    span.set_attribute("gen_ai.usage.output_tokens", int(usage.get("output_tokens", 0)))
                if meta.get("finish_reason"):
                    span.set_attribute("gen_ai.response.finish_reasons", [str(meta["finish_reason"])])
                if meta.get("model_name"):
                    span.set_attribute("gen_ai.response.model", str(meta["model_name"]))

            yield record


@contextmanager
def tool_call(services: Services, tool: str, call_id: str, kind: str, thread_id: str) -> Iterator[Callable[[bool, str], None]]:
    """``execute_tool {tool}``; yields a recorder for the outcome (ok, content)."""
    with services.tracer.start_as_current_span(
        f"execute_tool {tool}",
        attributes={
            "gen_ai.operation.name": "execute_tool",
            "gen_ai.tool.name": tool,
            "gen_ai.tool.call.id": call_id,
            "gen_ai.conversation.id": thread_id,
            "frontdesk.tool.kind": kind,
        },
    ) as span:

        def record(ok: bool, content: str) -> None:
            if not ok:
                span.set_status(Status(StatusCode.ERROR, content[:200]))
                span.set_attribute("error.type", "tool_error")

        yield record


def event(name: str, **attributes: Any) -> None:
    """Add an event (handoff, approval, grader verdict) to the current span."""
    span = trace.get_current_span()
    span.add_event(name, {k: v for k, v in attributes.items() if v is not None})


@contextmanager
def turn(tracer: Any, *, thread_id: str, scenario: str | None = None, turn: int | None = None) -> Iterator[str]:
    """The root span of one graph run (one customer turn); yields the run id (trace id)."""
    attributes: dict[str, Any] = {"gen_ai.conversation.id": thread_id, "frontdesk.thread.id": thread_id}
    if scenario is not None:
        attributes["frontdesk.scenario"] = scenario
    if turn is not None:
        attributes["frontdesk.turn"] = turn
    with tracer.start_as_current_span("frontdesk.turn", attributes=attributes) as span:
        run_id = format(span.get_span_context().trace_id, "032x")
        span.set_attribute("frontdesk.run.id", run_id)
        yield run_id


def traced_node(services: Services, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a graph node in a ``node {name}`` span.

    A LangGraph interrupt (the thread pausing for a person) passes through as a normal
    outcome, not an error; any other exception marks the span as failed.
    """
    from langchain_core.runnables import RunnableConfig
    from langgraph.errors import GraphBubbleUp

    def run(state: Any, config: RunnableConfig) -> Any:
        thread_id = str((config or {}).get("configurable", {}).get("thread_id", ""))
        with services.tracer.start_as_current_span(
            f"node {name}",
            attributes={"frontdesk.node": name, "gen_ai.conversation.id": thread_id},
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            try:
                return fn(state, config)
            except GraphBubbleUp:
                span.add_event("frontdesk.interrupt")
                raise
            except Exception as exc:
                span.record_exception(exc)
                span.set_status(Status(StatusCode.ERROR, f"{type(exc).__name__}: {exc}"[:300]))
                span.set_attribute("error.type", type(exc).__name__)
                raise

    run.__name__ = name
    run.__doc__ = fn.__doc__
    return run
