"""Tool results as the agents read them: compact JSON, without the empty fields.

A tool's result is stored as the tool wrote it (transcripts, traces and scenario checks see
that), but a model reads it on every later step of the thread: an order's JSON with
indentation-free separators and without ``null``/empty fields is about a fifth shorter, and
a small model finds the fields that matter faster in less text.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from langchain_core.messages import BaseMessage, ToolMessage


def _without_empty(value: Any) -> Any:
    if isinstance(value, dict):
        kept = {key: _without_empty(item) for key, item in value.items()}
        return {key: item for key, item in kept.items() if item not in (None, "", [], {})}
    if isinstance(value, list):
        return [_without_empty(item) for item in value]
    return value


def compact_result(content: str) -> str:
    """``content`` re-written compactly when it is a JSON object or array; as it was otherwise."""
    text = content.strip()
    if not text or text[0] not in "{[":
        return content
    try:
        value = json.loads(text)
    except ValueError:
        return content
    return json.dumps(_without_empty(value), separators=(",", ":"), ensure_ascii=False)


def compact_tool_results(messages: Sequence[BaseMessage]) -> list[BaseMessage]:
    """``messages`` with every tool result compacted (the others untouched)."""
    compacted: list[BaseMessage] = []
    for message in messages:
        if isinstance(message, ToolMessage) and isinstance(message.content, str):
            shorter = compact_result(message.content)
            if shorter != message.content:
                message = message.model_copy(update={"content": shorter})
        compacted.append(message)
    return compacted
