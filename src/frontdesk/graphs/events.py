"""One reader of the support graph's stream: ``graph.stream`` chunks → typed turn events.

``frontdesk.Conversation`` (the chat CLI, the HTTP server's SSE, tau2 live runs) and
scenario replay all consume these, so they see the same turn the same way (the server
through the async twin, ``astream_turn``: a conversation waiting on its model holds no thread). Which nodes are agents
is read from the graph (node metadata set
by ``build_graph``), so an agent added with ``build_graph(agents=...)`` streams like the
shipped ones.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import AIMessage, AIMessageChunk, ToolMessage
from langchain_core.runnables import RunnableConfig
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import StreamMode

from frontdesk.graphs.support import agent_names
from frontdesk.persistence.checkpoint import DURABILITY
from frontdesk.runtime import TURN_STARTED, RunContext


@dataclass(frozen=True)
class Token:
    """A piece of an agent's reply as the model streams it (a draft: not yet graded)."""

    agent: str
    text: str


@dataclass(frozen=True)
class AgentMessage:
    """An agent's finished message: a draft reply, or tool calls (``tool_calls`` with ids and args)."""

    agent: str
    text: str
    tool_calls: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class ToolResult:
    """The result of one tool call, as the model will read it."""

    call_id: str
    name: str
    ok: bool
    content: str


@dataclass(frozen=True)
class AgentHandoff:
    """The conversation moved to another agent."""

    target: str


@dataclass(frozen=True)
class Waiting:
    """The thread paused: ``kind`` is ``confirmation`` (the customer's yes/no), ``approval`` or ``handoff``
    (an operator); ``value`` is the pause's payload."""

    kind: str
    interrupt_id: str
    value: dict[str, Any]


@dataclass(frozen=True)
class Verdict:
    """The grader's verdict on the latest draft (``grade`` as stored in state)."""

    verdict: str
    grade: dict[str, Any]


@dataclass(frozen=True)
class Summary:
    """Older turns were folded into the thread's summary."""

    text: str


@dataclass(frozen=True)
class OperatorReply:
    """A person answered in the thread."""

    operator: str
    text: str


@dataclass(frozen=True)
class TurnState:
    """The thread's state when the turn ended, last of a turn's events when asked for (``state=True``).

    What reading the thread back would give, without that read: a checkpointer read is a
    database round trip and a rebuild of the message history, and a server answering a
    message needs the reply right after the turn."""

    values: dict[str, Any]


TurnEvent = Token | AgentMessage | ToolResult | AgentHandoff | Waiting | Verdict | Summary | OperatorReply | TurnState


def _turn_setup(
    graph: CompiledStateGraph[Any, RunContext, Any, Any], config: RunnableConfig, tokens: bool, state: bool = False
) -> tuple[frozenset[str], RunnableConfig, list[StreamMode]]:
    """The agents whose tokens count, the run's config (with the turn's start time) and its stream modes."""
    config = {**config, "configurable": {**config.get("configurable", {}), TURN_STARTED: time.monotonic()}}
    modes: list[StreamMode] = ["messages", "updates"] if tokens else ["updates"]
    return agent_names(graph), config, [*modes, "values"] if state else modes


def _chunk_events(mode: str, chunk: Any, agents: frozenset[str]) -> Iterator[TurnEvent]:
    """The events of one ``(mode, chunk)`` pair of a multi-mode stream."""
    if mode == "messages":
        message, meta = chunk
        node = meta.get("langgraph_node")
        if isinstance(message, AIMessageChunk) and node in agents and message.content:
            yield Token(agent=str(node), text=str(message.content))
        return
    for node, update in chunk.items():
        yield from _update_events(str(node), update, agents)


