"""Recovering tool calls that a model wrote into its text instead of ``tool_calls``.

Small local models often follow their own chat template rather than the server's tool
format and answer with ```` ```json {"name": ..., "arguments": ...} ``` ```` or
``<tool_call>{...}</tool_call>`` (or ``<tools>``, ``<tool_response>``) in the message content. Left alone, that text
would be
graded and sent to the customer as a reply. Recovery turns such a call to a tool the agent
actually has into a real tool call, so it is validated and run like any other. A plain
reply wrapped in such tags is unwrapped; anything else is left untouched.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from langchain_core.messages import AIMessage

TAGS = "tool_call|tools|tool_response"
WRAPPED = re.compile(rf"^\s*<({TAGS})>\s*(.*?)\s*(?:</\1>)?\s*$", re.DOTALL)
BLOCK = re.compile(
    r"<(?P<tag>tool_call|tools|tool_response)>\s*(?P<tagged>.*?)\s*(?:</(?P=tag)>|$)|```(?:json|tool_call)?\s*(?P<fenced>.*?)\s*```",
    re.DOTALL,
)


def _candidates(content: str) -> list[str]:
    found = [match["tagged"] if match["tag"] else match["fenced"] for match in BLOCK.finditer(content)]
    stripped = content.strip()
    if not found and stripped.startswith("{") and stripped.endswith("}"):
        found.append(stripped)
    return found


def _parse(block: str) -> Any:
    """JSON of a block; a doubled outer brace (``{{...}}``, copied from templates that escape braces) is undone."""
    for text in (block, block[1:-1] if block.startswith("{{") and block.endswith("}}") else None):
        if text is None:
            continue
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            continue
    return None


def _as_call(payload: Any, tool_names: set[str]) -> dict[str, Any] | None:
    if not isinstance(payload, dict):
        return None
    if isinstance(payload.get("function"), dict):
        payload = payload["function"]
    name = payload.get("name")
    args = payload.get("arguments", payload.get("parameters", payload.get("args", {})))
    if isinstance(args, str):
        try:
            args = json.loads(args)
        except json.JSONDecodeError:
            return None
    if name not in tool_names or not isinstance(args, dict):
        return None
    return {"name": name, "args": args, "id": f"call_{uuid.uuid4().hex[:24]}", "type": "tool_call"}


def recover_tool_calls(message: AIMessage, tool_names: set[str]) -> AIMessage:
    """``message`` with tool calls parsed out of its text when it has none of its own.

    Only calls naming one of ``tool_names`` count, and only when every block parses: a
    reply that merely shows some JSON to the customer stays a reply.
    """
    if message.tool_calls or not isinstance(message.content, str) or not tool_names:
        return message
    calls = _calls(message.content, tool_names)
    if calls:
        return message.model_copy(update={"content": "", "tool_calls": calls, "invalid_tool_calls": []})
    wrapped = WRAPPED.match(message.content)
    if wrapped:  # a plain reply dressed in template tags: the customer sees the text only
        return message.model_copy(update={"content": wrapped.group(2)})
    enveloped = _envelope_text(message.content)
    if enveloped is not None:  # {"message": "Your order has arrived."}: the customer sees the sentence
        return message.model_copy(update={"content": enveloped})
    return message


REPLY_KEYS = frozenset({"message", "reply", "response", "answer", "text", "content"})


def _envelope_text(content: str) -> str | None:
    """The text of a reply a small model wrapped in a one-field JSON object, else None.

    Only an object with a single string field under a reply-like key counts: anything
    richer (a tool result pasted as the reply) stays as it is for the grader to judge.
    """
    text = content.strip()
    if not (text.startswith("{") and text.endswith("}")):
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return None
    if isinstance(value, dict) and len(value) == 1:
        [(key, inner)] = value.items()
        if key.lower() in REPLY_KEYS and isinstance(inner, str) and inner.strip():
            return inner.strip()
    return None


def _calls(content: str, tool_names: set[str]) -> list[dict[str, Any]]:
    calls = []
    for block in _candidates(content):
        payloads = _parse(block)
        if payloads is None:
            return []
        for payload in payloads if isinstance(payloads, list) else [payloads]:
            call = _as_call(payload, tool_names)
            if call is None:
                return []
            calls.append(call)
    return calls
