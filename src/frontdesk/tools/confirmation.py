"""The customer confirms every WRITE before it runs: enforced here, not asked for in a prompt.

A model can be talked into a write — by the customer, or by a knowledge-base page or a tool
result carrying instructions. So before any WRITE tool runs, the thread pauses
(LangGraph ``interrupt``) with the exact action in words, and only the customer's answer
resumes it: ``yes`` runs that call with those arguments, anything else refuses it and the
model is told. Text from tools or pages cannot answer: the answer comes from the entry point
(the customer's next message in chat or over HTTP, a scenario's ``confirm``), never from
the conversation the model sees.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from langgraph.types import interrupt

from frontdesk.persistence import confirmations
from frontdesk.tools.base import Tool, ToolContext, ToolKind
from frontdesk.tools.execution import PolicyVerdict
from frontdesk.tracing import instrument

DescribeFn = Callable[[str, Mapping[str, Any]], str | None]
"""``(tool name, arguments) -> the action in the customer's words`` (a domain's; None: the generic wording)."""

YES = frozenset({"yes", "y", "yes please", "yes, please", "confirm", "confirmed", "i confirm", "ok", "okay", "sure", "go ahead", "do it", "correct"})
NO = frozenset({"no", "n", "no thanks", "no, thanks", "cancel", "stop", "don't", "do not", "wait"})
YES_WORDS = frozenset({"yes", "yeah", "yep", "sure", "ok", "okay", "confirm", "confirmed", "correct", "proceed", "please", "absolutely"})
NO_WORDS = frozenset({"no", "nope", "cancel", "stop", "wait", "hold"})
NEGATIONS = frozenset({"no", "not", "don't", "dont", "never", "nope", "cancel", "stop", "wait"})


def describe_generic(tool: Tool, args: Mapping[str, Any]) -> str:
    """The generic wording: the tool's name in words and its arguments."""
    shown = ", ".join(f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in args.items())
    return f"{tool.name.replace('_', ' ')} ({shown})"


def parse_answer(answer: Any) -> bool | None:
    """``True``/``False`` for a clear yes or no (a bool, ``{"confirmed": ...}`` or text); ``None`` when unclear."""
    if isinstance(answer, Mapping):
        answer = answer.get("confirmed")
    if isinstance(answer, bool):
        return answer
    if isinstance(answer, str):
        text = answer.strip().lower().rstrip(".!")
        if text in YES:
            return True
        if text in NO:
            return False
        words = re.findall(r"[a-z']+", text)
        if words and words[0] in YES_WORDS and not NEGATIONS & set(words):
            return True
        if words and (words[0] in NO_WORDS or words[0] in NEGATIONS):
            return False
    return None


@dataclass(frozen=True)
class CustomerConfirmation:
    """Pauses before every WRITE tool marked ``confirm`` until the customer answers yes or no."""

    name: ClassVar[str] = "confirmation"

    describe: DescribeFn | None = None

    def question(self, tool: Tool, args: Mapping[str, Any]) -> str:
        action = (self.describe(tool.name, args) if self.describe else None) or describe_generic(tool, args)
        return f"Please confirm: {action}. Shall I go ahead? (yes/no)"

    def review(self, tool: Tool, args: dict[str, Any], ctx: ToolContext) -> PolicyVerdict:
        if tool.kind is not ToolKind.WRITE or not tool.confirm:
            return PolicyVerdict.proceed(args)
        question = self.question(tool, args)
        # Always pause here, even when the answer is kept: LangGraph matches resume values to a
        # node's pauses by position, so skipping this one would hand its answer to the next
        # (the approval). After a crash the entry points resume it with the kept answer.
        answer = interrupt({"type": "confirmation", "question": question, "tool": tool.name, "args": args, "tool_call_id": ctx.tool_call_id})
        confirmed = parse_answer(answer) is True
        if ctx.engine is not None and ctx.tool_call_id and ctx.thread_id:
            confirmed = confirmations.record(ctx.engine, ctx.thread_id, ctx.tool_call_id, confirmed)
        instrument.event("frontdesk.confirmation", **{"gen_ai.tool.name": tool.name, "frontdesk.confirmed": confirmed})
        if confirmed:
            return PolicyVerdict.proceed(args)
        return PolicyVerdict.refuse("The customer did not confirm this action, so nothing was done. Ask what they would like instead; do not retry it unasked.")
