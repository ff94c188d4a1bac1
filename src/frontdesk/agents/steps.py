"""Forced steps: the tool calls a request obviously needs, made by the framework's choice
rather than the model's.

Why: a small model told "look the order up first" still drafts an answer from nothing
(measured with the bundled 1.5B model: it wrote "order #D1001 is pending" without calling
``get_order_details``). When the customer's recent messages already hold what the first
call needs — an email to log in with, an order id to look up — the agent's model call is
sent with ``tool_choice`` naming that tool: the model still writes the arguments (under
the tool's JSON Schema, which servers such as llama.cpp enforce as a grammar), but it
cannot skip the step. A request's steps go in order (look the order up, then cancel it);
each is forced at most once per window of customer messages, and nothing is forced after a
failed call, so a failed lookup is answered by the model, never retried in a loop. A forced
WRITE still waits for the customer's confirmation like any other, and WRITE steps are not
forced when writes are not confirmed. Steps only run with intent routing (see
``agents.intents``).

A forced READ whose arguments are all in the customer's words — the one email they wrote,
the one order id — needs no model at all (``direct_arguments``): the framework writes the
call itself when ``Settings.direct_steps`` is on. The bundled model spends seconds on each
call it makes, and a hosted model bills for it; the call still goes through the tool
pipeline's checks like any the model wrote.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

RECENT_CUSTOMER_MESSAGES = 2
"""How far back a step's evidence may be: "where is #D1001?", then the email a turn later."""


@dataclass(frozen=True)
class Step:
    """Call ``tool`` first when the customer's recent messages match ``when``; the words
    matched are the tool's ``argument``, when one is named (see ``direct_arguments``)."""

    tool: str
    when: re.Pattern[str]
    argument: str | None = None

    @classmethod
    def of(cls, tool: str, pattern: str = r"\S", argument: str | None = None) -> Step:
        """A step on ``tool``; ``pattern`` (default: any message) is searched case-insensitively."""
        return cls(tool, re.compile(pattern, re.IGNORECASE), argument)


def failed_result(message: ToolMessage) -> bool:
    """A tool result that reports a failure (the tools node marks it both ways)."""
    return message.status == "error" or str(message.content).startswith("Error")


@dataclass(frozen=True)
class Window:
    """The customer's recent messages, and the tools called (and failed) since the first of them."""

    text: str
    called: frozenset[str]
    failed: frozenset[str]

    @classmethod
    def of(cls, messages: Sequence[BaseMessage], count: int = RECENT_CUSTOMER_MESSAGES) -> Window:
        texts: list[str] = []
        called: set[str] = set()
        failed: set[str] = set()
        for message in reversed(messages):
            if isinstance(message, HumanMessage):
                texts.append(str(message.content))
                if len(texts) == count:
                    break
            elif isinstance(message, AIMessage):
                called.update(call["name"] for call in message.tool_calls)
            elif isinstance(message, ToolMessage) and message.name and failed_result(message):
                failed.add(message.name)
        return cls("\n".join(reversed(texts)), frozenset(called), frozenset(failed))


def next_step(sequence: Sequence[Step], window: Window) -> Step | None:
    """The first step of ``sequence`` still to make: steps already called are done, steps
    whose words are missing are skipped, and nothing is forced after a failed call (the
    model explains the failure)."""
    for step in sequence:
        if step.tool in window.failed:
            return None
        if step.tool in window.called:
            continue
        if step.when.search(window.text):
            return step
    return None


def forced_tool(sequences: Iterable[Sequence[Step]], window: Window, usable: Iterable[str]) -> str | None:
    """The name of the tool this model call must call (``forced_call``), or ``None``."""
    step = forced_call(sequences, window, usable)
    return step.tool if step is not None else None


def forced_call(sequences: Iterable[Sequence[Step]], window: Window, usable: Iterable[str]) -> Step | None:
    """The step this model call must make, or ``None`` to let the model choose.

    ``sequences`` are the steps of what the customer asked (the login steps before
    authentication, else each matched intent's steps). The requests with a step to make
    now must agree on it — two requests going on differently leave the choice to the
    model; a request with nothing to do yet (a return with no order named) does not block
    another's step (the policy question beside it). Nothing is forced after a failed call,
    and the tool must be offered.
    """
    if window.failed:
        return None
    choices = [step for sequence in sequences if sequence and (step := next_step(sequence, window)) is not None]
    if len({step.tool for step in choices}) != 1:
        return None
    return choices[0] if choices[0].tool in set(usable) else None


def direct_arguments(step: Step, window: Window, required: Collection[str]) -> dict[str, str] | None:
    """The arguments of ``step``'s call when the customer's words give every ``required``
    one, else ``None`` (the model writes them).

    The step's ``argument`` is the words its pattern matched, only when they matched one
    value (two emails, two order ids: which one is the model's reading, or the customer's
    answer to a question); a tool with no required arguments needs none.
    """
    given: dict[str, str] = {}
    if step.argument is not None:
        found = [match.group(0) for match in step.when.finditer(window.text)]
        if len({value.casefold() for value in found}) != 1:
            return None
        given[step.argument] = found[0]
    return given if set(required) <= set(given) else None
