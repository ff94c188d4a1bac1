"""A message a thread has taken and not yet run: what a server streams after answering the request.

A server must answer "busy" or "not now" with a status before it starts a stream, yet
the run itself belongs on the event loop. :meth:`frontdesk.Conversation.prepare` does the
first part under the thread's lock (and keeps holding it); :meth:`PreparedTurn.astream`
runs the turn and lets the thread go just before the last event, so the customer's next
message finds it free. The state read under the lock is where the turn starts from, and
the run's own values stream gives the end state: one checkpoint read per message besides
the run's own.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from frontdesk.conversation.events import MAX_STEPS, ConversationEvent, NotTaken, message_ids, turn_done
from frontdesk.graphs.events import TurnState, Waiting, astream_turn
from frontdesk.tracing import instrument

if TYPE_CHECKING:
    from frontdesk.conversation.thread import Conversation


class PreparedTurn:
    """A taken message holding its thread until :meth:`astream` ends or :meth:`close` is called."""

    def __init__(
        self,
        conversation: Conversation,
        held: AbstractContextManager[None],
        text: str | None,
        yes: bool | None,
        snapshot: Any,
        first: tuple[Any, bool],
    ) -> None:
        self.conversation = conversation
        self._held: AbstractContextManager[None] | None = held
        self.text = text
        self.yes = yes
        self.snapshot = snapshot
        self.first = first

    def close(self) -> None:
        """Let the thread go (idempotent; ``astream`` does it before its last event)."""
        held, self._held = self._held, None
        if held is not None:
            held.__exit__(None, None, None)

    async def astream(self, *, tokens: bool = False) -> AsyncIterator[ConversationEvent]:
        """Run the turn on the event loop: what happens, then ``TurnDone`` (or ``NotTaken`` when
        finishing an earlier run left the thread waiting on a person or a question)."""
        conversation = self.conversation
        seen = message_ids(self.snapshot)
        try:
            with instrument.turn(
                conversation.tracer, thread_id=conversation.thread_id, labels=conversation.labels
            ) as run_id:
                payload, last = self.first
                values: dict[str, Any] = dict(self.snapshot.values)
                pauses: list[Any] = []
                for _step in range(MAX_STEPS):
                    if isinstance(payload, NotTaken):
                        await asyncio.to_thread(self.close)
                        yield payload
                        return
                    pauses = []
                    stream = astream_turn(
                        conversation.graph,
                        payload,
                        conversation.config,
                        context=conversation.context,
                        tokens=tokens,
                        state=True,
                    )
                    async for event in stream:
                        if isinstance(event, TurnState):
                            values = event.values
                            continue
                        if isinstance(event, Waiting):
                            pauses.append(event.value)
                        yield event
                    if last:
                        break
                    snapshot = await conversation.graph.aget_state(conversation.config)
                    payload, last = await asyncio.to_thread(conversation._decide, snapshot, self.text, self.yes)
                done = turn_done(run_id, seen, values.get("messages", []), pauses)
        finally:
            await asyncio.to_thread(
                self.close
            )  # before the last event: the customer's next message finds the thread free
        yield done
