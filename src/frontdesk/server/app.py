"""The HTTP app: create threads, post messages (replies streamed as server-sent events),
read state and history, and the operator's inbox.

Customers call thread endpoints with the token they got when creating the thread;
operators call ``/inbox`` endpoints with the API key. The OpenAPI schema is at
``/openapi.json``.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, HTTPException
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from frontdesk.app import open_app
from frontdesk.config import environment
from frontdesk.config.settings import Settings
from frontdesk.conversation import Conversation, NotTaken, PreparedTurn, TurnDone
from frontdesk.conversation.events import said_by
from frontdesk.conversation.inbox import InboxError
from frontdesk.graphs.events import Token, ToolResult, Verdict, Waiting
from frontdesk.inputs import BadMessage
from frontdesk.persistence.checkpoint import open_async_checkpointer
from frontdesk.persistence.thread_locks import ThreadBusy
from frontdesk.persistence.threads import history
from frontdesk.server.agui import install_agui_route
from frontdesk.server.auth import Guards, customer_token, server_secret
from frontdesk.server.errors import install_error_handlers
from frontdesk.server.identity import SignedIdentity, create_identity_table, verified_customer
from frontdesk.server.operations import RecentRuns, install_operations_routes, start_alert_schedule
from frontdesk.server.turn_stream import TurnTasks
from frontdesk.server.web import install_web_routes, message_view

logger = logging.getLogger("frontdesk.server")
BUSY_WAIT_S = 2.0
"""How long a second message to a busy thread waits for the first to finish before a 409."""


class NewThread(BaseModel):
    thread_id: str
    customer_token: str


class OpenThread(BaseModel):
    """What a new thread may start with: the host site's signed identity of its customer."""

    identity: SignedIdentity | None = None


class PostMessage(BaseModel):
    text: str


class Reply(BaseModel):
    text: str = Field(min_length=1)
    operator: str = "operator"
    keep: bool = False


class Decision(BaseModel):
    operator: str = "operator"
    reason: str | None = None
    args: dict[str, Any] | None = None


class SwitchCustomer(BaseModel):
    customer_id: str = Field(min_length=1)
    reason: str = Field(min_length=1, description="Why the thread changes customer (kept in the operator log)")
    operator: str = "operator"


def customer_view(pause: dict[str, Any]) -> dict[str, Any]:
    """What a customer may see of a pause: a handoff's reason is for operators (it may name an
    outage or quote the model), so the customer gets the kind and the ticket only."""
    if pause.get("type") == "handoff":
        return {"type": "handoff", "ticket_id": pause.get("ticket_id")}
    return pause


def shown_to_customer(message: Any) -> bool:
    """Whether the customer saw ``message``: their own messages and the replies sent to them.

    Tool calls and results are the agents' working: a handoff's summary ("flagged for fraud
    review, do not refund"), a guardrail's reason or another record's data a tool returned."""
    return said_by(message) is not None


