"""The one path every tool call takes, from any host: the graph's tools node, the AutoGen
and CrewAI adapters and the tau2 gold replay all call :class:`ToolPipeline`.

parse (arguments that are not a complete JSON object are an error, never repaired into an
action) → validate (pydantic; the error names the field) → authentication (the customer
comes from state, never from model text) → policies (approval and any an app adds; they
see only valid calls) → run (a WRITE with a domain DB runs once per tool-call id, its
changes and its idempotency row in one transaction) → outcome (always one, even on error)
→ span. The batch runner also does the bookkeeping every host needs: which customer an
authentication tool established, and where a handoff goes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from pydantic import BaseModel
from sqlmodel import Session

from frontdesk.failpoints import failpoint
from frontdesk.guardrails.base import GuardrailResult, Stage, ToolGuardrail, record_trip
from frontdesk.persistence import tool_runs
from frontdesk.persistence.call_keys import call_key
from frontdesk.tools.base import Tool, ToolContext, ToolError, ToolKind, ToolOutcome
from frontdesk.tools.handoff import HUMAN
from frontdesk.tools.sessions import call_session
from frontdesk.tools.time_limit import DEFAULT_TOOL_TIME_LIMIT_S, execute_within, may_be_abandoned
from frontdesk.tracing import instrument


@dataclass(frozen=True)
class ToolCallRequest:
    """One call as a model made it: raw arguments (a dict or JSON text) or a parse error."""

    id: str
    name: str
    args: Mapping[str, Any] | str | None = None
    parse_error: str | None = None


@dataclass(frozen=True)
class PolicyVerdict:
    """A policy's answer: go ahead (possibly with changed arguments) or refuse with a reason."""

    args: dict[str, Any] | None
    refusal: str | None = None
    on_commit: Callable[[Session], None] | None = None
    """Runs inside the WRITE's transaction when the call succeeds (a ledger row, say)."""

    @classmethod
    def proceed(cls, args: dict[str, Any], on_commit: Callable[[Session], None] | None = None) -> PolicyVerdict:
        return cls(args=args, on_commit=on_commit)

    @classmethod
    def refuse(cls, reason: str) -> PolicyVerdict:
        return cls(args=None, refusal=reason)


class ToolPolicy(Protocol):
    """A check between validation and running: approval, confirmation, limits.

    ``review`` sees only calls whose arguments validated and whose authentication holds;
    it may pause the run (LangGraph ``interrupt``), refuse (the reason goes to the model)
    or change the arguments (they are validated again).
    """

    def review(self, tool: Tool, args: dict[str, Any], ctx: ToolContext) -> PolicyVerdict: ...


Check = ToolPolicy | ToolGuardrail
"""What a pipeline runs between validation and the call: low-level policies and guardrails."""


def check_name(check: Check) -> str:
    return str(getattr(check, "name", None) or type(check).__name__)


@dataclass(frozen=True)
class Handoff:
    """Where the conversation goes after a call and why: a handoff tool, or a guardrail asking for a person."""

    target: str
    reason: str
    priority: str = "normal"

    @property
    def to_human(self) -> bool:
        return self.target == HUMAN


@dataclass
class CallResult:
    """One call's outcome, tied to the call id the model used."""

    call_id: str
    outcome: ToolOutcome


@dataclass
class BatchResult:
    """The outcomes of one model message's calls, and what they changed for the thread."""

    results: list[CallResult] = field(default_factory=list)
    customer_id: str | None = None
    authenticated: bool = False
    handoff: Handoff | None = None


def parse_arguments(raw: Mapping[str, Any] | str | None) -> dict[str, Any]:
    """Arguments as a dict; JSON text must be one complete object (``ToolError`` otherwise)."""
    if raw is None or raw == "":
        return {}
    if isinstance(raw, Mapping):
        return dict(raw)
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ToolError(f"the arguments are not complete JSON ({exc.msg} at position {exc.pos})") from None
    if not isinstance(value, dict):
        raise ToolError(f"the arguments must be a JSON object, not {type(value).__name__}")
    return value


MAX_ARGUMENT_CHARS = 20_000
"""Longest tool-call arguments (as JSON) taken; a model cannot push megabytes into a tool or a DB row."""
MAX_RESULT_CHARS = 32_000
"""Longest tool result the model (and the checkpoint, and the grader) gets; the rest is cut with a note saying so."""
MAX_CALLS_PER_MESSAGE = 16
"""Tool calls run from one model message; the rest are answered with an error."""


