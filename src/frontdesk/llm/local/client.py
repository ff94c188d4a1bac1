"""``ChatOpenAI`` for llama.cpp's server, which is stricter than the OpenAI API in one place.

An assistant message that only calls tools is sent by LangChain with ``"content": null``
(the OpenAI API accepts it); llama-cpp-python's server rejects the whole request with a
500. Sending an empty string instead means the same thing to every server.
"""

from __future__ import annotations

from typing import Any

from langchain_openai import ChatOpenAI


class LlamaCppChatOpenAI(ChatOpenAI):
    """``ChatOpenAI`` whose requests carry ``""`` rather than ``null`` message content."""

    def _get_request_payload(self, input_: Any, *, stop: list[str] | None = None, **kwargs: Any) -> dict[str, Any]:
        payload = super()._get_request_payload(input_, stop=stop, **kwargs)
        for message in payload.get("messages", []):
            if message.get("content") is None:
                message["content"] = ""
        return payload
