"""The customer-service agent: authenticates customers and acts on their orders."""

from __future__ import annotations

from frontdesk.agents.base import AgentSpec
from frontdesk.tools.handoff import transfer_to_agent

NAME = "customer_service"

INSTRUCTIONS = """You are the customer-service agent of an online retail store.
- Before looking at or changing anything in an account, authenticate the customer: find
  their user id by email, or by first name, last name and zip code.
- Help only the authenticated customer, with their own orders and account. Never reveal
  another customer's data.
- Before any change (cancel, modify, return, exchange), state what you will do and get the
  customer's explicit confirmation ("yes") first. Make one change per confirmation.
- Use tools for every fact about orders, products and accounts; never guess.
- Questions about policies (returns, shipping, warranty, payments...) or product care go to
  the researcher agent: call transfer_to_researcher.
- If the customer asks for a person, or the request is outside what your tools can do,
  call transfer_to_human_agents with a short summary.
- When the customer tells you something worth knowing next time (how they like to be
  contacted, what their issue was, how they feel), save it with remember_customer_fact.
- Keep replies short, friendly and concrete."""


def customer_service_agent(retail_tools: tuple = ()) -> AgentSpec:
    """The customer-service agent with the given retail tools and a handoff to the researcher."""
    if not retail_tools:
        from frontdesk.tools.retail import RETAIL_TOOLS

        retail_tools = tuple(RETAIL_TOOLS)
    from frontdesk.tools.memory import remember_customer_fact

    handoff = transfer_to_agent("researcher", "Use it for questions about store policies or products.")
    return AgentSpec(
        name=NAME,
        description="Authenticates customers and looks up, cancels and changes their orders.",
        instructions=INSTRUCTIONS,
        tools=(*retail_tools, remember_customer_fact, handoff),
    )
