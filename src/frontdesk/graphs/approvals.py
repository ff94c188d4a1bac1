"""The approval gate: sensitive WRITE tool calls wait for an operator.

Which calls are sensitive is policy (``ApprovalPolicy``): by default refunds above an
amount — cancelling a pending order or returning delivered items worth more than the
limit. The gate files an approval request (idempotently), pauses the thread with
``interrupt()`` showing the exact tool call, and acts on the operator's answer: approve,
reject with a reason (the model is told and carries on), or edit the arguments (validated
again by the tool's schema).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from langgraph.types import interrupt

from frontdesk.memory import operator_log
from frontdesk.runtime import Services
from frontdesk.tools.base import Tool, ToolContext, ToolError
from frontdesk.tracing import instrument


def refund_amount(ctx: ToolContext, tool: str, args: dict[str, Any]) -> float | None:
    """What the call would refund, when it can be told from the customer's own order."""
    if ctx.engine is None or not isinstance(args.get("order_id"), str):
        return None
    from sqlmodel import Session

    from frontdesk.memory.domain.models import Order

    with Session(ctx.engine) as session:
        order = session.get(Order, args["order_id"])
    if order is None or order.user_id != ctx.customer_id:
        return None
    if tool == "cancel_pending_order":
        return round(sum(p["amount"] for p in order.payment_history if p["transaction_type"] == "payment"), 2)
    if tool == "return_delivered_order_items" and isinstance(args.get("item_ids"), list):
        remaining = Counter(args["item_ids"])
        total = 0.0
        for item in order.items:
            if remaining[item["item_id"]] > 0:
                remaining[item["item_id"]] -= 1
                total += item["price"]
        return round(total, 2)
    return None


@dataclass(frozen=True)
class ApprovalPolicy:
    """Refunds above ``limit`` through one of ``tools`` need an operator's approval."""

    limit: float = 100.0
    tools: frozenset[str] = field(default_factory=lambda: frozenset({"cancel_pending_order", "return_delivered_order_items"}))

    def needs_approval(self, tool: Tool, args: dict[str, Any], ctx: ToolContext) -> tuple[str, float | None] | None:
        """``(reason, amount)`` when the call must wait for an operator, else None."""
        if tool.name not in self.tools:
            return None
        amount = refund_amount(ctx, tool.name, args)
        if amount is None or amount <= self.limit:
            return None
        return f"{tool.name} would refund {amount:.2f}, above the approval limit of {self.limit:.2f}", amount


NO_APPROVALS = ApprovalPolicy(limit=float("inf"), tools=frozenset())


def _decision(answer: Any) -> dict[str, Any]:
    if isinstance(answer, dict):
        return answer
    return {"decision": str(answer)}


def approval_gate(policy: ApprovalPolicy, services: Services, tool: Tool, args: dict[str, Any], ctx: ToolContext) -> tuple[dict[str, Any] | None, str | None]:
    """Run the gate: ``(arguments to use, None)`` to go ahead, ``(None, message)`` if refused."""
    check = policy.needs_approval(tool, args, ctx)
    if check is None:
        return args, None
    reason, amount = check
    key = operator_log.approval_id(ctx.thread_id, ctx.tool_call_id)
    if services.engine is not None:
        operator_log.request_approval(services.engine, thread_id=ctx.thread_id, tool_call_id=ctx.tool_call_id, customer_id=ctx.customer_id, tool=tool.name, args=args, reason=reason, amount=amount)
    instrument.event("frontdesk.approval", **{"frontdesk.approval.id": key, "frontdesk.approval.status": "requested", "gen_ai.tool.name": tool.name})
    answer = _decision(interrupt({"type": "approval", "approval_id": key, "tool": tool.name, "args": args, "reason": reason, "amount": amount, "customer_id": ctx.customer_id}))
    operator = str(answer.get("operator", "operator"))
    decision = answer.get("decision", "approve")
    status, use_args, refusal = "approved", args, None
    if decision == "reject":
        status, use_args = "rejected", None
        refusal = f"The operator rejected this action: {answer.get('reason') or 'no reason given'}. Do not retry it; tell the customer."
    elif decision == "edit":
        try:
            validated = tool.validate(answer.get("args") or {})
        except ToolError as exc:
            status, use_args, refusal = "rejected", None, f"The operator's edited arguments were invalid ({exc}); the action was not taken."
        else:
            status, use_args = "edited", validated.model_dump()
    if services.engine is not None:
        operator_log.decide_approval(services.engine, key, status=status, operator=operator, note=answer.get("reason"), args=use_args if status == "edited" else None)
    instrument.event("frontdesk.approval", **{"frontdesk.approval.id": key, "frontdesk.approval.status": status, "frontdesk.operator": operator})
    return use_args, refusal
