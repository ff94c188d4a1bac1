"""``ChatOpenAI`` that refuses incomplete streamed output instead of repairing it.

Streaming merges tool-call argument fragments and parses them leniently: arguments cut off
mid-way (``{"order_id": "#D10``) come out "repaired" as a plausible call, and a stream that
ends without ``finish_reason`` looks like a finished reply. Neither may reach the tools or
the customer. This client checks both when the stream ends and raises
:class:`IncompleteOutput`; the agent node asks again, then hands the thread to a person.
"""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

from langchain_core.messages import AIMessage, AIMessageChunk, InvalidToolCall
from langchain_core.messages.tool import invalid_tool_call
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_openai import ChatOpenAI

from frontdesk.llm.errors import IncompleteOutput


class ObjectArgumentsOnly:
    """Mixed into a ``ChatOpenAI``: a non-streamed tool call whose arguments are JSON but not an
    object (``["x"]``, ``"x"``, ``5``) becomes an invalid tool call (the model is told) instead of
    an error out of the turn. LangChain builds the message with ``json.loads`` and its
    validation refuses a list or a string where it wants a dict."""

    def _create_chat_result(self, response: Any, generation_info: dict[str, Any] | None = None) -> ChatResult:
        data = copy.deepcopy(
            response
            if isinstance(response, dict)
            else response.model_dump(exclude={"choices": {"__all__": {"message": {"parsed"}}}})
        )
        refused: dict[int, list[InvalidToolCall]] = {}
        for index, choice in enumerate(data.get("choices") or []):
            message = choice.get("message") or {}
            kept = []
            for call in message.get("tool_calls") or []:
                text = (call.get("function") or {}).get("arguments") or ""
                try:
                    value = json.loads(text) if text else {}
                except json.JSONDecodeError:
                    value = {}  # LangChain makes broken JSON an invalid tool call itself
                if value and not isinstance(value, dict):
                    error = f"the arguments must be a JSON object, not {type(value).__name__}"
                    refused.setdefault(index, []).append(
                        invalid_tool_call(
                            name=(call.get("function") or {}).get("name"), args=text, id=call.get("id"), error=error
                        )
                    )
                else:
                    kept.append(call)
            if index in refused:
                message["tool_calls"] = kept or None
        result: ChatResult = super()._create_chat_result(data, generation_info)  # type: ignore[misc]  # ChatOpenAI's
        for index, bad in refused.items():
            message = result.generations[index].message
            if isinstance(message, AIMessage):
                message.invalid_tool_calls = [*message.invalid_tool_calls, *bad]
        return result


class StrictStreamingChatOpenAI(ObjectArgumentsOnly, ChatOpenAI):
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
                raise IncompleteOutput(
                    f"the arguments of tool call {index} were cut off ({len(text)} characters of incomplete JSON)"
                ) from None
            if not isinstance(value, dict):
                raise IncompleteOutput(f"the arguments of tool call {index} are not a JSON object")
