"""The public way to talk to one thread: ``send`` a customer's message, ``answer`` a confirmation.

A customer message means different things depending on where the thread stands: a new
request, the answer to "Shall I go ahead?", or something the thread cannot take because
a person has it. :class:`Conversation` owns that whole protocol so an application never
builds a LangGraph ``Command`` or reads an interrupt id:

- the text is cleaned and bounded (:class:`frontdesk.inputs.BadMessage` otherwise);
- the thread's lock is held for the turn (:class:`ThreadBusy` when another turn runs);
- where the thread stands is read under that lock: a run a crash left unfinished is
  finished first, a confirmation answered before a crash is resumed with the kept answer;
- a message while a confirmation waits is the customer's answer when it is a clear yes or
  no, and otherwise a :class:`NotTaken` event that asks again in their words; a message
  while a person has the thread is a :class:`NotTaken` event — never silently dropped;
- every turn is one ``frontdesk.turn`` root span (what the dashboard, ``traces stats`` and
  alert rules count), and ends with a :class:`TurnDone` event carrying the reply.

LangGraph stays reachable underneath: ``conversation.graph`` is the compiled graph.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import replace
from typing import Any

from langchain_core.messages import HumanMessage
from langchain_core.runnables import RunnableConfig
from langgraph.types import Command
from opentelemetry import trace

from frontdesk.config.settings import ConfigError
from frontdesk.conversation.events import (
    MAX_STEPS,
    WAITING_FOR_A_PERSON,
    ConversationEvent,
    NotTaken,
    Pending,
    Said,
    message_ids,
    pending_of,
    said_by,
    turn_done,
)
from frontdesk.conversation.operator import OperatorAction, operator_pause
from frontdesk.conversation.prepared import PreparedTurn
from frontdesk.conversation.standing import answered_pause, confirmation_pause, stopped_part_way
from frontdesk.errors import MessageNotTaken
from frontdesk.graphs.cancellation import cancellable
from frontdesk.graphs.events import reply_in, stream_turn
from frontdesk.inputs import MAX_MESSAGE_CHARS, clean_message
from frontdesk.persistence.thread_locks import ThreadLocks
from frontdesk.runtime import RunContext
from frontdesk.tools.confirmation import ask_again, parse_answer
from frontdesk.tracing import instrument

BUSY_WAIT_S = 2.0
"""Seconds a message waits for the thread's previous turn before :class:`ThreadBusy`."""


