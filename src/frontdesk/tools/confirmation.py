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

ID_TOKEN = "<id>"
"""What an order number, an amount or any word with a digit in it reads as (``#W2378156``, ``129.00``)."""
YES_CORE = frozenset(
    {
        "yes", "yeah", "yea", "yep", "yup", "ya", "y", "sure", "ok", "okay", "okey", "k", "confirm", "confirmed",
        "correct",
        "absolutely", "definitely", "certainly", "affirmative", "proceed", "agreed", "alright",
        # other languages: a clear yes is a clear yes
        "oui", "si", "sí", "ja", "jawohl", "sim", "da", "tak", "evet", "igen", "kyllä", "haan", "hai", "да", "так",
        "はい", "是", "是的", "好", "好的",
        "对", "네", "예", "نعم", "כן", "ναι", "ano", "áno", "jes",
    }
)  # fmt: skip
"""Words that, with nothing else but politeness around them, answer yes."""
YES_PHRASES = (
    "go ahead",
    "do it",
    "please do",
    "of course",
    "that's right",
    "that is right",
    "sounds good",
    "all right",
    "i confirm",
    "i agree",
)
"""Several-word yeses (their words are then as good as a core word)."""
YES_COMPANIONS = frozenset(
    {
        "please", "pls", "plz", "thanks", "thank", "you", "thx", "ty", "go", "ahead", "do", "it", "that", "that's",
        "is", "right", "fine",
        "good", "great", "perfect", "sounds", "i", "i'm", "thing", "all", "of", "course", "agree", "just", "now",
        "then", "sir", "madam", "very", "much",
        "bitte", "danke", "merci", "s'il", "vous", "plaît", "por", "favor", "gracias", "obrigado", "obrigada", "grazie",
        "prego", "pożalujsta",
        "пожалуйста", "спасибо", "ください", "请", "谢谢",
    }
)  # fmt: skip
"""Words a yes may come with (politeness, 'go ahead'); any other word makes the answer unclear."""
ACTION_WORDS = frozenset(
    {
        "cancel", "change", "refund", "return", "exchange", "update", "modify", "book", "swap", "switch", "proceed",
        "process", "send",
        "the", "a", "an", "my", "this", "them", "those", "these", "both", "with", "and", "to", "for", "of", "on",
        "order", "orders", "item", "items", "cancellation", "address", "payment", "method", "card", "booking",
        "reservation",
        "flight", "flights", "changes", "upgrade", "certificate", "baggage", "bags", ID_TOKEN,
    }
)  # fmt: skip
"""Naming the action after a yes ('yes, cancel it'): taken only after a yes word, never alone ('cancel' alone may mean
stop)."""
NO_CORE = frozenset(
    {
        "no", "nope", "nah", "not", "don't", "dont", "never", "stop", "n", "negative",
        "non", "nein", "nee", "não", "nao", "nie", "нет", "ні", "いいえ", "不", "不要", "아니요", "아니", "hayır", "ne",
        "لا", "לא", "όχι",
    }
)  # fmt: skip
"""Words that, opening an answer, say no (the write does not happen; the model is told)."""
NO_OPENINGS = (
    "do not",
    "never mind",
    "nevermind",
    "hold off",
    "don't",
    "cancel that",
    "rather not",
    "i changed my mind",
    "changed my mind",
)
NOT_REFUSALS = ("no problem", "no worries", "not a problem", "no doubt", "not sure", "not yet sure")
"""Openings with a no word that do not refuse ('no problem, go ahead'): unclear, so asked again."""
HEDGES = frozenset(
    {
        "but", "however", "although", "though", "if", "unless", "wait", "hold", "maybe", "perhaps", "first", "before",
        "think",
        "instead", "except", "only", "caution", "haven't", "hasn't", "later", "yet", "another", "other", "different",
        "not", "don't", "dont", "no", "never", "which", "what", "how", "why", "when", "where", "who",
    }
)  # fmt: skip
"""Words that turn a yes into a question or a condition."""


def describe_generic(tool: Tool, args: Mapping[str, Any]) -> str:
    """The generic wording: the tool's name in words and its arguments."""
    shown = ", ".join(f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in args.items())
    return f"{tool.name.replace('_', ' ')} ({shown})"


