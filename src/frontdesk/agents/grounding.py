"""Checking a draft's hard facts against what the thread has actually seen, without a model.

The grader model judges whether a reply is grounded, but a small model cannot judge its
own drafts: the bundled 1.5B model failed correct drafts for reasons that were not true
and passed drafts it had made up. The facts that hurt when invented — money amounts,
order and item ids, card digits, zip codes, email addresses — can be checked exactly: each
must appear in something the thread has seen (a tool result, a knowledge-base passage,
the customer's own words). A draft stating one that appears nowhere fails review with the
value named, and its agent is asked to look it up.

This is the grader in ``rules`` mode (``Settings.grade_with``), and an output guardrail any
app can add in front of a model grader: it costs microseconds and catches the invented
refund amount before a model is paid to.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from langchain_core.messages import BaseMessage, HumanMessage, ToolMessage

from frontdesk.guardrails.base import GuardrailContext, GuardrailResult, OutputGuardrail

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
MONEY = re.compile(r"\$\s?(\d[\d,]*(?:\.\d+)?)|\b(\d[\d,]*\.\d+)\b")
"""A dollar amount, or any decimal number (prices and balances are written "80.00" too)."""
IDENTIFIER = re.compile(r"#?\b[A-Za-z_]*\d[A-Za-z0-9_]*\b")
"""A token with a digit in it: order and item ids, card digits, zip codes, years."""
MIN_IDENTIFIER_CHARS = 4
"""Shorter tokens ("2 items", "30 days", "3rd") are counts and terms, not looked-up facts."""
NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


def _amount(text: str) -> float | None:
    try:
        return round(float(text.replace(",", "")), 2)
    except ValueError:
        return None


@dataclass(frozen=True)
class Facts:
    """The checkable facts in a text."""

    emails: frozenset[str]
    amounts: frozenset[float]
    identifiers: frozenset[str]

    @classmethod
    def of(cls, text: str) -> Facts:
        without_emails = EMAIL.sub(" ", text)
        amounts = {_amount(dollars or decimal) for dollars, decimal in MONEY.findall(without_emails)}
        identifiers = {token.lstrip("#").lower() for token in IDENTIFIER.findall(MONEY.sub(" ", without_emails))}
        return cls(
            emails=frozenset(email.lower().rstrip(".") for email in EMAIL.findall(text)),
            amounts=frozenset(a for a in amounts if a is not None),
            identifiers=frozenset(i for i in identifiers if len(i) >= MIN_IDENTIFIER_CHARS),
        )


@dataclass(frozen=True)
class Evidence:
    """Everything the thread has seen that a reply may repeat: its text and every number in it."""

    text: str
    numbers: frozenset[float]

    @classmethod
    def of(cls, messages: Iterable[BaseMessage]) -> Evidence:
        seen = "\n".join(str(m.content) for m in messages if isinstance(m, HumanMessage | ToolMessage)).lower()
        numbers = {_amount(match) for match in NUMBER.findall(seen)}
        return cls(seen, frozenset(n for n in numbers if n is not None))


def ungrounded_facts(messages: Sequence[BaseMessage], draft: str) -> list[str]:
    """The draft's emails, amounts and identifiers that nothing in ``messages`` shows, as short descriptions."""
    facts = Facts.of(draft)
    if not (facts.emails or facts.amounts or facts.identifiers):
        return []
    seen = Evidence.of(messages)
    missing = [f"the email {email}" for email in sorted(facts.emails) if email not in seen.text]
    missing += [f"the amount {amount:.2f}" for amount in sorted(facts.amounts) if amount not in seen.numbers]
    missing += [
        f"'{token}'"
        for token in sorted(facts.identifiers)
        if token not in seen.text and _amount(token) not in seen.numbers
    ]
    return missing


@dataclass(frozen=True)
class GroundedFacts(OutputGuardrail):
    """Every amount, id and email in a draft appears in a tool result, passage or the customer's words."""

    name: str = "grounding"

    def check_output(self, draft: str, ctx: GuardrailContext) -> GuardrailResult:
        missing = ungrounded_facts(ctx.messages, draft)
        if not missing:
            return GuardrailResult.ok()
        return GuardrailResult.block(
            f"The draft states {', '.join(missing)}, which no tool result or customer message shows: look it up with a "
            "tool, or leave it out"
        )
