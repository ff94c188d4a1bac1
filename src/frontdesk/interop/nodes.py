"""An AutoGen team or a CrewAI crew as one node of a LangGraph graph on ``SupportState``.

Why: a team that already has a working AutoGen ``Swarm`` or CrewAI crew can put it behind
frontdesk's graph — checkpointed threads, human handoff with tickets, replay tests,
traces — without rewriting it. The node plays the part the agent + tools nodes play in
the support graph:

- it reads the latest customer message and the authenticated ``customer_id`` from
  state (the team's tools share a :class:`ToolSession` seeded with it each turn, so
  ownership checks hold across turns);
- it appends the team's reply as one ``AIMessage`` named after the node;
- it writes ``customer_id`` back only when a frontdesk authentication tool succeeded;
- it sets ``handoff_reason`` when the team hands the conversation to a person: an AutoGen
  handoff to ``"user"`` (``HandoffMessage(target="user")``) or frontdesk's own
  ``transfer_to_human_agents`` tool. Route on it with :func:`route_after_team`, towards
  frontdesk's ``human_handoff`` node.

Both node kinds are LangChain runnables with a sync and an async path, so
``graph.invoke`` and ``graph.ainvoke`` both work.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Coroutine, Sequence
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langchain_core.runnables import RunnableConfig, RunnableLambda
from langgraph.graph import END

from frontdesk.graphs.state import SupportState
from frontdesk.interop.session import ToolSession

HUMAN_NODE = "human_handoff"
HANDOFF_REPLY = "I'm passing your request to a colleague who will get back to you here."
AUTOGEN_USER = "user"


def route_after_team(state: SupportState) -> str:
    """Where to go after a team node: the human handoff node, or the end of the turn."""
    return HUMAN_NODE if state.get("handoff_reason") else END


def latest_customer_message(state: SupportState) -> str:
    """The text of the most recent customer (human) message, or ``""``."""
    for message in reversed(state.get("messages", [])):
        if isinstance(message, HumanMessage):
            return message.content if isinstance(message.content, str) else str(message.content)
    return ""


def transcript(messages: Sequence[BaseMessage], limit: int) -> str:
    """The last ``limit`` messages as ``role: text`` lines, for frameworks without memory."""
    lines = [
        f"{'customer' if isinstance(m, HumanMessage) else 'assistant'}: {m.content}"
        for m in messages[-limit:]
        if isinstance(m, HumanMessage | AIMessage) and m.content
    ]
    return "\n".join(lines)


def _thread_id(config: RunnableConfig | None) -> str | None:
    value = (config or {}).get("configurable", {}).get("thread_id")
    return str(value) if value else None


def _update(
    state: SupportState, session: ToolSession, name: str, reply: str, handoff_reason: str | None
) -> dict[str, Any]:
    """The state update of one team turn (see the module docstring for what and why)."""
    if session.handoff is not None and session.handoff.to_human:
        handoff_reason = handoff_reason or session.handoff.reason
    update: dict[str, Any] = {
        "messages": [AIMessage(content=reply or (HANDOFF_REPLY if handoff_reason else ""), name=name)],
        "active_agent": name,
    }
    if session.customer_id and session.customer_id != state.get("customer_id"):
        update["customer_id"] = session.customer_id
    if handoff_reason:
        update["handoff_reason"] = handoff_reason
        update["handoff_cause"] = "agent_transfer"
    return update


class _LoopThread:
    """One event loop, on its own thread, that every run of one AutoGen team uses.

    AutoGen teams bind queues to the loop of their first run; ``asyncio.run`` per graph
    step would hand the second turn a new loop and fail ("bound to a different event
    loop"). Running every turn on this loop works from ``invoke`` and ``ainvoke`` alike.
    """

    def __init__(self, name: str) -> None:
        self._name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()

    def submit(self, coro: Coroutine[Any, Any, Any]) -> concurrent.futures.Future[Any]:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                threading.Thread(target=loop.run_forever, name=f"frontdesk-{self._name}", daemon=True).start()
                self._loop = loop
        return asyncio.run_coroutine_threadsafe(coro, self._loop)


def autogen_team_node(team: Any, session: ToolSession, *, name: str = "autogen_team") -> RunnableLambda:
    """Wrap an AutoGen team (``Swarm``, ``RoundRobinGroupChat``...) as a graph node.

    ``session`` must be the one the team's tools were exported from
    (:func:`frontdesk.interop.autogen_tools.autogen_tools`). End each run when an agent
    answers or hands off to the customer: :func:`autogen_turn_end` builds that condition.
    The team keeps its own conversation memory between turns (AutoGen's design); it is
    not part of the checkpoint, so a restarted process starts the team afresh.
    """
    loop = _LoopThread(name)

    async def run_turn(state: SupportState, config: RunnableConfig | None) -> dict[str, Any]:
        session.begin_turn(customer_id=state.get("customer_id"), thread_id=_thread_id(config))
        result = await team.run(task=latest_customer_message(state))
        reply, handoff_reason = autogen_reply(result.messages)
        return _update(state, session, name, reply, handoff_reason)

    def sync(state: SupportState, config: RunnableConfig) -> dict[str, Any]:
        return loop.submit(run_turn(state, config)).result()

    async def async_(state: SupportState, config: RunnableConfig) -> dict[str, Any]:
        return await asyncio.wrap_future(loop.submit(run_turn(state, config)))

    return RunnableLambda(sync, afunc=async_, name=name)


def autogen_turn_end(*agents: str) -> Any:
    """The termination condition of one customer turn: any of ``agents`` answered in text,
    or one handed off to ``"user"``.

    Plain ``TextMessageTermination()`` is not enough: the customer's own task message is a
    text message too, and would end the run before any agent spoke.
    """
    from autogen_agentchat.conditions import HandoffTermination, TextMessageTermination  # noqa: PLC0415 — optional (extra autogen)

    condition: Any = HandoffTermination(target=AUTOGEN_USER)
    for agent in agents:
        condition = condition | TextMessageTermination(source=agent)
    return condition


def autogen_reply(messages: Any) -> tuple[str, str | None]:
    """The customer-facing reply of one AutoGen run, and the handoff reason if it ended with one.

    The reply is the last text an agent produced (a text message, a tool-call summary, or
    the text it wrote alongside its handoff call); the task message itself is skipped.
    """
    from autogen_agentchat.messages import HandoffMessage, TextMessage, ThoughtEvent, ToolCallSummaryMessage  # noqa: PLC0415 — optional (extra autogen)

    reply, handoff_reason = "", None
    for message in messages:
        if getattr(message, "source", AUTOGEN_USER) == AUTOGEN_USER:
            continue
        if isinstance(message, TextMessage | ToolCallSummaryMessage | ThoughtEvent):
            reply = message.content
        elif isinstance(message, HandoffMessage) and message.target == AUTOGEN_USER:
            handoff_reason = f"{message.source} handed the conversation to a person: {reply or message.content}"
    return reply, handoff_reason


def crewai_crew_node(crew: Any, session: ToolSession, *, name: str = "crew", history: int = 8) -> RunnableLambda:
    """Wrap a CrewAI crew as a graph node; each customer message is one ``kickoff``.

    The crew's task descriptions may use ``{message}`` (the latest customer message),
    ``{history}`` (the last ``history`` messages of the thread, since a crew has no memory
    of earlier kickoffs) and ``{customer_id}``. The reply is the crew's final output.
    """

    def sync(state: SupportState, config: RunnableConfig) -> dict[str, Any]:
        session.begin_turn(customer_id=state.get("customer_id"), thread_id=_thread_id(config))
        inputs = {
            "message": latest_customer_message(state),
            "history": transcript(list(state.get("messages", []))[:-1], history) or "(none)",
            "customer_id": state.get("customer_id") or "not authenticated",
        }
        output = crew.kickoff(inputs=inputs)
        return _update(state, session, name, str(getattr(output, "raw", output)), None)

    async def async_(state: SupportState, config: RunnableConfig) -> dict[str, Any]:
        return await asyncio.to_thread(sync, state, config)

    return RunnableLambda(sync, afunc=async_, name=name)
