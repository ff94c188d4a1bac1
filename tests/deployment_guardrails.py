"""Guardrails a deployment names in its settings (used by the server test as FRONTDESK_GUARDRAILS)."""

from __future__ import annotations

import re

from frontdesk import GuardrailContext, GuardrailResult, input_guardrail

CARD = re.compile(r"\b(?:\d[ -]?){13,16}\b")


@input_guardrail
def no_card_numbers(text: str, ctx: GuardrailContext) -> GuardrailResult:
    """Card numbers never reach a model."""
    return GuardrailResult.block("it contained a payment card number") if CARD.search(text) else GuardrailResult.ok()


not_a_guardrail = 42
