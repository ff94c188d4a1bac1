"""A CrewAI ``BaseLLM`` backed by a LangChain chat model (frontdesk's scripted one, or real).

Why: a CrewAI crew normally reaches its model through LiteLLM or a provider SDK, i.e.
the network. Backing it with frontdesk's :class:`~frontdesk.llm.scripted.ScriptedChatModel`
lets the same per-turn, per-agent scenario script that drives the LangGraph graph drive a
crew offline and deterministically; backing it with ``ChatOpenAI`` reuses frontdesk's
model configuration.

Native function calling is used (``supports_function_calling`` is True): when CrewAI
passes tool schemas without ``available_functions`` (what its agent executor does), tool
calls are returned as OpenAI-style dicts for CrewAI to execute; when it does pass
functions, the first call is executed here through CrewAI's own event-emitting helper.
"""

from __future__ import annotations

import json
from typing import Any

from frontdesk.interop.session import crewai_offline_defaults

crewai_offline_defaults()

try:
    from crewai import BaseLLM
except ImportError as exc:  # pragma: no cover - exercised by a test that hides crewai
    from frontdesk.interop.session import missing_extra

    raise missing_extra("crewai", __name__, exc) from exc

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from pydantic import BaseModel, ConfigDict, Field

from frontdesk.llm.scripted import Script, ScriptedChatModel


class LangChainCrewLLM(BaseLLM):
    """CrewAI's LLM interface over a LangChain chat model."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    llm_type: str = "frontdesk-langchain"
    provider: str = "frontdesk"
    chat_model: Any = Field(default=None, exclude=True, description="The LangChain chat model answering the calls")
    context_window: int = 128_000

    def call(
        self,
        messages: str | list[Any],
        tools: list[dict[str, Any]] | None = None,
        callbacks: list[Any] | None = None,
        available_functions: dict[str, Any] | None = None,
        from_task: Any = None,
        from_agent: Any = None,
        response_model: type[BaseModel] | None = None,
    ) -> str | Any:
        """Answer one CrewAI model call: text, tool calls for CrewAI to run, or a tool's result."""
        model: Any = self.chat_model
        if tools:
            model = model.bind_tools([_plain_tool(t) for t in tools])
        reply = model.invoke(to_langchain(messages))
        self._track(reply)
        tool_calls = list(getattr(reply, "tool_calls", []) or [])
        invalid = list(getattr(reply, "invalid_tool_calls", []) or [])
        if (tool_calls or invalid) and tools:
            if available_functions:
                first = tool_calls[0] if tool_calls else {"name": invalid[0].get("name"), "args": {}}
                return self._handle_tool_execution(
                    first["name"], first.get("args") or {}, available_functions, from_task, from_agent
                )
            return [_openai_call(c, i) for i, c in enumerate(tool_calls)] + [
                _openai_invalid_call(c, i) for i, c in enumerate(invalid)
            ]
        text = reply.content if isinstance(reply.content, str) else str(reply.content)
        if response_model is not None:
            return response_model.model_validate_json(text)
        return text

    def supports_function_calling(self) -> bool:
        return True

    def supports_stop_words(self) -> bool:
        """Scripted and chat models here take no stop words; CrewAI then trims text itself."""
        return False

    def get_context_window_size(self) -> int:
        return self.context_window

    def get_input_tokens_count(
        self,
        messages: str | list[Any],
        tools: list[dict[str, Any]] | None = None,
        response_model: type[BaseModel] | None = None,
    ) -> int:
        """CrewAI's own four-characters-a-token estimate, without its warning on every call."""
        text = messages if isinstance(messages, str) else "".join(_text(m.get("content")) for m in messages)
        return (len(text) + 3) // 4

    def _track(self, reply: BaseMessage) -> None:
        usage = getattr(reply, "usage_metadata", None) or {}
        if usage:
            prompt, completion = int(usage.get("input_tokens", 0)), int(usage.get("output_tokens", 0))
            self._track_token_usage_internal(
                {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}
            )


def scripted_llm(script: Script, agent: str) -> LangChainCrewLLM:
    """A CrewAI LLM replaying ``agent`` 's steps of a frontdesk scenario script."""
    return LangChainCrewLLM(
        model=f"frontdesk-scripted/{agent}", chat_model=ScriptedChatModel(script=script, agent=agent)
    )


def langchain_llm(chat_model: BaseChatModel, *, name: str | None = None) -> LangChainCrewLLM:
    """A CrewAI LLM over any LangChain chat model (e.g. frontdesk's ``ChatOpenAI``)."""
    model_name = name or str(getattr(chat_model, "model_name", None) or type(chat_model).__name__)
    return LangChainCrewLLM(model=model_name, chat_model=chat_model)


def to_langchain(messages: str | list[Any]) -> list[BaseMessage]:
    """CrewAI's OpenAI-shaped message dicts as LangChain messages."""
    if isinstance(messages, str):
        return [HumanMessage(content=messages)]
    converted: list[BaseMessage] = []
    for message in messages:
        role, content = message.get("role"), _text(message.get("content"))
        if role == "system":
            converted.append(SystemMessage(content=content))
        elif role == "assistant":
            calls = [_langchain_call(c) for c in message.get("tool_calls") or []]
            converted.append(AIMessage(content=content, tool_calls=calls))
        elif role == "tool":
            converted.append(
                ToolMessage(
                    content=content, tool_call_id=str(message.get("tool_call_id") or ""), name=message.get("name")
                )
            )
        else:
            converted.append(HumanMessage(content=content))
    return converted


def _text(content: Any) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(str(part.get("text", "")) if isinstance(part, dict) else str(part) for part in content)
    return str(content)


def _plain_tool(tool: dict[str, Any]) -> dict[str, Any]:
    """CrewAI marks every schema ``strict``; LangChain's binder only needs the function."""
    function = dict(tool.get("function", tool))
    function.pop("strict", None)
    return {"type": "function", "function": function}


def _openai_call(call: dict[str, Any], index: int) -> dict[str, Any]:
    return {
        "id": call.get("id") or f"call_{index}",
        "type": "function",
        "function": {"name": call["name"], "arguments": json.dumps(call.get("args") or {})},
    }


def _openai_invalid_call(call: dict[str, Any], index: int) -> dict[str, Any]:
    return {
        "id": call.get("id") or f"invalid_{index}",
        "type": "function",
        "function": {"name": call.get("name") or "", "arguments": str(call.get("args") or "")},
    }


def _langchain_call(call: dict[str, Any]) -> dict[str, Any]:
    function = call.get("function") or {}
    arguments = function.get("arguments") or "{}"
    try:
        args = json.loads(arguments) if isinstance(arguments, str) else dict(arguments)
    except json.JSONDecodeError:
        args = {}
    return {
        "name": function.get("name") or "",
        "args": args if isinstance(args, dict) else {},
        "id": call.get("id") or "",
        "type": "tool_call",
    }
