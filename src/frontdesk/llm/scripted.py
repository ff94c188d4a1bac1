"""A chat model that replays scripted outputs, per agent and per turn.

Scenario replays must be deterministic and must fail loudly: a call the script does not
cover, or a scripted step nobody consumed, names the scenario, the turn and the agent so
the author sees at once which part of the YAML is out of step with the graph.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import BaseModel, ConfigDict, Field, model_validator

from frontdesk.errors import FrontdeskError


class ScriptError(FrontdeskError, RuntimeError):
    """The graph and the script disagree (a call with no step left, or steps left over).

    ``detail`` is the message without the scenario/turn prefix, for reports that already
    name them.
    """

    def __init__(self, message: str, detail: str | None = None) -> None:
        super().__init__(message)
        self.detail = detail or message


class ScriptedToolCall(BaseModel):
    """One tool call a scripted model turn makes."""

    model_config = ConfigDict(extra="forbid")
    name: str
    args: dict[str, Any] = Field(default_factory=dict)
    id: str | None = None
    raw_arguments: str | None = Field(
        default=None, description="Send these exact (possibly broken) JSON arguments instead of args"
    )


class ScriptedStep(BaseModel):
    """One model output: text, tool calls, or a structured output (e.g. a grader verdict).

    Shorthands accepted in YAML: a plain string is ``text``; a mapping with ``verdict`` is a
    grader verdict (``structured``).
    """

    model_config = ConfigDict(extra="forbid")
    text: str = ""
    tool_calls: list[ScriptedToolCall] = Field(default_factory=list)
    structured: dict[str, Any] | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthands(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"text": value}
        if isinstance(value, dict) and "verdict" in value and "structured" not in value:
            return {"structured": value}
        return value


@dataclass
class Script:
    """The scripted outputs of a whole scenario: ``turns[i][agent]`` is a list of steps."""

    scenario: str
    turns: list[dict[str, list[ScriptedStep]]]
    turn: int = 0
    consumed: dict[tuple[int, str], int] = field(default_factory=dict)
    prompts: list[tuple[str, list[BaseMessage]]] = field(default_factory=list)
    """Every call's (agent, prompt), in order: what each model was shown (tests assert on it)."""

    def next_step(self, agent: str) -> ScriptedStep:
        """The next unconsumed step of ``agent`` in the current turn."""
        steps = self.turns[self.turn].get(agent, []) if self.turn < len(self.turns) else []
        used = self.consumed.get((self.turn, agent), 0)
        if used >= len(steps):
            detail = (
                f"agent {agent!r}: the graph asked for model output #{used + 1} but the script has {len(steps)} "
                "step(s) for this agent"
            )
            raise ScriptError(f"scenario {self.scenario!r}, turn {self.turn + 1}, {detail}", detail)
        self.consumed[(self.turn, agent)] = used + 1
        return steps[used]

    def next_turn(self) -> int:
        """Move on to the next scripted turn (what a test does before the customer's next message); returns its index.

        Raises :class:`ScriptError` past the last turn: a test sending more messages than it
        scripted learns so at the message, not at the model call after it."""
        if self.turn + 1 >= len(self.turns):
            detail = f"the script has {len(self.turns)} turn(s); there is no turn {self.turn + 2}"
            raise ScriptError(f"scenario {self.scenario!r}: {detail}", detail)
        self.turn += 1
        return self.turn

    def leftovers(self, turn: int) -> dict[str, int]:
        """Agents whose scripted steps in ``turn`` were not all consumed, with the count left."""
        steps = self.turns[turn] if turn < len(self.turns) else {}
        return {
            agent: len(items) - self.consumed.get((turn, agent), 0)
            for agent, items in steps.items()
            if len(items) > self.consumed.get((turn, agent), 0)
        }


class ScriptedChatModel(BaseChatModel):
    """The view of a :class:`Script` that one agent calls like any chat model."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    script: Script
    agent: str
    model_name: str = "scripted"

    @property
    def _llm_type(self) -> str:
        return "frontdesk-scripted"

    def bind_tools(self, tools: Sequence[Any], *, tool_choice: Any = None, **kwargs: Any) -> Any:
        formatted = [convert_to_openai_tool(t) for t in tools]
        return self.bind(tools=formatted, tool_choice=tool_choice, **kwargs)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        self.script.prompts.append((self.agent, list(messages)))
        step = self.script.next_step(self.agent)
        message = self._to_message(step, kwargs.get("tools") or [])
        prompt_tokens = sum(len(str(m.content).split()) for m in messages)
        output_tokens = len(step.text.split()) + 8 * len(message.tool_calls)
        message.usage_metadata = {
            "input_tokens": prompt_tokens,
            "output_tokens": output_tokens,
            "total_tokens": prompt_tokens + output_tokens,
        }
        message.response_metadata = {
            "model_name": self.model_name,
            "finish_reason": "tool_calls" if message.tool_calls else "stop",
        }
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _to_message(self, step: ScriptedStep, tools: list[dict[str, Any]]) -> AIMessage:
        call_ids = f"call_{self.agent}_{self.script.turn + 1}_{self.script.consumed[(self.script.turn, self.agent)]}"
        if step.structured is not None:
            if len(tools) != 1:
                detail = (
                    f"agent {self.agent!r}: a structured step was scripted but the agent did not ask for "
                    "structured output"
                )
                raise ScriptError(f"scenario {self.script.scenario!r}, turn {self.script.turn + 1}, {detail}", detail)
            name = tools[0]["function"]["name"]
            return AIMessage(
                content="", tool_calls=[{"name": name, "args": step.structured, "id": call_ids, "type": "tool_call"}]
            )
        tool_calls = [
            {"name": call.name, "args": call.args, "id": call.id or f"{call_ids}_{index}", "type": "tool_call"}
            for index, call in enumerate(step.tool_calls)
            if call.raw_arguments is None
        ]
        invalid = [
            {
                "name": call.name,
                "args": call.raw_arguments,
                "id": call.id or f"{call_ids}_{index}",
                "error": "arguments are not valid JSON",
                "type": "invalid_tool_call",
            }
            for index, call in enumerate(step.tool_calls)
            if call.raw_arguments is not None
        ]
        return AIMessage(content=step.text, tool_calls=tool_calls, invalid_tool_calls=invalid)


class ScriptedModels:
    """Hands each agent its own scripted view of one shared script."""

    def __init__(self, script: Script) -> None:
        self.script = script

    def for_agent(self, agent: str) -> BaseChatModel:
        return ScriptedChatModel(script=self.script, agent=agent)
