"""Logging in only with details the customer gave: a model cannot invent an identity.

Measured with the bundled 1.5B model: asked "Can I still return my shoes?" by an anonymous
customer, it called ``find_user_id_by_name_zip(first_name="John", last_name="Doe",
zip="12345")``. Had a John Doe at 12345 existed, the thread would have acted for him. An
authentication call's text arguments must therefore appear in what the customer wrote in
this conversation; otherwise the call is refused and the model told to ask. Hosts with no
conversation (the tau2 gold replay, framework adapters) leave ``ToolContext.customer_said``
unset and are not checked. On by default for the local model (``Settings.identity_from_customer``).
"""

from __future__ import annotations

import re
from typing import Any

from frontdesk.guardrails.base import GuardrailResult, ToolGuardrail
from frontdesk.tools.base import Tool, ToolContext


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


class IdentityFromCustomer(ToolGuardrail):
    """Refuses an authentication call whose details the customer never wrote."""

    name = "identity_from_customer"

    def before_call(self, tool: Tool, args: dict[str, Any], ctx: ToolContext) -> GuardrailResult:
        if not tool.authenticates or ctx.customer_said is None:
            return GuardrailResult.ok()
        said = _plain(ctx.customer_said)
        missing = [
            f"{field}={value!r}"
            for field, value in args.items()
            if isinstance(value, str) and _plain(value) and _plain(value) not in said
        ]
        if not missing:
            return GuardrailResult.ok()
        return GuardrailResult.block(
            f"Error: the customer has not given {', '.join(missing)} in this conversation: ask them for their details "
            "instead of guessing"
        )
