"""Which tools an agent is offered on one call, in prompt-cache order, and which step it must take.

Why apart from the node: offering fewer tools is how a small model stays on the request
(intent routing), and the order of the schemas decides how much of a prompt the next call
reuses from a cache; the prompt-cache warm-up offers the same tools in the same order.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from frontdesk.agents.base import AgentSpec
from frontdesk.agents.intents import Intent, tools_for
from frontdesk.agents.steps import Step, Window, direct_arguments, forced_call
from frontdesk.graphs.state import SupportState
from frontdesk.tools.base import Tool, ToolKind


def usable_tools(spec: AgentSpec, state: SupportState, intents: Sequence[Intent] = ()) -> tuple[Tool, ...]:
    """The tools that can succeed now and that this request needs, in prompt-cache order.

    Before authentication, none that needs a customer: a tool the model cannot use yet only
    costs prompt tokens and invites a refused call (small models reach for
    ``get_order_details`` first). With intent routing, only the tools of the message's
    intents (see ``agents.intents``). A call to a withheld tool is still run by the tools node.

    Servers render tool schemas near the start of the prompt, so their order decides how
    much of one call's prompt the next call can reuse from a prompt cache: tools offered in
    every request and before authentication come first, the request's own next, and the
    tools that appear only once the customer is authenticated last — logging in or
    switching requests appends schemas instead of rewriting the prompt after the
    instructions.
    """
    matched = [intent for intent in intents if intent.name in (state.get("intents") or [])]
    tools = tools_for(matched, spec.tools, intents) if matched else spec.tools
    if not state.get("customer_id"):
        tools = tuple(t for t in tools if not t.requires_auth)
    return tuple(sorted(tools, key=lambda tool: (tool.requires_auth, not always_offered(tool, intents))))


def always_offered(tool: Tool, intents: Sequence[Intent]) -> bool:
    """Offered whatever the request: authentication, handoffs, and tools no intent names."""
    return tool.authenticates or tool.handoff_to is not None or not any(tool.name in intent.tools for intent in intents)


def forced_step(
    state: SupportState,
    usable: Sequence[Tool],
    intents: Sequence[Intent],
    login_steps: Sequence[Step],
    *,
    writes: bool = True,
    own: Sequence[Step] = (),
) -> Step | None:
    """The step this call must make (``agents.steps``): a login step before authentication,
    else the matched intents' next step, or the agent's ``own`` steps (the researcher's
    search); WRITE steps only when ``writes`` (the customer confirms each)."""
    window = Window.of(state.get("messages", []))
    names = [tool.name for tool in usable]
    if not state.get("customer_id"):
        login = next((forced for step in login_steps if (forced := forced_call([(step,)], window, names))), None)
        if login is not None:
            return login
    writing = {tool.name for tool in usable if tool.kind is ToolKind.WRITE}
    asked = state.get("intents") or []
    sequences = [
        tuple(step for step in intent.steps if writes or step.tool not in writing)
        for intent in intents
        if intent.name in asked
    ]
    if own:
        sequences.append(tuple(step for step in own if writes or step.tool not in writing))
    return forced_call(sequences, window, names)


def direct_call(step: Step, usable: Sequence[Tool], state: SupportState) -> dict[str, Any] | None:
    """The tool call for ``step`` written from the customer's words alone (``direct_arguments``),
    for read-only tools only: a change is the model's reading of the request, and its call
    waits for the customer's yes anyway."""
    tool = next((tool for tool in usable if tool.name == step.tool), None)
    if tool is None or tool.kind is not ToolKind.READ:
        return None
    required = [name for name, field in tool.args_model.model_fields.items() if field.is_required()]
    args = direct_arguments(step, Window.of(state.get("messages", [])), required)
    if args is None:
        return None
    return {"name": tool.name, "args": args, "id": f"call_{uuid.uuid4().hex[:24]}", "type": "tool_call"}


def schemas_of(tools: tuple[Tool, ...]) -> list[dict[str, Any]]:
    """The tools' function-calling schemas (each tool's JSON Schema is generated once per
    arguments model, see ``Tool.openai_schema``; each call gets its own copy)."""
    return [tool.openai_schema() for tool in tools]
