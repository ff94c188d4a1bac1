"""The memory tool: how agents write what they learn about a customer for next time."""

from __future__ import annotations

from frontdesk.memory.customer_memory import MemoryKind, remember
from frontdesk.tools.base import ToolContext, ToolError, ToolKind, tool


@tool(kind=ToolKind.WRITE, requires_auth=True, confirm=False)
def remember_customer_fact(ctx: ToolContext, kind: MemoryKind, value: str) -> str:
    """Remember a fact about the authenticated customer for future conversations.

    Use it for lasting facts: preferred_contact (e.g. "email"), last_issue, sentiment,
    preference, or a short note. A newer fact of the same kind replaces the older one.
    """
    store = ctx.run.store
    if store is None:
        raise ToolError("Long-term memory is not configured for this deployment.")
    entry = remember(store, ctx.require_customer(), kind, value, thread_id=ctx.thread_id)
    return f"Remembered {entry.kind}: {entry.value}"
