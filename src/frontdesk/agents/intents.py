"""Intent routing: each customer message is matched to a kind of request, and the agent is
offered only the tools that kind needs.

Why: eighteen tool schemas are ~2,000 prompt tokens on every model call. A small local
model slows down and loses its way under them (with two tools bound it answers an order
question correctly), and a hosted model charges for them on every step. The match is
cheap — the bundled embedding model against a handful of labelled examples per intent —
and never a boundary: authentication and handoff tools are always offered, a tool no
intent names (an app's own, an MCP server's) is always offered, a message that matches
nothing well offers every tool, and a call to a tool outside the subset still runs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from frontdesk.agents.steps import Step
from frontdesk.knowledge.embeddings import Embedder
from frontdesk.tools.base import Tool

MIN_SIMILARITY = 0.80
"""Below this, a message matches no intent. The bundled E5 model's similarities sit in a
narrow band (a clear request 0.86-0.94, "where is #D1002" 0.84, chit-chat about the shop
0.83-0.86, unrelated text below 0.80), so the threshold only catches the unrelated; ties
(``TIE_MARGIN``) carry the uncertainty in between."""

TIE_MARGIN = 0.012
"""Intents scoring within this of the best one are offered too: a wrong narrow guess costs
the customer a tool, a wide one only a few prompt tokens."""

SHORT_REPLY_WORDS = 4
"""A message this short that matches nothing ("yes", "the blue one") continues the turn's intent."""

SHORT_MESSAGE_MIN_SIMILARITY = 0.87
"""A message of at most ``SHORT_REPLY_WORDS`` words matches only this clearly: "yes", "no
thanks" or an email address score 0.81-0.85 against *some* intent (noise in E5's narrow
band), while "cancel it", "return it" or "gift card balance?" score 0.90-0.98."""


@dataclass(frozen=True)
class Intent:
    """A kind of request: examples of how customers say it, and the tools it needs."""

    name: str
    examples: tuple[str, ...]
    tools: frozenset[str]
    next_step: str = ""
    """Said to the agent once the customer is authenticated: small models follow a step they are told, not a rule."""
    steps: tuple[Step, ...] = ()
    """The calls such a request makes, in order, forced when the customer's words allow it (see ``agents.steps``)."""


def tools_for(matched: Sequence[Intent], tools: Sequence[Tool], intents: Sequence[Intent]) -> tuple[Tool, ...]:
    """``tools`` narrowed to the ``matched`` intents' (plus authentication, handoffs and tools
    no intent names); every tool when nothing matched."""
    if not matched:
        return tuple(tools)
    wanted = frozenset().union(*(i.tools for i in matched))
    named = frozenset().union(*(i.tools for i in intents))
    return tuple(
        t for t in tools if t.name in wanted or t.authenticates or t.handoff_to is not None or t.name not in named
    )


class IntentClassifier:
    """Nearest labelled example by cosine similarity; below ``min_similarity``, no intent;
    intents within ``TIE_MARGIN`` of the best are matched too.

    The examples are embedded once, on the first message (a process that never routes
    never pays for it).
    """

    def __init__(self, intents: Sequence[Intent], embedder: Embedder, *, min_similarity: float | None = None) -> None:
        self.intents = {intent.name: intent for intent in intents}
        self.embedder = embedder
        self.min_similarity = MIN_SIMILARITY if min_similarity is None else min_similarity
        self._labels: list[str] = [intent.name for intent in intents for _ in intent.examples]
        self._texts: list[str] = [example for intent in intents for example in intent.examples]
        self._vectors: np.ndarray | None = None
        self._lock = threading.Lock()

    def _examples(self) -> np.ndarray:
        with self._lock:
            if self._vectors is None:
                vectors = self.embedder.embed_queries(self._texts)
                self._vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
            return self._vectors

    def prepare(self) -> None:
        """Embed the examples now (an app warming up), not on the first customer's message."""
        self._examples()

    def scores(self, text: str) -> dict[str, float]:
        """Each intent's best similarity to ``text``."""
        query = self.embedder.embed_queries([text])[0]
        similarities = self._examples() @ (query / np.linalg.norm(query))
        best: dict[str, float] = {}
        for label, similarity in zip(self._labels, similarities.tolist(), strict=True):
            best[label] = max(best.get(label, -1.0), similarity)
        return best

    def classify(self, text: str) -> list[Intent]:
        """The intents ``text`` is closest to, best first; empty when nothing is close enough."""
        if not text.strip() or not self.intents:
            return []
        scores = self.scores(text)
        top = max(scores.values())
        least = (
            max(self.min_similarity, SHORT_MESSAGE_MIN_SIMILARITY)
            if len(text.split()) <= SHORT_REPLY_WORDS
            else self.min_similarity
        )
        if top < least:
            return []
        return [
            self.intents[name]
            for name, score in sorted(scores.items(), key=lambda item: -item[1])
            if score >= top - TIE_MARGIN
        ]


def next_intents(classify: Callable[[str], list[Intent]], text: str, current: list[str] | None) -> list[str]:
    """This message's intents; a short reply ("yes, please") also keeps the current ones."""
    found = [intent.name for intent in classify(text)]
    if len(text.split()) <= SHORT_REPLY_WORDS and current:
        return list(dict.fromkeys([*current, *found]))
    return found
