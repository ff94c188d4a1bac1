"""Tools every domain offers in tau2's toolsets: arithmetic and handing the customer to a person."""

from __future__ import annotations

from frontdesk.tools.arithmetic import UnsafeExpression, evaluate
from frontdesk.tools.base import ToolError, ToolKind, tool
from frontdesk.tools.handoff import HUMAN


@tool(kind=ToolKind.GENERIC)
def calculate(expression: str) -> str:
    """Calculate an arithmetic expression (digits, + - * / ( ) . and spaces), rounded to 2 decimals."""
    if not all(char in "0123456789+-*/(). " for char in expression):
        raise ToolError("Invalid characters in expression")
    try:
        return str(round(evaluate(expression), 2))
    except UnsafeExpression as exc:
        raise ToolError(str(exc)) from None


@tool(kind=ToolKind.GENERIC, handoff_to=HUMAN)
def transfer_to_human_agents(summary: str) -> str:
    """Transfer the customer to a human agent, with a summary of their issue.

    Use only when the customer asks for a person or the request cannot be handled with the
    available tools."""
    return "Transfer successful"
