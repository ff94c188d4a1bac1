"""Time limits for tool calls that may be abandoned: READ and GENERIC ones, never WRITEs.

A lookup against a hung service must not hold the customer's turn (and the thread's
lock) for ever, so such a call runs in a daemon worker thread and the turn moves on when
its time is up: the model reads an error and can apologise or hand off. The worker keeps
the caller's context variables (the trace span, LangGraph's run config), so its spans and
logs still belong to the turn, and gets its own copy of the tool context, so a late
finish cannot disturb the calls after it. A WRITE is never abandoned: walking away from an
open transaction, or from a payment call half-sent, is how a write happens twice or half.
"""

from __future__ import annotations

import contextvars
import dataclasses
import threading
from typing import TYPE_CHECKING

from frontdesk.tools.base import ToolContext, ToolKind, ToolOutcome

if TYPE_CHECKING:
    from pydantic import BaseModel

    from frontdesk.tools.base import Tool

DEFAULT_TOOL_TIME_LIMIT_S = 30.0


def may_be_abandoned(tool: Tool) -> bool:
    return tool.kind is not ToolKind.WRITE


def execute_within(tool: Tool, ctx: ToolContext, args: BaseModel, seconds: float) -> ToolOutcome:
    """``tool.execute`` with at most ``seconds`` of waiting; past that, an error outcome for the model."""
    own_ctx = dataclasses.replace(ctx, session=None)
    result: list[ToolOutcome] = []
    context = contextvars.copy_context()
    worker = threading.Thread(target=lambda: result.append(context.run(tool.execute, own_ctx, args)), name=f"tool {tool.name}", daemon=True)
    worker.start()
    worker.join(seconds)
    if result:
        return result[0]
    return tool.error(f"{tool.name} did not answer within {seconds:g} s; it may be down. Do not retry it now; tell the customer and offer a person.")
