"""Ownership before policies: a call on something that is not the customer's stops here.

The tools check ownership themselves; checking it again in the pipeline, before approval
(and any policy an app adds), means an operator is never asked to approve — and a policy
never reasons about — a call on another customer's order. What "owns" means is the
domain's knowledge, given as a function.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from sqlmodel import Session

from frontdesk.tools.base import Tool, ToolContext
from frontdesk.tools.execution import PolicyVerdict
from frontdesk.tools.sessions import call_session

OwnershipFn = Callable[[Session, str, str, Mapping[str, Any]], str | None]
"""``(session, customer_id, tool name, arguments) -> refusal text`` when the call touches what is not the customer's."""


@dataclass(frozen=True)
class OwnershipPolicy:
    """Refuses calls whose arguments name another customer's records (the domain says which)."""

    name: ClassVar[str] = "ownership"

    check: OwnershipFn

    def review(self, tool: Tool, args: dict[str, Any], ctx: ToolContext) -> PolicyVerdict:
        if not tool.requires_auth or not ctx.customer_id or ctx.engine is None:
            return PolicyVerdict.proceed(args)
        with call_session(ctx) as session:
            assert session is not None  # an engine is configured
            refusal = self.check(session, ctx.customer_id, tool.name, args)
        return PolicyVerdict.refuse(f"Error: {refusal}") if refusal else PolicyVerdict.proceed(args)
