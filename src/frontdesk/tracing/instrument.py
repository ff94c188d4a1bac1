"""Spans and metrics the support graph emits, following the OpenTelemetry GenAI conventions.

Conventions followed: OpenTelemetry semantic conventions for generative AI (development
status) as shipped in ``opentelemetry-semantic-conventions`` 0.66b2 — the attribute names
below come from that package, pinned in constraints.txt. Spans: ``invoke_agent {agent}``
> ``chat {model}``; ``execute_tool {tool}``; ``node {name}`` for every graph node; the root
``frontdesk.turn``. Metrics: ``gen_ai.client.token.usage`` and
``gen_ai.client.operation.duration``. Message contents go on spans only when
``capture_content`` is on.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from langgraph.errors import GraphBubbleUp
from opentelemetry import trace
from opentelemetry.semconv._incubating.attributes import gen_ai_attributes as gen_ai
from opentelemetry.trace import Status, StatusCode

from frontdesk.runtime import RunContext
from frontdesk.tracing.redact import redact

TOOL_KIND = "frontdesk.tool.kind"
COST = "frontdesk.cost.usd"


def model_name(model: Any) -> str:
    """Best-effort model name of a LangChain chat model."""
    for attr in ("model_name", "model"):
        value = getattr(model, attr, None)
        if isinstance(value, str) and value:
            return value
    return type(model).__name__


def provider_name(model: Any) -> str:
    """``gen_ai.provider.name`` of the model that answers: the gateway's first model, by its
    class and every class it derives from (frontdesk's own OpenAI clients are subclasses of
    LangChain's ``ChatOpenAI``, so the exact class name said "scripted" for a real endpoint)."""
    routes = getattr(model, "routes", None)
    answering = routes[getattr(model, "start_tier", 0)].model if routes else model
    lineage = {cls.__name__ for cls in type(answering).__mro__}
    if "LlamaCppChatOpenAI" in lineage:
        return "frontdesk.local"
    if "ChatOpenAI" in lineage or "BaseChatOpenAI" in lineage:
        return "openai"
    if "ScriptedChatModel" in lineage:
        return "frontdesk.scripted"
    return type(answering).__name__


def _messages_json(messages: Any, context: RunContext) -> str:
    return _content(
        json.dumps(
            [{"role": getattr(m, "type", "?"), "content": str(getattr(m, "content", m))} for m in messages or []]
        ),
        context,
    )


MAX_CONTENT_CHARS = 8_000
"""Longest content put on one span attribute; the rest is cut with a note (a 10 MB tool result is not a span)."""


def _content(text: str, context: RunContext) -> str:
    """Content as it may go on a span (only called when capture is on): at most ``MAX_CONTENT_CHARS``, redacted unless
    turned off."""
    if len(text) > MAX_CONTENT_CHARS:
        text = f"{text[:MAX_CONTENT_CHARS]}... [{len(text) - MAX_CONTENT_CHARS} more characters not recorded]"
    return redact(text) if context.redact_content else text


@contextmanager
def agent_call(
    context: RunContext, agent: str, thread_id: str, model: Any, prompt: Any = None
) -> Iterator[Callable[[Any], None]]:
    """``invoke_agent {agent}`` with a ``chat {model}`` child; yields a recorder for the reply."""
    tracer = context.tracer
    name = model_name(model)
    provider = provider_name(model)
    with tracer.start_as_current_span(
        f"invoke_agent {agent}",
        attributes={
            gen_ai.GEN_AI_OPERATION_NAME: "invoke_agent",
            gen_ai.GEN_AI_AGENT_NAME: agent,
            gen_ai.GEN_AI_CONVERSATION_ID: thread_id,
        },
    ):
        common = {
            gen_ai.GEN_AI_OPERATION_NAME: "chat",
            gen_ai.GEN_AI_REQUEST_MODEL: name,
            gen_ai.GEN_AI_PROVIDER_NAME: provider,
        }
        with tracer.start_as_current_span(
            f"chat {name}",
            kind=trace.SpanKind.CLIENT,
            attributes={**common, gen_ai.GEN_AI_AGENT_NAME: agent, gen_ai.GEN_AI_CONVERSATION_ID: thread_id},
        ) as span:
            if context.capture_content and prompt is not None:
                span.set_attribute(gen_ai.GEN_AI_INPUT_MESSAGES, _messages_json(prompt, context))
            started = time.perf_counter()

            def record(reply: Any) -> None:
                usage = getattr(reply, "usage_metadata", None) or {}
                meta = getattr(reply, "response_metadata", None) or {}
                input_tokens, output_tokens = int(usage.get("input_tokens", 0)), int(usage.get("output_tokens", 0))
                if usage:
                    span.set_attribute(gen_ai.GEN_AI_USAGE_INPUT_TOKENS, input_tokens)
                    span.set_attribute(gen_ai.GEN_AI_USAGE_OUTPUT_TOKENS, output_tokens)
                    cost = context.prices.cost(name, input_tokens, output_tokens) if context.prices else None
                    if cost is not None:
                        span.set_attribute(COST, cost)
                if meta.get("finish_reason"):
                    span.set_attribute(gen_ai.GEN_AI_RESPONSE_FINISH_REASONS, [str(meta["finish_reason"])])
                if meta.get("model_name"):
                    span.set_attribute(gen_ai.GEN_AI_RESPONSE_MODEL, str(meta["model_name"]))
                if context.capture_content:
                    span.set_attribute(gen_ai.GEN_AI_OUTPUT_MESSAGES, _messages_json([reply], context))
                if context.metrics is not None:
                    context.metrics.record_call(
                        common,
                        time.perf_counter() - started,
                        input_tokens if usage else None,
                        output_tokens if usage else None,
                    )

            yield record


@contextmanager
def tool_call(
    context: RunContext, tool: str, call_id: str, kind: str, thread_id: str, arguments: Any = None
) -> Iterator[Callable[[bool, str], None]]:
    """``execute_tool {tool}``; yields a recorder for the outcome (ok, content)."""
    with context.tracer.start_as_current_span(
        f"execute_tool {tool}",
        attributes={
            gen_ai.GEN_AI_OPERATION_NAME: "execute_tool",
            gen_ai.GEN_AI_TOOL_NAME: tool,
            gen_ai.GEN_AI_TOOL_CALL_ID: call_id,
            gen_ai.GEN_AI_TOOL_TYPE: "function",
            gen_ai.GEN_AI_CONVERSATION_ID: thread_id,
            TOOL_KIND: kind,
        },
    ) as span:
        if context.capture_content and arguments is not None:
            span.set_attribute(gen_ai.GEN_AI_TOOL_CALL_ARGUMENTS, _content(json.dumps(arguments, default=str), context))

        def record(ok: bool, content: str) -> None:
            if context.capture_content:
                span.set_attribute(gen_ai.GEN_AI_TOOL_CALL_RESULT, _content(content, context))
            if not ok:
                # The error text echoes arguments (an email, an order id): content, so only with capture on.
                span.set_status(
                    Status(
                        StatusCode.ERROR, _content(content[:200], context) if context.capture_content else "tool_error"
                    )
                )
                span.set_attribute("error.type", "tool_error")

        yield record


def event(name: str, **attributes: Any) -> None:
    """Add an event (handoff, approval, grader verdict) to the current span."""
    span = trace.get_current_span()
    span.add_event(name, {k: v for k, v in attributes.items() if v is not None})


@contextmanager
def turn(
    tracer: Any,
    *,
    thread_id: str,
    scenario: str | None = None,
    turn: int | None = None,
    labels: Mapping[str, str] | None = None,
) -> Iterator[str]:
    """The root span of one graph run (one customer turn); yields the run id (trace id).

    ``labels`` (see :mod:`frontdesk.tracing.labels`: the model, prompt version, config hash
    and the deployment's tags) make turns comparable across deployments.
    """
    attributes: dict[str, Any] = {
        gen_ai.GEN_AI_CONVERSATION_ID: thread_id,
        "frontdesk.thread.id": thread_id,
        **(labels or {}),
    }
    if scenario is not None:
        attributes["frontdesk.scenario"] = scenario
    if turn is not None:
        attributes["frontdesk.turn"] = turn
    current = trace.get_current_span()
    if current.is_recording() and getattr(current, "name", None) == "frontdesk.turn":
        # a turn inside a turn (a scenario's turn answering its own confirmation) is part of it
        yield format(current.get_span_context().trace_id, "032x")
        return
    with tracer.start_as_current_span("frontdesk.turn", attributes=attributes) as span:
        run_id = format(span.get_span_context().trace_id, "032x")
        span.set_attribute("frontdesk.run.id", run_id)
        yield run_id


@contextmanager
def node_span(context: RunContext, name: str, thread_id: str) -> Iterator[None]:
    """The ``node {name}`` span of one graph step (see :func:`frontdesk.graphs.nodes.graph_node`).

    A LangGraph interrupt (the thread pausing for a person) passes through as a normal
    outcome, an event on the span, not an error; any other exception marks the span as
    failed (its message only with content capture on)."""
    with context.tracer.start_as_current_span(
        f"node {name}",
        attributes={"frontdesk.node": name, gen_ai.GEN_AI_CONVERSATION_ID: thread_id},
        record_exception=False,
        set_status_on_exception=False,
    ) as span:
        try:
            yield
        except GraphBubbleUp:
            span.add_event("frontdesk.interrupt")
            raise
        except Exception as exc:
            if context.capture_content:
                span.record_exception(exc)
                span.set_status(Status(StatusCode.ERROR, _content(f"{type(exc).__name__}: {exc}"[:300], context)))
            else:
                span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
            span.set_attribute("error.type", type(exc).__name__)
            raise


RATINGS = ("up", "down")


def feedback(
    tracer: Any, *, run_id: str, thread_id: str, rating: str, comment: str | None = None, capture_content: bool = False
) -> None:
    """A customer's rating of a reply, as a ``frontdesk.feedback`` span in that reply's trace.

    The span joins the rated turn's trace (same trace id), so the rating sits with the
    conversation it judges; its parent is not a recorded span, and readers treat it as an
    annotation of the trace rather than part of the turn's timing. The comment is content:
    stored only with content capture on.
    """
    if rating not in RATINGS:
        raise ValueError(f"rating must be one of {', '.join(RATINGS)}, not {rating!r}")
    parent = trace.SpanContext(
        trace_id=int(run_id, 16),
        span_id=random.getrandbits(64) or 1,
        is_remote=True,
        trace_flags=trace.TraceFlags(trace.TraceFlags.SAMPLED),
    )
    attributes: dict[str, Any] = {
        "frontdesk.feedback.rating": rating,
        gen_ai.GEN_AI_CONVERSATION_ID: thread_id,
        "frontdesk.thread.id": thread_id,
    }
    if comment and capture_content:
        attributes["frontdesk.feedback.comment"] = comment[:2000]
    with tracer.start_as_current_span(
        "frontdesk.feedback", context=trace.set_span_in_context(trace.NonRecordingSpan(parent)), attributes=attributes
    ):
        pass
