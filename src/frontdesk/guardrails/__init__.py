"""Guardrails: input, output and tool checks an app passes to ``build_graph(guardrails=...)``.

See :mod:`frontdesk.guardrails.base` for when each kind runs and what a trip does.
"""

from frontdesk.guardrails.base import (
    GuardrailContext,
    GuardrailResult,
    InputGuardrail,
    OutputGuardrail,
    ToolGuardrail,
    input_guardrail,
    output_guardrail,
    tool_guardrail,
)

__all__ = [
    "GuardrailContext",
    "GuardrailResult",
    "InputGuardrail",
    "OutputGuardrail",
    "ToolGuardrail",
    "input_guardrail",
    "output_guardrail",
    "tool_guardrail",
]
