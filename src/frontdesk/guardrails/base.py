"""The public guardrail API: checks an app adds at three points of every turn.

- **input** guardrails see a customer's message before any agent does;
- **output** guardrails see a draft reply before it leaves (the citation check and the
  grader model are two; an app's run between them);
- **tool** guardrails see a call before it runs and its outcome after (customer
  confirmation and operator approval are two).

Each answers with a :class:`GuardrailResult`: pass, block with a reason the model sees
(the message is withheld from the model, the draft is withdrawn, the call is not run or
its result is replaced), or hand the thread to a person. Checks live in the framework, not
the prompt, so a model talked into something cannot talk its way past them. Every trip is
a ``frontdesk.guardrail`` span event, counted by ``frontdesk traces stats``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from langchain_core.messages import BaseMessage

from frontdesk.runtime import RunContext
from frontdesk.tracing import instrument
from frontdesk.tracing.redact import redact

if TYPE_CHECKING:
    from frontdesk.tools.base import Tool, ToolContext, ToolOutcome

Action = Literal["pass", "block", "handoff"]
Stage = Literal["input", "output", "tool_before", "tool_after"]
TRIP_EVENT = "frontdesk.guardrail"


@dataclass(frozen=True)
class GuardrailResult:
    """A guardrail's answer. Build it with :meth:`ok`, :meth:`block` or :meth:`handoff`."""

    action: Action = "pass"
    reason: str = ""

    @classmethod
    def ok(cls) -> GuardrailResult:
        return cls("pass")

    @classmethod
    def block(cls, reason: str) -> GuardrailResult:
        """Stop this message, draft or call; ``reason`` is what the model is told."""
        return cls("block", reason)

    @classmethod
    def handoff(cls, reason: str) -> GuardrailResult:
        """Hand the thread to a person (a high-priority ticket carrying ``reason``)."""
        return cls("handoff", reason)

    @property
    def tripped(self) -> bool:
        return self.action != "pass"


@dataclass(frozen=True)
class GuardrailContext:
    """What a message or reply guardrail may know: the thread, its customer, the history."""

    thread_id: str
    customer_id: str | None
    messages: Sequence[BaseMessage]
    run: RunContext = field(default_factory=RunContext)

    @property
    def deps(self) -> Any:
        """The app's own dependencies (``RunContext.deps``), as tools see them."""
        return self.run.deps


class InputGuardrail(ABC):
    """Checks a customer's message before an agent sees it."""

    name: str = "input_guardrail"

    @abstractmethod
    def check_input(self, text: str, ctx: GuardrailContext) -> GuardrailResult: ...


class OutputGuardrail(ABC):
    """Checks a draft reply before it reaches the customer."""

    name: str = "output_guardrail"

    @abstractmethod
    def check_output(self, draft: str, ctx: GuardrailContext) -> GuardrailResult: ...


class ToolGuardrail:
    """Checks a tool call before it runs and its outcome after.

    ``before_call`` sees only calls whose arguments validated and whose authentication
    holds; ``after_call`` sees the outcome before the model does (a block replaces it with
    the reason — the call has already run, so WRITE guardrails belong before).
    """

    name: str = "tool_guardrail"

    def before_call(self, tool: Tool, args: dict[str, Any], ctx: ToolContext) -> GuardrailResult:
        return GuardrailResult.ok()

    def after_call(self, tool: Tool, args: dict[str, Any], outcome: ToolOutcome, ctx: ToolContext) -> GuardrailResult:
        return GuardrailResult.ok()


Guardrail = InputGuardrail | OutputGuardrail | ToolGuardrail


@dataclass(frozen=True)
class _FunctionInput(InputGuardrail):
    fn: Callable[[str, GuardrailContext], GuardrailResult]
    name: str = "input_guardrail"

    def check_input(self, text: str, ctx: GuardrailContext) -> GuardrailResult:
        return self.fn(text, ctx)


@dataclass(frozen=True)
class _FunctionOutput(OutputGuardrail):
    fn: Callable[[str, GuardrailContext], GuardrailResult]
    name: str = "output_guardrail"

    def check_output(self, draft: str, ctx: GuardrailContext) -> GuardrailResult:
        return self.fn(draft, ctx)


@dataclass(frozen=True)
class _FunctionTool(ToolGuardrail):
    fn: Callable[[Tool, dict[str, Any], ToolContext], GuardrailResult]
    name: str = "tool_guardrail"

    def before_call(self, tool: Tool, args: dict[str, Any], ctx: ToolContext) -> GuardrailResult:
        return self.fn(tool, args, ctx)


def input_guardrail(fn: Callable[[str, GuardrailContext], GuardrailResult]) -> InputGuardrail:
    """Make ``fn(text, ctx) -> GuardrailResult`` an input guardrail named after the function."""
    return _FunctionInput(fn, fn.__name__)


def output_guardrail(fn: Callable[[str, GuardrailContext], GuardrailResult]) -> OutputGuardrail:
    """Make ``fn(draft, ctx) -> GuardrailResult`` an output guardrail named after the function."""
    return _FunctionOutput(fn, fn.__name__)


def tool_guardrail(fn: Callable[[Tool, dict[str, Any], ToolContext], GuardrailResult]) -> ToolGuardrail:
    """Make ``fn(tool, args, ctx) -> GuardrailResult`` a before-call tool guardrail named after the function."""
    return _FunctionTool(fn, fn.__name__)


@dataclass(frozen=True)
class Guardrails:
    """An app's guardrails sorted by the point they run at."""

    input: tuple[InputGuardrail, ...] = ()
    output: tuple[OutputGuardrail, ...] = ()
    tool: tuple[ToolGuardrail, ...] = ()

    @classmethod
    def of(cls, guardrails: Iterable[Guardrail]) -> Guardrails:
        """Sort ``guardrails`` by kind; anything else is a ``TypeError`` naming it."""
        inputs: list[InputGuardrail] = []
        outputs: list[OutputGuardrail] = []
        tools: list[ToolGuardrail] = []
        for guardrail in guardrails:
            if isinstance(guardrail, InputGuardrail):
                inputs.append(guardrail)
            elif isinstance(guardrail, OutputGuardrail):
                outputs.append(guardrail)
            elif isinstance(guardrail, ToolGuardrail):
                tools.append(guardrail)
            else:
                raise TypeError(
                    f"not a guardrail: {guardrail!r} (subclass InputGuardrail, OutputGuardrail or ToolGuardrail)"
                )
        return cls(tuple(inputs), tuple(outputs), tuple(tools))


def record_trip(name: str, stage: Stage, result: GuardrailResult, run: RunContext) -> None:
    """A ``frontdesk.guardrail`` event on the current span; the reason only with content capture on.

    A reason may quote what it caught (an email, a card number), so it is content.
    """
    reason = None
    if run.capture_content:
        reason = redact(result.reason[:300]) if run.redact_content else result.reason[:300]
    instrument.event(
        TRIP_EVENT,
        **{
            "frontdesk.guardrail.name": name,
            "frontdesk.guardrail.stage": stage,
            "frontdesk.guardrail.action": result.action,
            "frontdesk.guardrail.reason": reason,
        },
    )


def first_trip(results: Iterable[tuple[str, GuardrailResult]]) -> tuple[str, GuardrailResult] | None:
    """The first guardrail (in order) that did not pass; later ones are not asked."""
    for name, result in results:
        if result.tripped:
            return name, result
    return None
