"""``ChatOpenAI`` for llama.cpp's server, which differs from the OpenAI API in two places.

An assistant message that only calls tools is sent by LangChain with ``"content": null``
(the OpenAI API accepts it); llama-cpp-python's server rejects the whole request with a
500. Sending an empty string instead means the same thing to every server. And LangChain
sends a token limit as ``max_completion_tokens``, which llama-cpp-python's server ignores
(a one-token prompt warm-up generated a whole reply): it is sent as ``max_tokens``.
"""

from __future__ import annotations

from typing import Any

from langchain_openai import ChatOpenAI

from frontdesk.llm.openai_client import ObjectArgumentsOnly


class LlamaCppChatOpenAI(ObjectArgumentsOnly, ChatOpenAI):
    """``ChatOpenAI`` whose requests carry ``""`` rather than ``null`` message content, and ``max_tokens``."""

    def _get_request_payload(self, input_: Any, *, stop: list[str] | None = None, **kwargs: Any) -> dict[str, Any]:
        payload = super()._get_request_payload(input_, stop=stop, **kwargs)
        if "max_completion_tokens" in payload:
            payload["max_tokens"] = payload.pop("max_completion_tokens")
        for message in payload.get("messages", []):
            if message.get("content") is None:
                message["content"] = ""
        return payload
