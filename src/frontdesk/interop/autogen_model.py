"""An AutoGen ``ChatCompletionClient`` backed by a LangChain chat model (scripted or real).

Why not AutoGen's ``ReplayChatCompletionClient``: it lives in ``autogen-ext`` (not part
of the ``autogen`` extra) and replays one flat list of answers for whoever asks, while a
frontdesk scenario script is keyed by turn *and* agent, fails loudly naming both when the
two disagree, and is shared by every agent of a team. Wrapping frontdesk's
:class:`~frontdesk.llm.scripted.ScriptedChatModel` keeps one script format for the
LangGraph graph and for AutoGen; wrapping any other LangChain chat model (``ChatOpenAI``
from frontdesk's model factory) gives AutoGen the same model configuration as the graph.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Mapping, Sequence
from typing import Any, Literal

try:
    from autogen_core import CancellationToken, FunctionCall
    from autogen_core.models import (
        AssistantMessage,
        ChatCompletionClient,
        CreateResult,
        FunctionExecutionResultMessage,
        LLMMessage,
        ModelFamily,
        ModelInfo,
        RequestUsage,
        SystemMessage,
        UserMessage,
    )
    from autogen_core.tools import Tool, ToolSchema
except ImportError as exc:  # pragma: no cover - exercised by a test that hides autogen
    from frontdesk.interop.session import missing_extra

    raise missing_extra("autogen", __name__, exc) from exc

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.messages import SystemMessage as LCSystemMessage
from pydantic import BaseModel

from frontdesk.llm.scripted import Script, ScriptedChatModel

DEFAULT_MODEL_INFO = ModelInfo(
    vision=False,
    function_calling=True,
    json_output=False,
    family=ModelFamily.UNKNOWN,
    structured_output=False,
    multiple_system_messages=True,
)


class LangChainChatCompletionClient(ChatCompletionClient):
    """Lets AutoGen agents talk to a LangChain chat model.

    Tool calls come back as AutoGen ``FunctionCall`` s with the model's own call ids (so
    frontdesk's once-per-call-id WRITE rule still holds); arguments the model produced
    as broken JSON are passed through unchanged, for AutoGen to report to the model.
    """

    def __init__(self, model: BaseChatModel, *, model_info: ModelInfo | None = None) -> None:
        self.model = model
        self._model_info = model_info or DEFAULT_MODEL_INFO
        self._total = RequestUsage(prompt_tokens=0, completion_tokens=0)
        self._last = RequestUsage(prompt_tokens=0, completion_tokens=0)

    async def create(
        self,
        messages: Sequence[LLMMessage],
        *,
        tools: Sequence[Tool | ToolSchema] = [],
        tool_choice: Tool | Literal["auto", "required", "none"] = "auto",
        json_output: bool | type[BaseModel] | None = None,
        extra_create_args: Mapping[str, Any] = {},
        cancellation_token: CancellationToken | None = None,
    ) -> CreateResult:
        """One model call: AutoGen messages and tools in, a ``CreateResult`` out."""
        runnable: Any = self.model
        if tools and tool_choice != "none":
            choice = (
                tool_choice.name
                if not isinstance(tool_choice, str)
                else (None if tool_choice == "auto" else tool_choice)
            )
            runnable = self.model.bind_tools([openai_tool(t) for t in tools], tool_choice=choice)
        reply = await runnable.ainvoke(to_langchain(messages), **dict(extra_create_args))
        result = to_create_result(reply)
        self._last = result.usage
        self._total = RequestUsage(
            prompt_tokens=self._total.prompt_tokens + result.usage.prompt_tokens,
            completion_tokens=self._total.completion_tokens + result.usage.completion_tokens,
        )
        return result

    async def create_stream(
        self,
        messages: Sequence[LLMMessage],
        *,
        tools: Sequence[Tool | ToolSchema] = [],
        tool_choice: Tool | Literal["auto", "required", "none"] = "auto",
        json_output: bool | type[BaseModel] | None = None,
        extra_create_args: Mapping[str, Any] = {},
        cancellation_token: CancellationToken | None = None,
    ) -> AsyncGenerator[str | CreateResult, None]:
        """Streaming as one chunk: scripted steps have nothing to stream token by token."""
        result = await self.create(
            messages,
            tools=tools,
            tool_choice=tool_choice,
            json_output=json_output,
            extra_create_args=extra_create_args,
            cancellation_token=cancellation_token,
        )
        if isinstance(result.content, str) and result.content:
            yield result.content
        yield result

    async def close(self) -> None:
        return None

    def actual_usage(self) -> RequestUsage:
        return self._last

    def total_usage(self) -> RequestUsage:
        return self._total

    def count_tokens(self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = []) -> int:
        """A word count, like the scripted model's usage: good enough for context trimming."""
        return sum(len(str(getattr(m, "content", "")).split()) for m in messages)

    def remaining_tokens(self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = []) -> int:
        return max(0, 128_000 - self.count_tokens(messages, tools=tools))

    @property
    def capabilities(self) -> Any:  # deprecated in AutoGen, still abstract
        return self._model_info

    @property
    def model_info(self) -> ModelInfo:
        return self._model_info


