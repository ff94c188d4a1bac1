"""Answers reused for exact repeats, where that is safe.

A prompt identical in every message, tool and option gets the same answer: the grader
re-checking an unchanged draft, the researcher asked the same question over the same
passages. Scoped per agent by its route: ``thread`` keys include the thread (anything that
read a customer's data stays in that conversation); ``shared`` is only for agents that
never read customer data. Bounded in size and age; per process.
"""

from __future__ import annotations

import hashlib
import json
import threading
from typing import Any

from cachetools import TTLCache
from langchain_core.outputs import ChatResult

_lock = threading.Lock()
_answers: TTLCache[str, ChatResult] = TTLCache(maxsize=4096, ttl=3600)


def cache_key(scope: str, models: list[str], messages: Any, options: dict[str, Any]) -> str:
    """A digest of everything that decides the answer (and the scope it may be reused in)."""
    prompt = [
        {
            "type": getattr(m, "type", "?"),
            "content": getattr(m, "content", m),
            "tool_calls": getattr(m, "tool_calls", None),
        }
        for m in messages
    ]
    body = json.dumps(
        {"scope": scope, "models": models, "prompt": prompt, "options": options}, sort_keys=True, default=str
    )
    return hashlib.sha256(body.encode()).hexdigest()


def lookup(key: str) -> ChatResult | None:
    with _lock:
        return _answers.get(key)


def store(key: str, result: ChatResult) -> None:
    with _lock:
        _answers[key] = result


def clear() -> None:
    with _lock:
        _answers.clear()
