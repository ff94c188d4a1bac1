"""The approval gate: money-moving WRITE tool calls above a limit wait for an operator.

Which tools move money, and how much a call would move, is the domain's knowledge
(``Domain.money_tools`` / ``Domain.amount``); the limit is configuration. As a tool-pipeline
policy the gate sees only calls that validated, so operators are never asked to approve a
call that would fail anyway. It files an approval request (idempotently), pauses the
thread with ``interrupt()`` showing the exact call, and acts on the operator's answer:
approve, reject with a reason (the model is told and carries on), or edit the arguments
(validated again by the pipeline).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, ClassVar

from langgraph.types import interrupt
from sqlmodel import Session

from frontdesk.operators import records, refunds
from frontdesk.persistence import customer_locks, tool_runs
from frontdesk.tools.base import Tool, ToolContext
from frontdesk.tools.execution import PolicyVerdict
from frontdesk.tools.sessions import call_session
from frontdesk.tracing import instrument

AmountFn = Callable[[Session, str | None, str, Mapping[str, Any]], float | None]
"""``(session, customer_id, tool name, arguments) -> money the call would move`` (a domain's answer)."""


@dataclass(frozen=True)
class ApprovalPolicy:
    """Refunds through ``tools`` that would take a customer past ``limit`` within ``window`` need an operator.

    The amount counted is this call's plus what the customer was refunded in the window
    (the refund ledger), so splitting a refund into small calls does not get under the limit.
    """

    name: ClassVar[str] = "approval"

    limit: float = 100.0
    tools: frozenset[str] = field(default_factory=frozenset)
    amount: AmountFn | None = None
    window: timedelta = timedelta(hours=24)

    def needs_approval(self, tool: Tool, args: Mapping[str, Any], ctx: ToolContext) -> tuple[str, float] | None:
        """``(reason, amount)`` when the call must wait for an operator, else None."""
        return self._check(tool, *self._amounts(tool, args, ctx))

    def _check(self, tool: Tool, amount: float | None, earlier: float) -> tuple[str, float] | None:
        if amount is None or amount <= 0 or amount + earlier <= self.limit:
            return None
        if earlier:
            why = (
                f"{tool.name} would refund {amount:.2f}; with {earlier:.2f} refunded to this customer in the last "
                f"{_hours(self.window)}"
            )
            return f"{why}, that is above the approval limit of {self.limit:.2f}", amount
        return f"{tool.name} would refund {amount:.2f}, above the approval limit of {self.limit:.2f}", amount

    def _amounts(self, tool: Tool, args: Mapping[str, Any], ctx: ToolContext) -> tuple[float | None, float]:
        """What the call would move and what the customer was refunded in the window, read under the customer's lock.

        The lock (``persistence.customer_locks``) is taken in the call's transaction and held
        until its write commits, so a second refund for the customer reads a ledger with this
        one in it. The call's own ledger row (a re-run after a crash) is not counted against it.
        """
        if tool.name not in self.tools or self.amount is None or ctx.engine is None or not ctx.customer_id:
            return None, 0.0
        with call_session(ctx) as session:
            assert session is not None  # an engine is configured
            amount = self.amount(session, ctx.customer_id, tool.name, args)
            if not amount or amount <= 0:
                return amount, 0.0
            customer_locks.hold(session, ctx.customer_id)
            earlier = refunds.recent_refunds(
                session, ctx.customer_id, self.window, excluding=(ctx.thread_id, ctx.tool_call_id)
            )
        return amount, earlier

    def review(self, tool: Tool, args: dict[str, Any], ctx: ToolContext) -> PolicyVerdict:
        """The tool-pipeline hook: pass, or pause for an operator and act on the answer; refunds go on the ledger."""
        # committed before a crash: the pipeline returns that result, nothing moves again
        if tool.name in self.tools and already_ran(ctx):
            _take_decided_pause(tool, args, ctx)
            return PolicyVerdict.proceed(args)
        amount, earlier = self._amounts(tool, args, ctx)
        check = self._check(tool, amount, earlier)
        if check is not None:
            release(ctx)  # nobody waits on this customer's lock while a person decides
            use_args, refusal = _ask_operator(tool, args, ctx, *check)
            if refusal is not None or use_args is None:
                return PolicyVerdict.refuse(refusal or "The action was not approved.")
            if use_args != args:  # an operator's edit can change what the call refunds
                amount, _earlier = self._amounts(tool, use_args, ctx)
            args = use_args
        if not amount or amount <= 0 or not ctx.customer_id:
            return PolicyVerdict.proceed(args)
        # a host without call ids still gets one ledger row per refund (the row's key is thread + call id)
        customer, thread, call, refund = (
            ctx.customer_id,
            ctx.thread_id,
            ctx.tool_call_id or f"unidentified-{uuid.uuid4().hex}",
            amount,
        )

        def record(session: Session) -> None:
            refunds.record_refund(
                session, thread_id=thread, tool_call_id=call, customer_id=customer, tool=tool.name, amount=refund
            )

        return PolicyVerdict.proceed(args, on_commit=record)


def already_ran(ctx: ToolContext) -> bool:
    """True when this very call (thread and call key) committed already: a re-run after a crash, never a new request."""
    if ctx.engine is None or not ctx.tool_call_id:
        return False
    with call_session(ctx) as session:
        assert session is not None  # an engine is configured
        return tool_runs.previous_run(session, ctx.thread_id, ctx.tool_call_id) is not None


def _take_decided_pause(tool: Tool, args: dict[str, Any], ctx: ToolContext) -> None:
    """Pause again where the first run paused for this call's approval, if it did, and ignore the answer.

    LangGraph hands resume values to a node's pauses by position: a re-run that skipped the
    approval its first run waited for would hand that decision to the next pause (another
    call's confirmation). The decision was acted on when the write committed."""
    key = records.approval_id(ctx.thread_id, ctx.tool_call_id)
    if ctx.engine is not None and records.get_approval(ctx.engine, key) is not None:
        interrupt(
            {
                "type": "approval",
                "approval_id": key,
                "tool": tool.name,
                "args": args,
                "reason": "already decided",
                "customer_id": ctx.customer_id,
            }
        )


def release(ctx: ToolContext) -> None:
    """End the call's transaction (and the customer's lock with it) before waiting for a person."""
    if ctx.session is not None:
        ctx.session.rollback()


def _hours(window: timedelta) -> str:
    hours = window.total_seconds() / 3600
    return f"{hours:g} h"


NO_APPROVALS = ApprovalPolicy(limit=float("inf"))


@dataclass(frozen=True)
class OperatorApproval:
    """Every call of ``tools`` waits for an operator, whatever it moves (tools a deployment declares so, e.g. an MCP
    server's)."""

    name: ClassVar[str] = "approval"

    tools: frozenset[str] = field(default_factory=frozenset)

    def review(self, tool: Tool, args: dict[str, Any], ctx: ToolContext) -> PolicyVerdict:
        if tool.name not in self.tools:
            return PolicyVerdict.proceed(args)
        use_args, refusal = _ask_operator(tool, args, ctx, f"{tool.name} waits for an operator on every call", 0.0)
        if refusal is not None or use_args is None:
            return PolicyVerdict.refuse(refusal or "The action was not approved.")
        return PolicyVerdict.proceed(use_args)


def _decision(answer: Any) -> dict[str, Any]:
    if isinstance(answer, dict):
        return answer
    return {"decision": str(answer)}


def _ask_operator(
    tool: Tool, args: dict[str, Any], ctx: ToolContext, reason: str, amount: float
) -> tuple[dict[str, Any] | None, str | None]:
    """File the request, pause, and return ``(arguments to use, None)`` or ``(None, refusal)``."""
    key = records.approval_id(ctx.thread_id, ctx.tool_call_id)
    if ctx.engine is not None:
        records.request_approval(
            ctx.engine,
            thread_id=ctx.thread_id,
            tool_call_id=ctx.tool_call_id,
            customer_id=ctx.customer_id,
            tool=tool.name,
            args=args,
            reason=reason,
            amount=amount,
        )
    instrument.event(
        "frontdesk.approval",
        **{"frontdesk.approval.id": key, "frontdesk.approval.status": "requested", "gen_ai.tool.name": tool.name},
    )
    answer = _decision(
        interrupt(
            {
                "type": "approval",
                "approval_id": key,
                "tool": tool.name,
                "args": args,
                "reason": reason,
                "amount": amount,
                "customer_id": ctx.customer_id,
            }
        )
    )
    operator = str(answer.get("operator", "operator"))
    decision = answer.get("decision", "approve")
    status, refusal = "approved", None
    use_args: dict[str, Any] | None = args
    if decision == "reject":
        status, use_args = "rejected", None
        refusal = (
            f"The operator rejected this action: {answer.get('reason') or 'no reason given'}. Do not retry it; "
            "tell the customer."
        )
    elif decision == "edit":
        status, use_args = "edited", dict(answer.get("args") or {})
    if ctx.engine is not None:
        records.decide_approval(
            ctx.engine,
            key,
            status=status,
            operator=operator,
            note=answer.get("reason"),
            args=use_args if status == "edited" else None,
        )
    instrument.event(
        "frontdesk.approval",
        **{"frontdesk.approval.id": key, "frontdesk.approval.status": status, "frontdesk.operator": operator},
    )
    return use_args, refusal


@dataclass(frozen=True)
class ApprovalWithoutWaiting:
    """The approval gate for callers that cannot wait: what needs an operator is refused, with the reason."""

    name: ClassVar[str] = "approval"

    gate: ApprovalPolicy

    def review(self, tool: Tool, args: dict[str, Any], ctx: ToolContext) -> PolicyVerdict:
        needed = self.gate.needs_approval(tool, args, ctx)
        if needed is not None:
            reason, _amount = needed
            return PolicyVerdict.refuse(
                f"Error: Not done: {reason}, so it needs an operator's approval, which a tool call cannot wait for. "
                "Ask the customer to contact support."
            )
        return self.gate.review(tool, args, ctx)  # under the limit: passes, and the refund goes on the ledger
