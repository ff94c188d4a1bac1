"""``ChatOpenAI`` that refuses incomplete streamed output instead of repairing it.

Streaming merges tool-call argument fragments and parses them leniently: arguments cut off
mid-way (``{"order_id": "#D10``) come out "repaired" as a plausible call, and a stream that
ends without ``finish_reason`` looks like a finished reply. Neither may reach the tools or
the customer. This client checks both when the stream ends and raises
:class:`IncompleteOutput`; the agent node asks again, then hands the thread to a person.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

from langchain_core.messages import AIMessageChunk
from langchain_core.outputs import ChatGenerationChunk
from langchain_openai import ChatOpenAI

from frontdesk.llm.errors import IncompleteOutput


class StrictStreamingChatOpenAI(ChatOpenAI):
    """``ChatOpenAI`` whose streams must finish and whose tool-call arguments must be complete JSON."""

    def _stream(self, *args: Any, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        check = _StreamCheck()
        for chunk in super()._stream(*args, **kwargs):
            check.see(chunk)
            yield chunk
        check.finish()

    async def _astream(self, *args: Any, **kwargs: Any) -> AsyncIterator[ChatGenerationChunk]:
        check = _StreamCheck()
        async for chunk in super()._astream(*args, **kwargs):
            check.see(chunk)
            yield chunk
        check.finish()


class _StreamCheck:
    """What a stream said so far: whether it finished, and each tool call's argument text."""

    def __init__(self) -> None:
        self.arguments: dict[int, str] = {}
        self.finished = False

    def see(self, chunk: ChatGenerationChunk) -> None:
        message = chunk.message
        if isinstance(message, AIMessageChunk):
            for part in message.tool_call_chunks:
                index = part.get("index") or 0
                self.arguments[index] = self.arguments.get(index, "") + (part.get("args") or "")
        info = chunk.generation_info or {}
        if info.get("finish_reason") or message.response_metadata.get("finish_reason"):
            self.finished = True

    def finish(self) -> None:
        if not self.finished:
            raise IncompleteOutput("the model's reply stream ended before the model finished (no finish_reason)")
        for index, text in self.arguments.items():
            try:
                value = json.loads(text or "{}")
            except json.JSONDecodeError:
                raise IncompleteOutput(f"the arguments of tool call {index} were cut off ({len(text)} characters of incomplete JSON)") from None
            if not isinstance(value, dict):
                raise IncompleteOutput(f"the arguments of tool call {index} are not a JSON object")