def scripted_client(script: Script, agent: str) -> LangChainChatCompletionClient:
    """An AutoGen model client replaying ``agent`` 's steps of a frontdesk scenario script."""
    return LangChainChatCompletionClient(ScriptedChatModel(script=script, agent=agent))


def openai_tool(tool: Tool | ToolSchema) -> dict[str, Any]:
    """An AutoGen tool (or its schema) in the OpenAI format LangChain's ``bind_tools`` takes."""
    schema: Mapping[str, Any] = tool if isinstance(tool, Mapping) else tool.schema
    function: dict[str, Any] = {"name": schema["name"], "description": schema.get("description", "")}
    function["parameters"] = dict(schema.get("parameters") or {"type": "object", "properties": {}})
    return {"type": "function", "function": function}


def to_langchain(messages: Sequence[LLMMessage]) -> list[BaseMessage]:
    """AutoGen model-context messages as LangChain messages (tool results keep their call ids)."""
    converted: list[BaseMessage] = []
    for message in messages:
        if isinstance(message, SystemMessage):
            converted.append(LCSystemMessage(content=message.content))
        elif isinstance(message, UserMessage):
            content = (
                message.content
                if isinstance(message.content, str)
                else " ".join(str(part) for part in message.content if isinstance(part, str))
            )
            converted.append(HumanMessage(content=content))
        elif isinstance(message, AssistantMessage):
            if isinstance(message.content, str):
                converted.append(AIMessage(content=message.content))
            else:
                calls = [
                    {"name": c.name, "args": _loads(c.arguments), "id": c.id, "type": "tool_call"}
                    for c in message.content
                ]
                converted.append(AIMessage(content=message.thought or "", tool_calls=calls))
        elif isinstance(message, FunctionExecutionResultMessage):
            for result in message.content:
                converted.append(
                    ToolMessage(
                        content=result.content,
                        tool_call_id=result.call_id,
                        name=result.name,
                        status="error" if result.is_error else "success",
                    )
                )
    return converted


def to_create_result(reply: BaseMessage) -> CreateResult:
    """A LangChain reply as AutoGen's ``CreateResult``: text, or function calls (+ text as thought)."""
    usage_data = getattr(reply, "usage_metadata", None) or {}
    usage = RequestUsage(
        prompt_tokens=int(usage_data.get("input_tokens", 0)), completion_tokens=int(usage_data.get("output_tokens", 0))
    )
    text = (
        reply.content
        if isinstance(reply.content, str)
        else "".join(str(p.get("text", "")) if isinstance(p, dict) else str(p) for p in reply.content)
    )
    calls = [
        FunctionCall(id=c.get("id") or f"call_{i}", name=c["name"], arguments=json.dumps(c.get("args") or {}))
        for i, c in enumerate(getattr(reply, "tool_calls", []))
    ]
    calls += [
        FunctionCall(id=c.get("id") or f"invalid_{i}", name=c.get("name") or "", arguments=str(c.get("args") or ""))
        for i, c in enumerate(getattr(reply, "invalid_tool_calls", []))
    ]
    if calls:
        return CreateResult(
            finish_reason="function_calls", content=calls, usage=usage, cached=False, thought=text or None
        )
    return CreateResult(finish_reason="stop", content=text, usage=usage, cached=False)


def _loads(arguments: str) -> dict[str, Any]:
    try:
        value = json.loads(arguments)
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}
