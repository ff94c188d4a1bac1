"""The shipped output guardrail that needs no model: cite only what this turn retrieved."""

from __future__ import annotations

from dataclasses import dataclass

from frontdesk.agents.citations import unsupported_citations
from frontdesk.guardrails.base import GuardrailContext, GuardrailResult, OutputGuardrail


@dataclass(frozen=True)
class CitedSourcesOnly(OutputGuardrail):
    """Blocks a draft citing ``[doc#section]`` that no knowledge-base search returned this turn."""

    name: str = "citations"

    def check_output(self, draft: str, ctx: GuardrailContext) -> GuardrailResult:
        invented = unsupported_citations(ctx.messages, draft)
        return GuardrailResult.block("; ".join(invented)) if invented else GuardrailResult.ok()
