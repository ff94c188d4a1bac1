"""The operator's side: what waits for a person, and answering it.

``Inbox`` lists open handoff tickets and pending approvals (with age, priority, customer
and an overdue flag past the SLA), claims an item so one operator decides it, and resumes
the exact paused thread through :meth:`frontdesk.Conversation.resolve` — a reply for a
ticket; approve, reject or edit for an approval. Every decision is stored with who made
it and when. The CLI's ``frontdesk inbox`` and the
HTTP server use this; apps can too.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from langchain_core.runnables import RunnableConfig
from sqlmodel import Session

from frontdesk.conversation.events import ConversationEvent
from frontdesk.conversation.operator import ApprovalDecision, HandoffReply, OperatorAction
from frontdesk.conversation.thread import Conversation
from frontdesk.errors import FrontdeskError, MessageNotTaken
from frontdesk.operators import records, tickets
from frontdesk.persistence.clock import as_utc
from frontdesk.persistence.thread_locks import ThreadLocks
from frontdesk.persistence.threads import run_unfinished
from frontdesk.runtime import RunContext
from frontdesk.tools.base import Tool, ToolError


class InboxError(FrontdeskError, ValueError):
    """An operator action that cannot be carried out; the message says why in one line."""


@dataclass
class InboxItem:
    id: str
    kind: str
    thread_id: str
    customer_id: str | None
    created_at: datetime
    priority: str
    summary: str
    status: str
    overdue: bool
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def age(self) -> timedelta:
        return age_of(self.created_at)


def age_of(created: datetime, now: datetime | None = None) -> timedelta:
    """Time since ``created``, never negative: after the wall clock steps back, an item is new, not younger than new."""
    return max(timedelta(0), (now or datetime.now(UTC)) - as_utc(created))


class Inbox:
    """Tickets and approvals waiting for an operator, over one graph and domain DB."""

    def __init__(
        self,
        graph: Any,
        engine: Any,
        *,
        tools: Mapping[str, Tool] | None = None,
        sla: timedelta = timedelta(minutes=30),
        context: RunContext | None = None,
        locks: ThreadLocks | None = None,
        customer_exists: Callable[[Any, str], bool] | None = None,
        conversations: Callable[[str], Conversation] | None = None,
    ) -> None:
        """``tools`` (the domain's, by name) validate an operator's edited arguments before the thread resumes;
        ``locks`` keep a resumed thread from running beside a customer's turn; ``customer_exists``
        (the domain's) checks the target of a customer switch; ``conversations`` opens a thread as
        a :class:`Conversation` (an app's own, with its tracer and labels; default: over ``graph``)."""
        self.graph = graph
        self.engine = engine
        self.sla = sla
        self.tools = dict(tools or {})
        self.context = context
        self.locks = locks
        self.customer_exists = customer_exists
        self.conversations = conversations
        self.events: list[ConversationEvent] = []
        """What the last reply or decision's run reported (the graph's events, then ``TurnDone``)."""

    def _overdue(self, created: datetime, status: str) -> bool:
        return status in {"open", "pending"} and age_of(created) > self.sla

    def _ticket_item(self, row: tickets.Ticket) -> InboxItem:
        return InboxItem(
            row.id,
            "ticket",
            row.thread_id,
            row.customer_id,
            row.created_at,
            row.priority,
            row.reason,
            row.status,
            self._overdue(row.created_at, row.status),
            {"summary": row.summary, "operator": row.operator, "resolution": row.resolution},
        )

    def _approval_item(self, row: records.Approval) -> InboxItem:
        details = {
            "tool": row.tool,
            "args": row.args,
            "amount": row.amount,
            "operator": row.operator,
            "note": row.decision_note,
        }
        return InboxItem(
            row.id,
            "approval",
            row.thread_id,
            row.customer_id,
            row.created_at,
            "high",
            row.reason,
            row.status,
            self._overdue(row.created_at, row.status),
            details,
        )

    def items(self) -> list[InboxItem]:
        """Everything waiting, oldest first."""
        waiting = [self._ticket_item(t) for t in tickets.open_tickets(self.engine)]
        waiting += [self._approval_item(a) for a in records.pending_approvals(self.engine)]
        return sorted(waiting, key=lambda item: as_utc(item.created_at))

    def get(self, item_id: str) -> InboxItem:
        with Session(self.engine, expire_on_commit=False) as session:
            ticket = session.get(tickets.Ticket, item_id)
            approval = session.get(records.Approval, item_id)
        if ticket is not None:
            return self._ticket_item(ticket)
        if approval is not None:
            return self._approval_item(approval)
        raise InboxError(f"nothing in the inbox has id {item_id!r}")

    def conversation(self, item_id: str) -> list[Any]:
        item = self.get(item_id)
        return list(self.graph.get_state({"configurable": {"thread_id": item.thread_id}}).values.get("messages", []))

    def _resume(self, item: InboxItem, action: OperatorAction) -> dict[str, Any]:
        """Claim the item (one operator wins), then resume its thread as a turn of its conversation."""
        table = tickets.Ticket.__table__ if item.kind == "ticket" else records.Approval.__table__  # type: ignore[attr-defined]
        if not records.claim(self.engine, table, item.id, open_status=item.status, operator=action.operator):
            current = self.get(item.id)
            who = f" by {current.details.get('operator')}" if current.details.get("operator") else ""
            state = "being decided" if current.status == records.CLAIMED else f"already {current.status}"
            raise InboxError(f"{item.kind} {item.id} is {state}{who}")
        conversation = self.conversation_of(item.thread_id)
        try:
            self.events = list(conversation.resolve(action, waiting_id=item.id))
        except MessageNotTaken:
            records.release(self.engine, table, item.id, open_status=item.status)
            raise InboxError(
                f"{item.kind} {item.id} is not waiting (status: {item.status}); thread {item.thread_id} has no pause "
                "for it"
            ) from None
        except BaseException:
            records.release(self.engine, table, item.id, open_status=item.status)
            raise
        return dict(self.graph.get_state(conversation.config).values)

    def conversation_of(self, thread_id: str) -> Conversation:
        """The thread an item belongs to, as a :class:`Conversation` sharing this inbox's locks and context."""
        if self.conversations is not None:
            return self.conversations(thread_id)
        return Conversation(self.graph, thread_id, context=self.context, locks=self.locks, busy_wait_s=30.0)

    def _open(self, item_id: str, kind: str) -> InboxItem:
        item = self.get(item_id)
        if item.kind != kind:
            raise InboxError(f"{item_id} is a {item.kind}, not a {kind}")
        if item.status not in {"open", "pending"}:
            who = f" by {item.details.get('operator')}" if item.details.get("operator") else ""
            state = "is being decided" if item.status == records.CLAIMED else f"was already {item.status}"
            raise InboxError(f"{item.kind} {item_id} {state}{who}")
        return item

    def reply(
        self, ticket_id: str, text: str, *, operator: str = "operator", return_to_bot: bool | None = None
    ) -> dict[str, Any]:
        """Answer a handoff ticket; the customer sees ``text`` from the operator."""
        item = self._open(ticket_id, "ticket")
        values = self._resume(item, HandoffReply(text, operator=operator, return_to_bot=return_to_bot))
        records.log_decision(
            self.engine,
            target_id=ticket_id,
            thread_id=item.thread_id,
            kind="reply",
            operator=operator,
            details={"reply": text, "return_to_bot": return_to_bot},
        )
        return values

    def approve(self, approval_id: str, *, operator: str = "operator") -> dict[str, Any]:
        return self._decide(approval_id, ApprovalDecision("approve", operator=operator))

    def reject(self, approval_id: str, reason: str, *, operator: str = "operator") -> dict[str, Any]:
        return self._decide(approval_id, ApprovalDecision("reject", operator=operator, reason=reason))

    def edit(self, approval_id: str, args: dict[str, Any], *, operator: str = "operator") -> dict[str, Any]:
        """Approve with changed arguments, validated by the tool's schema before resuming."""
        item = self._open(approval_id, "approval")
        tool = self.tools.get(item.details["tool"])
        if tool is not None:
            try:
                tool.validate(args)
            except ToolError as exc:
                raise InboxError(str(exc)) from None
        return self._decide(approval_id, ApprovalDecision("edit", operator=operator, args=args))

    def switch_customer(
        self, thread_id: str, customer_id: str, *, reason: str, operator: str = "operator"
    ) -> dict[str, Any]:
        """Move a thread to another customer: the one way a thread changes hands, and it is logged.

        The model can never do this (a second authentication is refused); an operator who
        has checked who is writing can. Refused while the thread is paused or mid-run — a
        confirmation or approval asked for one customer must not be answered for another.
        """
        reason, customer_id = reason.strip(), customer_id.strip()
        if not reason:
            raise InboxError("say why the thread changes customer (--reason): it is kept in the operator log")
        if not customer_id:
            raise InboxError("name the customer id the thread moves to")
        if self.customer_exists is not None and not self.customer_exists(self.engine, customer_id):
            raise InboxError(f"no customer {customer_id!r} in the domain database")
        config: RunnableConfig = {"configurable": {"thread_id": thread_id}}
        with self.locks.hold(thread_id, wait_s=30.0) if self.locks is not None else nullcontext():
            snapshot = self.graph.get_state(config)
            if not snapshot.values:
                raise InboxError(f"no thread {thread_id!r}")
            if run_unfinished(snapshot):
                waiting = ", ".join(snapshot.next or [task.name for task in snapshot.tasks])
                raise InboxError(f"thread {thread_id} is waiting ({waiting}); answer or finish that first")
            previous = snapshot.values.get("customer_id")
            if previous == customer_id:
                raise InboxError(f"thread {thread_id} already belongs to {customer_id}")
            self.graph.update_state(config, {"customer_id": customer_id}, as_node="human_handoff")
            records.log_decision(
                self.engine,
                target_id=thread_id,
                thread_id=thread_id,
                kind="switch_customer",
                operator=operator,
                details={"from": previous, "to": customer_id, "reason": reason},
            )
        return dict(self.graph.get_state(config).values)

    def _decide(self, approval_id: str, decision: ApprovalDecision) -> dict[str, Any]:
        item = self._open(approval_id, "approval")
        return self._resume(item, decision)


def watch(graph: Any, thread_id: str, *, poll_s: float = 1.0, until: Callable[[], bool] | None = None) -> Any:
    """Wait until the thread has no pause left (an operator answered) and the run the answer
    resumed (in the operator's process) has ended; returns its state. Returning as soon as the
    pause was gone showed the operator's decision without the reply that followed it, and so
    did a poll between a step's end and its checkpoint (see ``run_unfinished``)."""

    config = {"configurable": {"thread_id": thread_id}}
    while True:
        state = graph.get_state(config)
        if not run_unfinished(state) or (until is not None and until()):
            return state
        time.sleep(poll_s)
