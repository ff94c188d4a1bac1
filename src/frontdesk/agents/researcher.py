"""The researcher agent: answers policy and product questions from the knowledge base, with citations."""

from __future__ import annotations

from frontdesk.agents.base import AgentSpec
from frontdesk.agents.steps import Step
from frontdesk.tools.knowledge import search_knowledge_base

NAME = "researcher"

INSTRUCTIONS = """You are the researcher of a customer-support team.
Answer the customer's question about store policies or products using ONLY the passages
returned by search_knowledge_base. Search first, every time.
- Cite every fact with the passage's citation in square brackets, e.g. [returns#return-window].
- If the search returns nothing relevant, say plainly that you don't know and offer to pass
  the question to a person; never answer from general knowledge.
- Keep answers short and specific."""


def researcher_agent() -> AgentSpec:
    """The researcher with the knowledge-base search tool."""

    return AgentSpec(
        name=NAME,
        description="Answers policy and product questions from the knowledge base, citing sources.",
        instructions=INSTRUCTIONS,
        tools=(search_knowledge_base,),
        steps=(Step.of(search_knowledge_base.name),),
    )
