"""The customer-service agent: authenticates customers and acts for them with a domain's tools."""

from __future__ import annotations

from collections.abc import Sequence

from frontdesk.agents.base import AgentSpec
from frontdesk.tools.base import Tool
from frontdesk.tools.handoff import transfer_to_agent
from frontdesk.tools.memory import remember_customer_fact

NAME = "customer_service"


def customer_service_agent(instructions: str, domain_tools: Sequence[Tool]) -> AgentSpec:
    """The customer-service agent: a domain's instructions and tools, long-term memory and a handoff to the
    researcher."""
    handoff = transfer_to_agent("researcher", "Use it for questions about store policies or products.")
    return AgentSpec(
        name=NAME,
        description="Authenticates customers and looks up, cancels and changes their orders.",
        instructions=instructions,
        tools=(*domain_tools, remember_customer_fact, handoff),
    )