class ToolPipeline:
    """Runs tool calls for one set of tools under one list of policies."""

    def __init__(
        self,
        tools: Iterable[Tool],
        policies: Sequence[Check] = (),
        *,
        max_argument_chars: int = MAX_ARGUMENT_CHARS,
        max_result_chars: int = MAX_RESULT_CHARS,
        time_limit: float | None = DEFAULT_TOOL_TIME_LIMIT_S,
    ) -> None:
        self.tools = {t.name: t for t in tools}
        self.policies = tuple(policies)
        self.max_argument_chars = max_argument_chars
        self.max_result_chars = max_result_chars
        self.time_limit = time_limit
        """Seconds a READ/GENERIC call may take (a tool's own ``time_limit`` wins); ``None``: no limit."""

    def run(self, request: ToolCallRequest, ctx: ToolContext) -> ToolOutcome:
        """Run one call to its outcome; model mistakes and refusals become error outcomes."""
        tool = self.tools.get(request.name)
        if tool is None:
            allowed = ", ".join(self.tools)
            return ToolOutcome(
                name=request.name or "?",
                content=f"Error: Unknown tool {request.name!r}. Available tools: {allowed}",
                ok=False,
            )
        ctx.model_call_id, ctx.tool_call_id = request.id, ""
        if request.parse_error is not None:
            return tool.error(f"Could not parse the arguments of {tool.name}: {request.parse_error}")
        try:
            args = parse_arguments(request.args)
        except ToolError as exc:
            return tool.error(f"Could not parse the arguments of {tool.name}: {exc}")
        size = len(json.dumps(args, default=str))
        if size > self.max_argument_chars:
            return tool.error(
                f"The arguments of {tool.name} are too large ({size} characters; at most {self.max_argument_chars})"
            )
        ctx.tool_call_id = call_key(ctx.call_scope, request.id, tool.name, args)
        hooks: list[Callable[[Session], None]] = []
        with call_session(ctx):
            checked = self._checked(tool, args, ctx, hooks)
            with instrument.tool_call(ctx.run, tool.name, request.id, tool.kind.value, ctx.thread_id, args) as record:
                outcome = (
                    checked
                    if isinstance(checked, ToolOutcome)
                    else self._after(tool, args, run_once(tool, ctx, checked, hooks, self._limit(tool)), ctx)
                )
                outcome = bounded(outcome, self.max_result_chars)
                record(outcome.ok, outcome.content)
        return outcome

    def _limit(self, tool: Tool) -> float | None:
        return tool.time_limit if tool.time_limit is not None else self.time_limit

    def _after(self, tool: Tool, args: dict[str, Any], outcome: ToolOutcome, ctx: ToolContext) -> ToolOutcome:
        """The tool guardrails' look at an outcome before the model sees it."""
        for check in self.policies:
            if isinstance(check, ToolGuardrail):
                result = check.after_call(tool, args, outcome, ctx)
                if result.tripped:
                    return tripped(tool, check_name(check), "tool_after", result, ctx)
        return outcome

    def _checked(
        self, tool: Tool, args: dict[str, Any], ctx: ToolContext, hooks: list[Callable[[Session], None]]
    ) -> ToolOutcome | BaseModel:
        """Validated arguments ready to run, or the error outcome that stops the call.

        Runs before the call's span opens: a policy that pauses the run for a person
        re-runs on resume, and only the attempt that finishes is traced.
        """
        try:
            validated = tool.validate(args)
            if tool.requires_auth:
                ctx.require_customer()
        except ToolError as exc:
            return tool.error(str(exc))
        for policy in self.policies:
            if isinstance(policy, ToolGuardrail):
                result = policy.before_call(tool, args, ctx)
                if result.tripped:
                    return tripped(tool, check_name(policy), "tool_before", result, ctx)
                continue
            verdict = policy.review(tool, args, ctx)
            if verdict.refusal is not None or verdict.args is None:
                refusal = verdict.refusal or "The action was not allowed."
                record_trip(check_name(policy), "tool_before", GuardrailResult.block(refusal), ctx.run)
                return ToolOutcome(name=tool.name, content=refusal, ok=False)
            if verdict.on_commit is not None:
                hooks.append(verdict.on_commit)
            if verdict.args != args:
                args = verdict.args
                try:
                    validated = tool.validate(args)
                except ToolError as exc:
                    return tool.error(str(exc))
        return validated

    def run_all(self, requests: Iterable[ToolCallRequest], ctx: ToolContext) -> BatchResult:
        """Run a message's calls in order; an authentication applies to the calls after it."""
        batch = BatchResult(customer_id=ctx.customer_id)
        for index, request in enumerate(requests):
            if index >= MAX_CALLS_PER_MESSAGE:
                refused = (
                    f"Error: Not run: at most {MAX_CALLS_PER_MESSAGE} tool calls are run from one message; make "
                    "fewer calls."
                )
                batch.results.append(
                    CallResult(request.id, ToolOutcome(name=request.name or "?", content=refused, ok=False))
                )
                continue
            outcome = self.run(request, ctx)
            if outcome.authenticated_customer and ctx.customer_id and outcome.authenticated_customer != ctx.customer_id:
                outcome = identity_switch_refused(outcome)
            batch.results.append(CallResult(request.id, outcome))
            if outcome.authenticated_customer:
                ctx.customer_id = batch.customer_id = outcome.authenticated_customer
                batch.authenticated = True
            if outcome.escalation and batch.handoff is None:
                batch.handoff = Handoff(HUMAN, outcome.escalation, priority="high")
            elif outcome.ok and outcome.handoff_to and batch.handoff is None:
                raw = request.args if isinstance(request.args, Mapping) else {}
                reason = str(raw.get("summary") or raw.get("reason") or "")
                batch.handoff = Handoff(outcome.handoff_to, reason)
        return batch


