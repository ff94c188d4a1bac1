"""Checking a draft's citations against the passages its turn actually retrieved.

The grader model judges whether a reply is grounded; this check needs no model: a draft
that cites ``[doc#section]`` which no knowledge-base search returned in this turn is
quoting a source it never saw, and fails review before the model is even asked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from langchain_core.messages import BaseMessage, HumanMessage, ToolMessage

from frontdesk.guardrails.base import GuardrailContext, GuardrailResult, OutputGuardrail

CITATION = re.compile(r"\[([a-z0-9][a-z0-9_-]*#[a-z0-9][a-z0-9-]*)\]")
SEARCH_TOOL = "search_knowledge_base"
RETRIEVED = re.compile(r'<passage cite="\[([a-z0-9][a-z0-9_-]*#[a-z0-9][a-z0-9-]*)\]"')
"""A passage's own citation, in the search tool's header of the block (text inside is escaped)."""


NOT_KNOWN = re.compile(
    r"\b(don't|do not|doesn't|does not|can't|cannot) (know|cover|say|find)|\bno information\b", re.IGNORECASE
)
"""A draft saying the passages do not answer the question needs no citation."""


def cited(text: str) -> list[str]:
    """The ``doc#section`` citations in ``text``, in order, without repeats."""
    return list(dict.fromkeys(CITATION.findall(text)))


def retrieved_this_turn(messages: Sequence[BaseMessage]) -> set[str]:
    """Citations of every passage the knowledge-base search returned since the customer's last message."""
    return set(retrieved_in_order(messages))


def retrieved_in_order(messages: Sequence[BaseMessage]) -> list[str]:
    """The same citations, the latest search's best passage first."""
    found: list[str] = []
    for message in reversed(messages):
        if isinstance(message, HumanMessage):
            break
        if isinstance(message, ToolMessage) and message.name == SEARCH_TOOL:
            found += RETRIEVED.findall(str(message.content))
    return list(dict.fromkeys(found))


def unsupported_citations(messages: Sequence[BaseMessage], draft_text: str) -> list[str]:
    """Reasons to fail the draft: one per citation it makes that this turn's searches did not
    return, or, when this turn's searches returned passages and the draft cites none of
    them, one naming the passages it may cite (an answer from the knowledge base says where
    it comes from; a model that forgot gets the exact citations to add)."""
    sources = retrieved_this_turn(messages)
    citations = cited(draft_text)
    if sources and not citations and not NOT_KNOWN.search(draft_text):
        offered = ", ".join(f"[{source}]" for source in sorted(sources))
        return [
            f"Cites no passage: cite, in square brackets, the passage each fact comes from ({offered}), or say you "
            "don't know"
        ]
    return [
        f"Cites [{citation}], which no knowledge-base search returned this turn; cite only passages that were retrieved"
        for citation in citations
        if citation not in sources
    ]


@dataclass(frozen=True)
class CitedSourcesOnly(OutputGuardrail):
    """The shipped output guardrail that needs no model: cite only what this turn retrieved."""

    name: str = "citations"

    def check_output(self, draft: str, ctx: GuardrailContext) -> GuardrailResult:
        invented = unsupported_citations(ctx.messages, draft)
        return GuardrailResult.block("; ".join(invented)) if invented else GuardrailResult.ok()
