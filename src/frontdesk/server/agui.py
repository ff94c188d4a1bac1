"""The AG-UI endpoint: a customer's turn as the open agent↔UI event protocol, for AG-UI clients.

``POST /agui`` takes AG-UI's ``RunAgentInput`` for a thread made with ``POST /threads`` (its
``X-Customer-Token`` as for every customer call) and sends the last user message through the
thread's ``Conversation``, as the plain SSE endpoint does; the events are AG-UI's, encoded by
the protocol's own package. What a customer may see is the same: ``STEP_STARTED``/``FINISHED``
for each tool checked (its name only), a ``CUSTOM`` ``frontdesk.waiting`` event for a pause
(a confirmation's question, an approval, a person), the graded reply as one text message, and
``RUN_FINISHED`` with who answered. A message the thread cannot take is ``RUN_ERROR``.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

from ag_ui.core import (
    CustomEvent,
    EventType,
    RunAgentInput,
    RunErrorEvent,
    RunFinishedEvent,
    RunStartedEvent,
    StepFinishedEvent,
    StepStartedEvent,
    TextMessageContentEvent,
    TextMessageEndEvent,
    TextMessageStartEvent,
    UserMessage,
)
from ag_ui.encoder import EventEncoder
from fastapi import FastAPI, Header, HTTPException
from fastapi.responses import StreamingResponse

from frontdesk.conversation import Conversation, NotTaken, TurnDone
from frontdesk.graphs.events import ToolResult, Verdict, Waiting
from frontdesk.inputs import BadMessage
from frontdesk.persistence.thread_locks import ThreadBusy
from frontdesk.server.auth import Guards


def install_agui_route(
    app: FastAPI, guards: Guards, state: dict[str, Any], customer_view: Callable[[dict[str, Any]], dict[str, Any]]
) -> None:
    """``POST /agui``."""

    @app.post("/agui")
    def agui(body: RunAgentInput, x_customer_token: str | None = Header(default=None)) -> StreamingResponse:
        """A turn of the thread ``thread_id`` as AG-UI events (server-sent)."""
        thread_id = guards.customer(body.thread_id, x_customer_token)
        said = [m for m in body.messages if isinstance(m, UserMessage)]
        if not said or not isinstance(said[-1].content, str):
            raise HTTPException(422, "messages: the last user message (text) is what the customer said")
        conversation = Conversation(state["stack"], thread_id, busy_wait_s=2.0)
        try:
            prepared = conversation.prepare(said[-1].content)
        except BadMessage as exc:
            raise HTTPException(422, f"text: {exc}") from None
        except ThreadBusy:
            raise HTTPException(409, "this conversation is still answering the previous message") from None
        encoder = EventEncoder()
        started = encoder.encode(RunStartedEvent(type=EventType.RUN_STARTED, thread_id=thread_id, run_id=body.run_id))
        if isinstance(prepared, NotTaken):
            refused = RunErrorEvent(type=EventType.RUN_ERROR, message=prepared.message, code=prepared.reason)
            return StreamingResponse(iter([started, encoder.encode(refused)]), media_type=encoder.get_content_type())
        turn = prepared

        async def events() -> AsyncIterator[str]:
            yield started
            try:
                async for item in turn.astream():
                    if isinstance(item, ToolResult):
                        step = f"tool:{item.name}"
                        yield encoder.encode(StepStartedEvent(type=EventType.STEP_STARTED, step_name=step))
                        yield encoder.encode(StepFinishedEvent(type=EventType.STEP_FINISHED, step_name=step))
                    elif isinstance(item, Waiting):
                        waiting = customer_view(item.value)
                        yield encoder.encode(
                            CustomEvent(type=EventType.CUSTOM, name="frontdesk.waiting", value=waiting)
                        )
                    elif isinstance(item, Verdict):
                        yield encoder.encode(
                            CustomEvent(type=EventType.CUSTOM, name="frontdesk.grade", value=item.verdict)
                        )
                    elif isinstance(item, TurnDone):
                        for event in _reply(item, thread_id, body.run_id):
                            yield encoder.encode(event)
            except Exception:  # started: reported in-band, never its internals
                message = "Sorry, something went wrong on our side; please try again in a moment."
                yield encoder.encode(RunErrorEvent(type=EventType.RUN_ERROR, message=message, code="turn_failed"))

        # a turn runs to its end on the server's loop even when the client goes away, as on /messages
        stream = state["turns"].start(events, finally_=turn.close)
        return StreamingResponse(stream, media_type=encoder.get_content_type())


def custom(name: str, value: Any) -> CustomEvent:
    return CustomEvent(type=EventType.CUSTOM, name=name, value=value)


def _reply(done: TurnDone, thread_id: str, run_id: str) -> list[Any]:
    """The graded reply as one AG-UI text message, then the run's end with who answered."""
    events: list[Any] = []
    if done.reply:
        message_id = f"msg-{uuid.uuid4().hex[:12]}"
        events += [
            TextMessageStartEvent(type=EventType.TEXT_MESSAGE_START, message_id=message_id, role="assistant"),
            TextMessageContentEvent(type=EventType.TEXT_MESSAGE_CONTENT, message_id=message_id, delta=done.reply),
            TextMessageEndEvent(type=EventType.TEXT_MESSAGE_END, message_id=message_id),
        ]
    result = {"by": done.by, "run_id": done.run_id}
    events.append(RunFinishedEvent(type=EventType.RUN_FINISHED, thread_id=thread_id, run_id=run_id, result=result))
    return events