def stream_turn(
    graph: CompiledStateGraph[Any, RunContext, Any, Any],
    payload: Any,
    config: RunnableConfig,
    *,
    context: RunContext | None = None,
    tokens: bool = False,
) -> Iterator[TurnEvent]:
    """Run ``payload`` (a new message or a resume ``Command``) and yield what happens, in order.

    ``tokens`` adds :class:`Token` events for agents' streamed text. Runs with the durability
    frontdesk's entry points use (every step checkpointed before the next).
    """
    agents, config, modes = _turn_setup(graph, config, tokens)
    stream: Iterator[tuple[str, Any]] = graph.stream(
        payload, config, stream_mode=modes, durability=DURABILITY, context=context
    )  # type: ignore[assignment]  # a list of modes yields (mode, chunk) pairs
    for mode, chunk in stream:
        yield from _chunk_events(mode, chunk, agents)


async def astream_turn(
    graph: CompiledStateGraph[Any, RunContext, Any, Any],
    payload: Any,
    config: RunnableConfig,
    *,
    context: RunContext | None = None,
    tokens: bool = False,
    state: bool = False,
) -> AsyncIterator[TurnEvent]:
    """``stream_turn`` on the event loop (the graph's checkpointer must be an async one).

    ``state`` ends the events with a :class:`TurnState` (the state after the run's last step)."""
    agents, config, modes = _turn_setup(graph, config, tokens, state)
    stream: AsyncIterator[tuple[str, Any]] = graph.astream(
        payload, config, stream_mode=modes, durability=DURABILITY, context=context
    )  # type: ignore[assignment]  # as above
    last: dict[str, Any] | None = None
    async for mode, chunk in stream:
        if mode == "values":
            last = chunk
            continue
        for event in _chunk_events(mode, chunk, agents):
            yield event
    if state:
        yield TurnState(values=last if last is not None else dict((await graph.aget_state(config)).values))


def _update_events(node: str, update: Any, agents: frozenset[str]) -> Iterator[TurnEvent]:
    if node == "__interrupt__":
        for item in update:
            value = dict(getattr(item, "value", None) or {})
            yield Waiting(
                kind=str(value.get("type", "handoff")), interrupt_id=str(getattr(item, "id", "")), value=value
            )
        return
    if not isinstance(update, dict):
        return
    if node == "summarize" and update.get("summary"):
        yield Summary(text=str(update["summary"]))
    for message in update.get("messages") or []:
        if isinstance(message, ToolMessage):
            yield ToolResult(
                call_id=message.tool_call_id,
                name=str(message.name),
                ok=message.status != "error",
                content=str(message.content),
            )
        elif isinstance(message, AIMessage) and node == "human_handoff":
            yield OperatorReply(operator=str(message.name or "operator"), text=str(message.content))
        elif isinstance(message, AIMessage):
            calls = [{"id": c["id"], "name": c["name"], "args": c["args"]} for c in message.tool_calls]
            yield AgentMessage(agent=str(message.name or node), text=str(message.content), tool_calls=calls)
    if update.get("grade"):  # reviewed in the agent's step: a failed draft is not in the update, only in its grade
        grade = dict(update["grade"])
        if grade.get("verdict") == "fail":
            yield AgentMessage(agent=str(grade.get("agent") or node), text=str(grade.get("draft", "")), tool_calls=[])
        yield Verdict(verdict=str(grade.get("verdict")), grade=grade)
    if node == "tools" and update.get("active_agent") in agents:
        yield AgentHandoff(target=str(update["active_agent"]))


def last_reply(graph: CompiledStateGraph[Any, Any, Any, Any], config: RunnableConfig) -> AIMessage | None:
    """The reply the customer saw last: the newest assistant message with text and no tool calls."""
    return reply_in(graph.get_state(config).values.get("messages", []))


def reply_in(messages: Sequence[Any]) -> AIMessage | None:
    """The newest assistant message with text and no tool calls among ``messages`` (state already read)."""
    return next((m for m in reversed(messages) if is_reply(m)), None)


def is_reply(message: Any) -> bool:
    """Whether ``message`` is a reply the customer was sent: an assistant message with text and no tool calls."""
    return isinstance(message, AIMessage) and bool(message.content) and not message.tool_calls