def bounded(outcome: ToolOutcome, limit: int) -> ToolOutcome:
    """``outcome`` with its content cut to ``limit`` characters and a note that says so (a 10 MB result is not a
    message)."""
    if len(outcome.content) <= limit:
        return outcome
    note = f"\n[result cut: {len(outcome.content) - limit} more characters not shown; ask for something narrower]"
    return replace(outcome, content=outcome.content[:limit] + note)


def tripped(tool: Tool, name: str, stage: Stage, result: GuardrailResult, ctx: ToolContext) -> ToolOutcome:
    """The outcome the model sees when a tool guardrail stops a call (or its result)."""
    record_trip(name, stage, result, ctx.run)
    if result.action == "handoff":
        content = f"Error: Stopped by the {name} check: {result.reason}. A person will take over this conversation."
        return ToolOutcome(name=tool.name, content=content, ok=False, escalation=f"{name}: {result.reason}")
    return ToolOutcome(name=tool.name, content=f"Error: Stopped by the {name} check: {result.reason}", ok=False)


IDENTITY_PINNED = (
    "This conversation is already authenticated as another customer, and it stays theirs. "
    "Do not act for a different account here; if the person insists they are someone else, "
    "offer to hand the conversation to a person."
)


def identity_switch_refused(outcome: ToolOutcome) -> ToolOutcome:
    """A second, different authentication in one thread: refused, the thread keeps its customer.

    The customer is pinned per thread: an authentication tool may establish it once, and a
    model talked into looking up someone else's email cannot take over their account. Only
    an operator can move a thread to another customer.
    """
    return ToolOutcome(name=outcome.name, content=f"Error: {IDENTITY_PINNED}", ok=False)


def run_once(
    tool: Tool,
    ctx: ToolContext,
    args: Any,
    on_commit: Sequence[Callable[[Session], None]] = (),
    time_limit: float | None = None,
) -> ToolOutcome:
    """Run validated ``args``; a WRITE with a domain DB commits here, once per (thread, call id) when it has one.

    A READ or GENERIC call gives up after ``time_limit`` seconds (see :mod:`frontdesk.tools.time_limit`).

    The tool's changes, its idempotency row and the policies' ``on_commit`` rows commit in
    one transaction: either all exist (a re-run returns the stored result) or none does
    (the re-run acts).
    """
    if time_limit is not None and may_be_abandoned(tool):
        return execute_within(tool, ctx, args, time_limit)
    if tool.kind is not ToolKind.WRITE or ctx.engine is None:
        return tool.execute(ctx, args)
    with call_session(ctx) as session:
        assert session is not None  # an engine is configured
        earlier, clash = (
            tool_runs.runs_under_id(session, ctx.thread_id, ctx.tool_call_id) if ctx.tool_call_id else (None, None)
        )
        if earlier is not None:
            return ToolOutcome(name=tool.name, content=earlier.content, ok=True, handoff_to=tool.handoff_to)
        if clash is not None:
            return tool.error(
                f"Not done: {ctx.model_call_id!r} was already used for another action ({clash.tool} with other "
                "arguments); "
                "one id names one action, so nothing was changed. Use a new id for a new action."
            )
        outcome = tool.execute(ctx, args)
        if outcome.ok:
            if ctx.tool_call_id:  # a call without an id (a host that has none) cannot be recognised again
                tool_runs.record_run(session, ctx.thread_id, ctx.tool_call_id, tool.name, outcome.content)
            for hook in on_commit:
                hook(session)
            session.flush()
            failpoint("write.in_transaction")
            session.commit()
            failpoint("write.committed")
        else:
            session.rollback()
    return outcome