_ID = re.compile(r"#?[\w.-]*\d[\w.-]*")
"""An id or an amount: a run of word characters, dots and dashes with a digit in it (``#W2378156``, ``129.00``)."""
_WORD = re.compile(rf"{_ID.pattern}|[\u3040-\u30ff\u4e00-\u9fff]+|[^\W\d_](?:[^\W\d_]|')*")
"""An id, a run of Japanese or Chinese characters, or a word of letters (apostrophes kept)."""


def _words(text: str) -> list[str]:
    """The answer's words, lower case, an id or amount read as ``ID_TOKEN``."""
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    found = _WORD.findall(text.lower())
    return [ID_TOKEN if _ID.fullmatch(word) else word for word in found]


def parse_answer(answer: Any, question: str | None = None) -> bool | None:
    """``True`` only for an unmistakable yes, ``False`` for a clear no, ``None`` for everything else.

    A write happens on ``True`` alone, so the grammar is short and strict: a yes word
    ("yes", "ok", "go ahead", "oui"...) with nothing but politeness around it, or naming
    the action after it ("yes, cancel it"). A question, a condition ("ok, but..."), a
    hedge ("let me think") or any word outside that grammar is unclear — the entry point
    asks again in the customer's words — never a yes. A yes naming an id or an amount
    ("yes, cancel #D1002") is a yes only when ``question`` names the same: otherwise the
    customer may be agreeing to something else than what was asked. ``{"confirmed": bool}`` and a bool
    (an entry point's buttons) are taken as they are.
    """
    if isinstance(answer, Mapping):
        answer = answer.get("confirmed")
    if isinstance(answer, bool):
        return answer
    if not isinstance(answer, str):
        return None
    text = " ".join(answer.strip().lower().split())
    if not text or len(text) > 200 or "?" in text or "\uff1f" in text:
        return None
    words = _words(text)
    if not words:
        return None
    joined = " ".join(words)
    if any(joined.startswith(opening) for opening in NOT_REFUSALS):
        return None
    if words[0] in NO_CORE or any(joined.startswith(opening) for opening in NO_OPENINGS):
        return False
    if ID_TOKEN in words and not set(_ids(text)) <= set(_ids(question or "")):
        return None
    return True if _is_plain_yes(words, joined) else None


def _ids(text: str) -> list[str]:
    """The ids and amounts in ``text`` (words with a digit), without '#' or trailing dots, lower case."""
    return [word.lstrip("#").rstrip(".") for word in _ID.findall(text.lower())]


def _is_plain_yes(words: list[str], joined: str) -> bool:
    if HEDGES & set(words):
        return False
    for phrase in YES_PHRASES:
        joined = joined.replace(phrase, "yes")
    words = joined.split()
    said_yes = False
    for word in words:
        if word in YES_CORE:
            said_yes = True
        elif word in ACTION_WORDS and said_yes:
            continue
        elif word not in YES_COMPANIONS:
            return False
    return said_yes


def ask_again(said: str, question: str) -> str:
    """What an entry point says to an answer that is not a clear yes or no: the customer's words, then the question."""
    shown = " ".join(said.split())
    shown = shown if len(shown) <= 80 else shown[:77] + "..."
    return f'You wrote "{shown}". I need a clear yes or no before anything is done. {question}'


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
        pause = {
            "type": "confirmation",
            "question": question,
            "tool": tool.name,
            "args": args,
            "tool_call_id": ctx.tool_call_id,
            "call_id": ctx.model_call_id,
        }
        answer = interrupt(pause)
        confirmed = parse_answer(answer) is True
        if ctx.engine is not None and ctx.tool_call_id and ctx.thread_id:
            confirmed = confirmations.record(ctx.engine, ctx.thread_id, ctx.tool_call_id, confirmed)
        instrument.event("frontdesk.confirmation", **{"gen_ai.tool.name": tool.name, "frontdesk.confirmed": confirmed})
        if confirmed:
            return PolicyVerdict.proceed(args)
        return PolicyVerdict.refuse(
            "The customer did not confirm this action, so nothing was done. Ask what they would like instead; do not "
            "retry it unasked."
        )
