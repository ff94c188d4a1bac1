"""Safe arithmetic for tools: + - * / and parentheses on plain numbers, nothing else.

Why not ``eval`` with a character filter: ``9**9**9`` passes such a filter and runs for
ever, ``10**400`` overflows out of the turn. Here the expression is parsed, only the four
operations and unary signs are evaluated, and every intermediate value is bounded.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable

from frontdesk.errors import FrontdeskError

MAX_LENGTH = 500
MAX_MAGNITUDE = 1e15

_BINARY: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_UNARY: dict[type[ast.unaryop], Callable[[float], float]] = {ast.UAdd: operator.pos, ast.USub: operator.neg}


class UnsafeExpression(FrontdeskError, ValueError):
    """The expression cannot be computed; the message says why in words a model can act on."""


def evaluate(expression: str) -> float:
    """The value of ``expression``; raises :class:`UnsafeExpression` for anything but bounded arithmetic."""
    if len(expression) > MAX_LENGTH:
        raise UnsafeExpression(f"Expression too long (over {MAX_LENGTH} characters)")
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        raise UnsafeExpression("Invalid expression") from None
    return _value(tree.body)


def _value(node: ast.expr) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool):
        return _bounded(float(node.value))
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _bounded(_UNARY[type(node.op)](_value(node.operand)))
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _value(node.left), _value(node.right)
        if isinstance(node.op, ast.Div) and right == 0:
            raise UnsafeExpression("division by zero")  # the reference's (Python's) wording
        return _bounded(_BINARY[type(node.op)](left, right))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
        raise UnsafeExpression("Powers are not supported; use + - * / and parentheses")
    raise UnsafeExpression("Only numbers, + - * / and parentheses are allowed")


def _bounded(value: float) -> float:
    if abs(value) > MAX_MAGNITUDE:
        raise UnsafeExpression(f"Result too large (over {MAX_MAGNITUDE:.0e})")
    return value