class Conversation:
    """One thread of a deployment (``app.conversation(thread_id)``) or of a graph an app built.

    ``target`` is a :class:`frontdesk.FrontdeskApp` (its graph, run context, thread locks,
    tracer and labels are used) or a compiled graph from :func:`frontdesk.build_graph` (pass
    ``context``/``locks``/``tracer`` as needed; without locks, turns are serialised in this
    process only). ``deps`` replace the app's own dependencies for this conversation's tools
    and guardrails (the signed-in user's API client, say). Consume each ``send``/``answer``
    iterator to its end: the thread is held until then.
    """

    def __init__(
        self,
        target: Any,
        thread_id: str,
        *,
        context: RunContext | None = None,
        locks: ThreadLocks | None = None,
        tracer: trace.Tracer | None = None,
        labels: Mapping[str, str] | None = None,
        max_message_chars: int | None = None,
        busy_wait_s: float = BUSY_WAIT_S,
        config: RunnableConfig | None = None,
        deps: Any = None,
    ) -> None:
        app = target if hasattr(target, "graph") and hasattr(target, "settings") else None
        self.graph: Any = app.graph if app is not None else target
        self.thread_id = thread_id
        self.context = context or (app.context if app is not None else None)
        if deps is not None:
            if self.context is None:
                raise ConfigError(
                    "deps for a conversation over a bare graph need its context too: Conversation(graph, thread_id, "
                    "context=..., deps=...)"
                )
            self.context = replace(self.context, deps=deps)
        self.locks = locks or (app.locks if app is not None else _process_locks)
        self.tracer = tracer or (app.tracing.tracer if app is not None else trace.get_tracer("frontdesk"))
        self.labels = dict(labels or (app.labels if app is not None else {}))
        self.max_message_chars = max_message_chars or (
            app.settings.max_message_chars if app is not None else MAX_MESSAGE_CHARS
        )
        self.busy_wait_s = busy_wait_s
        self.run_config: RunnableConfig = dict(config or {})  # type: ignore[assignment]  # a RunnableConfig is a dict
        """Extra run config for every run of this thread (callbacks, ``recursion_limit``); the thread id is the
        conversation's."""

    @property
    def config(self) -> RunnableConfig:
        """The thread's run config (LangGraph's): the thread id and any extra ``config`` given."""
        return {
            **self.run_config,
            "configurable": {**self.run_config.get("configurable", {}), "thread_id": self.thread_id},
        }

    # -- reading ---------------------------------------------------------------------------

    @property
    def pending(self) -> Pending | None:
        """What the thread waits for now: the customer's yes or no, a person, or nothing.

        A confirmation the customer answered before a crash is not pending: their next message
        finishes it with the kept answer."""
        pauses = self.graph.get_state(self.config).interrupts
        if pauses and answered_pause(pauses, self.config, self.context) is not None:
            return None
        return pending_of([p.value for p in pauses])

    @property
    def reply(self) -> str | None:
        """The reply the customer saw last."""
        last = reply_in(self.graph.get_state(self.config).values.get("messages", []))
        return str(last.content) if last is not None else None

    @property
    def history(self) -> list[Said]:
        """The conversation as the customer saw it: their messages and the replies, never the agents' working."""
        return [
            said
            for m in self.graph.get_state(self.config).values.get("messages", [])
            if (said := said_by(m)) is not None
        ]

    def sign_in(self, customer_id: str) -> None:
        """Start the thread as ``customer_id``'s, for a host that has verified the customer itself
        (a signed identity from the host site, a user signed in to the app).

        The agents then skip their login step. A thread that already belongs to another customer
        is not moved: that is an operator's switch, with a reason (``Inbox.switch_customer``)."""
        with self.locks.hold(self.thread_id, wait_s=self.busy_wait_s):
            current = self.graph.get_state(self.config).values.get("customer_id")
            if current and current != customer_id:
                raise MessageNotTaken("signed_in", f"this conversation already belongs to {current}")
            if current != customer_id:
                self.graph.update_state(self.config, {"customer_id": customer_id}, as_node="human_handoff")

    # -- sending ---------------------------------------------------------------------------

    def send(
        self, text: str, *, tokens: bool = False, cancel: threading.Event | None = None
    ) -> Iterator[ConversationEvent]:
        """The customer's message, run to the end of its turn; yields what happens, then :class:`TurnDone`.

        ``tokens`` adds the agents' streamed drafts (:class:`frontdesk.Token`: not yet
        reviewed, never for customers' eyes). Setting ``cancel`` stops the turn's further
        model calls (a Ctrl-C in a terminal): the step running finishes, nothing more is asked."""
        cleaned = clean_message(text, self.max_message_chars)
        yield from self._run(cleaned, None, tokens=tokens, cancel=cancel)

    def answer(
        self, yes: bool, *, tokens: bool = False, cancel: threading.Event | None = None
    ) -> Iterator[ConversationEvent]:
        """Answer the pending confirmation (buttons, or an app's own yes/no); :class:`MessageNotTaken` if none waits."""
        yield from self._run(None, yes, tokens=tokens, cancel=cancel)

    def resolve(self, action: OperatorAction, *, waiting_id: str | None = None) -> Iterator[ConversationEvent]:
        """A person answers what the thread waits for: a :class:`HandoffReply` to a handoff, an
        :class:`ApprovalDecision` on an approval (``waiting_id``: which ticket or approval, when
        it matters). The run it resumes is a turn like a customer's (same lock, same root span),
        ending with :class:`TurnDone`. :class:`MessageNotTaken` (``nothing_to_resolve``) when
        nothing of that kind waits: the thread is left as it was.

        This does not claim an inbox item or log the decision: :class:`frontdesk.Inbox` does
        both and then calls this; an app with its own console may call it directly."""
        with self._held(), instrument.turn(self.tracer, thread_id=self.thread_id, labels=self.labels) as run_id:
            snapshot = self.graph.get_state(self.config)
            seen = message_ids(snapshot)
            pause = operator_pause(snapshot.interrupts, action, waiting_id)
            yield from stream_turn(
                self.graph, Command(resume={pause.id: action.resume_value()}), self.config, context=self.context
            )
            snapshot = self.graph.get_state(self.config)
            yield turn_done(run_id, seen, snapshot.values.get("messages", []), [p.value for p in snapshot.interrupts])

    async def asend(self, text: str, *, tokens: bool = False) -> AsyncIterator[ConversationEvent]:
        """:meth:`send` on the event loop (the graph's checkpointer must be an async one)."""
        prepared = await asyncio.to_thread(self.prepare, text)
        if isinstance(prepared, NotTaken):
            yield prepared
            return
        async for event in prepared.astream(tokens=tokens):
            yield event

    async def aanswer(self, yes: bool, *, tokens: bool = False) -> AsyncIterator[ConversationEvent]:
        """:meth:`answer` on the event loop."""
        prepared = await asyncio.to_thread(self.prepare, yes=yes)
        if isinstance(prepared, NotTaken):
            raise MessageNotTaken(prepared.reason, prepared.message)
        async for event in prepared.astream(tokens=tokens):
            yield event

    def prepare(self, text: str | None = None, *, yes: bool | None = None) -> PreparedTurn | NotTaken:
        """Take the thread and decide now what the message (or the yes/no) means; for servers.

        Returns :class:`NotTaken` (the thread is free again: answer the request at once, with a
        status, before any stream starts) or a :class:`PreparedTurn` that holds the thread
        until its stream ends. :class:`ThreadBusy` when another turn holds it."""
        cleaned = clean_message(text, self.max_message_chars) if text is not None else None
        held = self._held()
        held.__enter__()
        try:
            snapshot = self.graph.get_state(self.config)  # read under the lock: the turn starts from it
            first = self._decide(snapshot, cleaned, yes)
        except BaseException:
            held.__exit__(None, None, None)
            raise
        if isinstance(first[0], NotTaken):
            held.__exit__(None, None, None)
            return first[0]
        return PreparedTurn(self, held, cleaned, yes, snapshot, first)

    # -- the protocol ----------------------------------------------------------------------

    def _run(
        self, text: str | None, yes: bool | None, *, tokens: bool, cancel: threading.Event | None = None
    ) -> Iterator[ConversationEvent]:
        config = cancellable(self.config, cancel) if cancel is not None else self.config
        with self._held(), instrument.turn(self.tracer, thread_id=self.thread_id, labels=self.labels) as run_id:
            snapshot = self.graph.get_state(
                self.config
            )  # read under the lock: where the thread stands, and what is new after
            seen = message_ids(snapshot)
            for _step in range(MAX_STEPS):
                payload, last = self._decide(snapshot, text, yes)
                if isinstance(payload, NotTaken):
                    if yes is not None:
                        raise MessageNotTaken(payload.reason, payload.message)
                    yield payload
                    return
                yield from stream_turn(self.graph, payload, config, context=self.context, tokens=tokens)
                snapshot = self.graph.get_state(self.config)
                if last:
                    break
            yield turn_done(run_id, seen, snapshot.values.get("messages", []), [p.value for p in snapshot.interrupts])

    def _decide(self, snapshot: Any, text: str | None, yes: bool | None) -> tuple[Any, bool]:
        """The next thing to run from the thread's ``snapshot`` (read under its lock), and whether it is the message
        itself.

        First a run a crash left unfinished (``None``: finish it), then a confirmation the
        customer answered before a crash (resumed with the kept answer), then the message:
        the answer to a waiting confirmation, a refusal, or a new message."""
        if stopped_part_way(snapshot):
            return None, False
        kept = answered_pause(snapshot.interrupts, self.config, self.context) if snapshot.interrupts else None
        if kept is not None:
            pause, confirmed = kept
            return Command(resume={pause.id: {"confirmed": confirmed}}), False
        confirming = confirmation_pause(snapshot.interrupts)
        if confirming is not None:
            answer = yes if yes is not None else parse_answer(text, str(confirming.value.get("question") or ""))
            if answer is None:
                return NotTaken(
                    "awaiting_confirmation", ask_again(str(text), str(confirming.value.get("question")))
                ), True
            return Command(resume={confirming.id: {"confirmed": answer}}), True
        if snapshot.interrupts:
            return NotTaken("awaiting_operator", WAITING_FOR_A_PERSON), True
        if yes is not None:
            return NotTaken("nothing_to_answer", "Nothing in this conversation is waiting for a yes or no."), True
        return {"messages": [HumanMessage(str(text))]}, True

    def _held(self) -> AbstractContextManager[None]:
        return self.locks.hold(self.thread_id, wait_s=self.busy_wait_s)


_process_locks = ThreadLocks()
"""Locks for conversations over a bare graph: one turn per thread in this process."""