def create_app(settings: Settings | None = None, *, model: Any = None) -> FastAPI:
    """The FastAPI app over the stack ``settings`` describes (model from settings if not given)."""
    settings = settings or Settings.from_env()
    state: dict[str, Any] = {}

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # one saver for both paths: turns await it on this loop; sync endpoints (state, history,
        # the inbox) call it from their threads, and LangGraph's async savers run those calls on this loop
        async with open_async_checkpointer(settings.resolved_database_url) as saver:
            with open_app(settings, model=model, checkpointer=saver) as opened:
                if opened.engine is not None:
                    create_identity_table(opened.engine)
                state["stack"] = opened
                state["inbox"] = opened.inbox()
                state["turns"] = turns = TurnTasks()
                alerts = start_alert_schedule(settings)
                try:
                    yield
                finally:
                    if alerts is not None:
                        alerts.set()
                    await turns.drain()

    app = FastAPI(
        title="frontdesk",
        version="0.1.0",
        lifespan=lifespan,
        description="Multi-agent customer service: threads, streamed replies, operator inbox.",
    )
    guards = Guards(
        server_secret(settings.data_dir, environment.read("FRONTDESK_SECRET")), environment.read("FRONTDESK_API_KEY")
    )
    install_error_handlers(app, max_body_bytes=4 * settings.max_message_chars + 4096)
    runs = RecentRuns()
    install_operations_routes(app, settings, guards, state, runs)
    install_web_routes(app, guards, state)
    install_agui_route(app, guards, state, customer_view)
    # the widget runs on customers' sites: their pages may call the customer endpoints (a thread's
    # token guards each call, never a cookie); X-API-Key is not allowed across origins
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "POST"],
        allow_headers=["content-type", "x-customer-token", "accept"],
    )

    def graph() -> Any:
        return state["stack"].graph

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    identity_secret = environment.read("FRONTDESK_IDENTITY_SECRET")

    @app.post("/threads", response_model=NewThread, status_code=201)
    def create_thread(body: OpenThread | None = None) -> NewThread:
        """A new thread and its customer token; with the host site's signed identity, started as
        that customer's (a forged, expired or reused signature is refused with 403)."""
        thread_id = f"web-{uuid.uuid4().hex[:12]}"
        if body is not None and body.identity is not None:
            secret = identity_secret.encode() if identity_secret else None
            customer = verified_customer(body.identity, secret, state["stack"].engine)
            Conversation(state["stack"], thread_id).sign_in(customer)
        return NewThread(thread_id=thread_id, customer_token=customer_token(guards.secret, thread_id))

    @app.get("/threads/{thread_id}")
    def get_thread(thread_id: str = Depends(guards.customer)) -> dict[str, Any]:
        snapshot = graph().get_state({"configurable": {"thread_id": thread_id}})
        values = snapshot.values
        return {
            "thread_id": thread_id,
            "customer_id": values.get("customer_id"),
            "messages": [message_view(m) for m in values.get("messages", []) if shown_to_customer(m)],
            "waiting_for": [customer_view(i.value) for i in snapshot.interrupts],
        }

    @app.get("/threads/{thread_id}/history")
    def get_history(thread_id: str = Depends(guards.customer)) -> list[dict[str, Any]]:

        return [entry.__dict__ for entry in history(graph(), thread_id, shown=shown_to_customer)]

    @app.post("/threads/{thread_id}/messages")
    def postmessage_view(body: PostMessage, thread_id: str = Depends(guards.customer)) -> StreamingResponse:
        """The customer's message through the thread's :class:`Conversation`: refused with a status
        before any stream starts (busy, not a clear yes or no, a person has the thread), else streamed."""
        conversation = Conversation(state["stack"], thread_id, busy_wait_s=BUSY_WAIT_S)
        try:
            prepared = conversation.prepare(body.text)
        except BadMessage as exc:
            raise HTTPException(422, f"text: {exc}") from None
        except ThreadBusy:
            raise HTTPException(
                409,
                "this conversation is still answering your previous message; send this one when it has replied",
                headers={"Retry-After": "1"},
            ) from None
        if isinstance(prepared, NotTaken):
            raise HTTPException(409, prepared.message)
        events = state["turns"].start(lambda: _stream(thread_id, prepared), finally_=prepared.close)
        return StreamingResponse(events, media_type="text/event-stream")

    async def _stream(thread_id: str, prepared: PreparedTurn) -> AsyncIterator[str]:
        """The turn as server-sent events. Customers see only graded replies: while an agent
        drafts, a ``thinking`` event says so; the reply itself comes in ``done``."""

        def event(kind: str, data: dict[str, Any]) -> str:
            return f"event: {kind}\ndata: {json.dumps(data)}\n\n"

        drafting: str | None = None
        try:
            async for item in prepared.astream(tokens=True):
                if isinstance(item, Token):
                    if drafting != item.agent:
                        drafting = item.agent
                        yield event("thinking", {"agent": item.agent})
                elif isinstance(item, Waiting):
                    yield event("waiting", customer_view(item.value))
                elif isinstance(item, ToolResult):
                    drafting = None
                    yield event("tool", {"name": item.name, "ok": item.ok})
                elif isinstance(item, Verdict):
                    drafting = None
                    yield event("grade", {"verdict": item.verdict})
                elif isinstance(item, NotTaken):
                    yield event(
                        "error", {"code": "not_taken", "message": f"Your message was not taken: {item.message}"}
                    )
                elif isinstance(item, TurnDone):
                    runs.add(thread_id, item.run_id)
                    yield event("done", {"reply": item.reply, "by": item.by, "run_id": item.run_id})
        except Exception:  # the stream has started: report the failure in-band, never its internals
            logger.exception("turn failed in thread %s", thread_id)
            yield event(
                "error",
                {
                    "code": "turn_failed",
                    "message": "Sorry, something went wrong on our side; please try again in a moment.",
                },
            )

    def _inbox_call(fn: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        try:
            values = fn(*args, **kwargs)
        except (InboxError, ThreadBusy) as exc:
            raise HTTPException(409, str(exc)) from None
        return {"messages": [message_view(m) for m in values.get("messages", [])][-5:]}

    @app.get("/inbox", dependencies=[Depends(guards.operator)])
    def inbox_list() -> list[dict[str, Any]]:
        return [
            {
                "id": i.id,
                "kind": i.kind,
                "thread_id": i.thread_id,
                "customer_id": i.customer_id,
                "priority": i.priority,
                "summary": i.summary,
                "overdue": i.overdue,
                "age_s": int(i.age.total_seconds()),
                "details": i.details,
            }
            for i in state["inbox"].items()
        ]

    @app.post("/inbox/{item_id}/reply", dependencies=[Depends(guards.operator)])
    def inbox_reply(item_id: str, body: Reply) -> dict[str, Any]:
        return _inbox_call(
            state["inbox"].reply, item_id, body.text, operator=body.operator, return_to_bot=not body.keep
        )

    @app.post("/inbox/{item_id}/approve", dependencies=[Depends(guards.operator)])
    def inbox_approve(item_id: str, body: Decision) -> dict[str, Any]:
        return _inbox_call(state["inbox"].approve, item_id, operator=body.operator)

    @app.post("/inbox/{item_id}/reject", dependencies=[Depends(guards.operator)])
    def inbox_reject(item_id: str, body: Decision) -> dict[str, Any]:
        if not body.reason:
            raise HTTPException(422, "a rejection needs a reason (it is told to the agent)")
        return _inbox_call(state["inbox"].reject, item_id, body.reason, operator=body.operator)

    @app.post("/inbox/{item_id}/edit", dependencies=[Depends(guards.operator)])
    def inbox_edit(item_id: str, body: Decision) -> dict[str, Any]:
        if body.args is None:
            raise HTTPException(422, "an edit needs args")
        return _inbox_call(state["inbox"].edit, item_id, body.args, operator=body.operator)

    @app.post("/threads/{thread_id}/customer", dependencies=[Depends(guards.operator)])
    def switch_customer(thread_id: str, body: SwitchCustomer) -> dict[str, Any]:
        """Move the thread to another customer (operators only; logged with who and why)."""
        values = _inbox_call(
            state["inbox"].switch_customer, thread_id, body.customer_id, reason=body.reason, operator=body.operator
        )
        return {**values, "customer_id": body.customer_id}

    return app
