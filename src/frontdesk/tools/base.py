"""Typed tools: a plain Python function becomes a tool the model can call.

Why a base of our own instead of LangChain's ``@tool``: frontdesk needs things a generic
tool does not know about — whether a call reads or writes (WRITE calls run in one DB
transaction and can be gated for operator approval), which customer is authenticated
(ownership checks happen here, never in the prompt), and that invalid arguments go back to
the model as a readable tool message instead of crashing the turn.
"""

from __future__ import annotations

import copy
import functools
import inspect
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Generic, cast, get_origin, get_type_hints, overload

from pydantic import BaseModel, ConfigDict, ValidationError, create_model
from pydantic.fields import FieldInfo
from sqlmodel import Session
from typing_extensions import TypeVar

from frontdesk.errors import FrontdeskError
from frontdesk.runtime import RunContext
from frontdesk.tools.sessions import session_for

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


logger = logging.getLogger("frontdesk.tools")


class ToolKind(StrEnum):
    """What a tool does to the world; decides transactions, approvals and trace labels."""

    READ = "READ"
    WRITE = "WRITE"
    GENERIC = "GENERIC"


class ToolError(FrontdeskError):
    """A failure the model should read and react to (``Order not found``, a refusal...).

    The message is sent back verbatim as the tool result, so it must make sense to the
    model and must not leak other customers' data.
    """


DepsT = TypeVar("DepsT", default=Any)
"""The type of the app's own dependencies (``RunContext.deps``) a tool reads as ``ctx.deps``."""


@dataclass
class ToolContext(Generic[DepsT]):
    """What a tool may know about the conversation it runs in.

    ``customer_id`` is the authenticated customer from graph state — only tools marked
    ``authenticates=True`` can change it, so the model cannot talk its way into another
    account by putting an id in an argument. ``run`` carries the run's parts (store,
    knowledge base, tracer); ``engine`` is the domain DB (defaults to ``run.engine``);
    ``session`` is the call's open DB session, set by the tool pipeline. ``deps`` are the
    app's own dependencies, typed by annotating ``ctx: ToolContext[MyDeps]``.
    """

    customer_id: str | None = None
    thread_id: str = ""
    tool_call_id: str = ""
    """The call's identity (set by the tool pipeline: the model's id, scoped, and the action; see
    ``persistence.call_keys``)."""
    call_scope: str = ""
    """Where the host's calls are made (the graph: the turn and the model message), so a reused model id is a new
    call."""
    model_call_id: str = ""
    """The id the model (or host) gave the call, as given."""
    engine: Engine | None = None
    run: RunContext = field(default_factory=RunContext)
    session: Session | None = field(default=None, repr=False)
    customer_said: str | None = field(default=None, repr=False)
    """Everything the customer wrote in this conversation (``None`` for hosts without one): what authentication may
    use."""

    def __post_init__(self) -> None:
        if self.engine is None:
            self.engine = self.run.engine

    @property
    def deps(self) -> DepsT:
        """The app's own dependencies (``open_app(deps=...)``, ``Conversation(deps=...)``); ``None`` when none were
        given."""
        return cast(DepsT, self.run.deps)

    @property
    def db(self) -> Session:
        """The domain DB session of this call (one transaction for WRITE tools)."""
        if self.session is None:
            raise ToolError("This tool needs the domain database, which is not configured.")
        return self.session

    def require_customer(self) -> str:
        """The authenticated customer id, or a refusal telling the model to authenticate."""
        if not self.customer_id:
            raise ToolError("The customer is not authenticated yet: identify them with an authentication tool first.")
        return self.customer_id

    def check_owner(self, owner_id: str, what: str) -> None:
        """Refuse to act on ``what`` unless it belongs to the authenticated customer."""
        customer = self.require_customer()
        if owner_id != customer:
            raise ToolError(f"{what} does not belong to the authenticated customer.")


@dataclass(frozen=True)
class ToolOutcome:
    """The result of one tool call as the graph sees it."""

    name: str
    content: str
    ok: bool
    value: Any = None
    authenticated_customer: str | None = None
    handoff_to: str | None = None
    escalation: str | None = None
    """Set when a tool guardrail asked for a person: the reason on the ticket."""


@functools.lru_cache(maxsize=1024)
def _parameters_schema(args_model: type[BaseModel]) -> dict[str, Any]:
    """The JSON Schema of an arguments model, generated once per model class.

    pydantic builds it anew on every call, and it was the largest single cost of a model
    call (every agent step binds its tools); callers get a deep copy of the cached one.
    """
    parameters = args_model.model_json_schema()
    parameters.pop("title", None)
    return parameters


@dataclass(frozen=True)
class Tool:
    """A typed tool: validated arguments, a kind, and how it may touch graph state."""

    name: str
    description: str
    kind: ToolKind
    args_model: type[BaseModel]
    fn: Callable[..., Any]
    takes_context: bool = True
    requires_auth: bool = False
    authenticates: bool = False
    handoff_to: str | None = None
    confirm: bool = True
    """For a WRITE: the customer confirms this exact call before it runs (see ``tools.confirmation``)."""
    time_limit: float | None = None
    """Seconds a READ/GENERIC call may take before the turn moves on without it (default: the pipeline's)."""

    def openai_schema(self) -> dict[str, Any]:
        """The OpenAI function-calling description of this tool (what ``bind_tools`` takes)."""
        parameters = copy.deepcopy(_parameters_schema(self.args_model))
        return {
            "type": "function",
            "function": {"name": self.name, "description": self.description, "parameters": parameters},
        }

    def validate(self, raw_args: dict[str, Any] | None) -> BaseModel:
        """Parse raw arguments; raises ``ToolError`` with a one-line, field-naming message."""
        try:
            return self.args_model.model_validate(raw_args or {})
        except ValidationError as exc:
            raise ToolError(f"Invalid arguments for {self.name}: {describe_validation_error(exc)}") from None

    def invoke(self, ctx: ToolContext, raw_args: dict[str, Any] | None, *, call_id: str = "") -> ToolOutcome:
        """Run one call of this tool on its own, as the graph would run it. Never raises for model mistakes.

        A thin call into the one tool pipeline (:class:`frontdesk.tools.execution.ToolPipeline`)
        with no policies and no time limit: arguments validated (an error names the field),
        the login checked, a WRITE in one transaction that commits only if the function
        returns (a refusal half-way leaves the domain DB unchanged) and, given a ``call_id``,
        done once however often that id is sent again. An app's policies, guardrails and time
        limits: build a ``ToolPipeline`` with them.
        """
        from frontdesk.tools.execution import ToolCallRequest, ToolPipeline  # noqa: PLC0415 — the pipeline is built on this module

        return ToolPipeline([self], time_limit=None).run(
            ToolCallRequest(id=call_id, name=self.name, args=raw_args), ctx
        )

    def execute(self, ctx: ToolContext, args: BaseModel) -> ToolOutcome:
        """Run the function on validated ``args`` (in ``ctx.session`` if one is open, else its own)."""
        try:
            with session_for(ctx, commit=self.kind is ToolKind.WRITE):
                kwargs = {name: getattr(args, name) for name in type(args).model_fields} | dict(args.model_extra or {})
                value = self.fn(ctx, **kwargs) if self.takes_context else self.fn(**kwargs)
        except ToolError as exc:
            return self.error(str(exc))
        except Exception as exc:  # a bug or an outage in the tool: the model still gets a result, the turn goes on
            logger.exception("tool %s failed", self.name)
            return self.error(
                f"{self.name} failed ({type(exc).__name__}); this is not the customer's doing. Do not retry it; offer "
                "a person."
            )
        return ToolOutcome(
            name=self.name,
            content=render_value(value),
            ok=True,
            value=value,
            authenticated_customer=customer_named_by(value) if self.authenticates else None,
            handoff_to=self.handoff_to,
        )

    def error(self, text: str) -> ToolOutcome:
        """An error outcome for the model: ``Error: <text>``."""
        return ToolOutcome(name=self.name, content=f"Error: {text}", ok=False)


def customer_named_by(value: Any) -> str:
    """The customer an authentication tool established: its result, or the ``user_id`` of the record it returned."""
    if isinstance(value, dict) and isinstance(value.get("user_id"), str):
        return str(value["user_id"])
    return str(value)


def render_value(value: Any) -> str:
    """Serialise a tool's return value for the model: text as is, everything else as JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, BaseModel):
        return value.model_dump_json()
    if isinstance(value, list) and value and all(isinstance(v, BaseModel) for v in value):
        return json.dumps([v.model_dump(mode="json") for v in value])
    return json.dumps(value, default=str)


def describe_validation_error(exc: ValidationError) -> str:
    """Collapse a pydantic error into one line: ``order_id: Field required; ...``."""
    parts = []
    for error in exc.errors():
        location = ".".join(str(p) for p in error["loc"]) or "arguments"
        given = f" (got {error['input']!r})" if error["type"] != "missing" and "input" in error else ""
        parts.append(f"{location}: {error['msg']}{given}")
    return "; ".join(parts)


@overload
def tool(
    fn: Callable[..., Any],
    /,
    *,
    kind: ToolKind = ToolKind.READ,
    name: str | None = None,
    requires_auth: bool = False,
    authenticates: bool = False,
    handoff_to: str | None = None,
    confirm: bool = True,
    time_limit: float | None = None,
) -> Tool: ...


@overload
def tool(
    fn: None = None,
    /,
    *,
    kind: ToolKind = ToolKind.READ,
    name: str | None = None,
    requires_auth: bool = False,
    authenticates: bool = False,
    handoff_to: str | None = None,
    confirm: bool = True,
    time_limit: float | None = None,
) -> Callable[[Callable[..., Any]], Tool]: ...


def tool(
    fn: Callable[..., Any] | None = None,
    /,
    *,
    kind: ToolKind = ToolKind.READ,
    name: str | None = None,
    requires_auth: bool = False,
    authenticates: bool = False,
    handoff_to: str | None = None,
    confirm: bool = True,
    time_limit: float | None = None,
) -> Tool | Callable[[Callable[..., Any]], Tool]:
    """Turn a typed function into a :class:`Tool`.

    The first parameter may be ``ctx: ToolContext``; every other parameter becomes a field
    of the pydantic argument model (defaults and ``Annotated[..., Field(...)]`` respected).
    The docstring's first paragraph is the description the model reads.
    """

    def wrap(func: Callable[..., Any]) -> Tool:
        return Tool(
            name=name or func.__name__,
            description=_description(func),
            kind=kind,
            args_model=_args_model(func, name or func.__name__),
            fn=func,
            takes_context=_takes_context(func),
            requires_auth=requires_auth,
            authenticates=authenticates,
            handoff_to=handoff_to,
            confirm=confirm,
            time_limit=time_limit,
        )

    return wrap(fn) if fn is not None else wrap


def _takes_context(func: Callable[..., Any]) -> bool:
    params = list(inspect.signature(func).parameters.values())
    hints = get_type_hints(func, include_extras=True)
    first = hints.get(params[0].name) if params else None
    return bool(params) and (params[0].name == "ctx" or (get_origin(first) or first) is ToolContext)


def _description(func: Callable[..., Any]) -> str:
    doc = inspect.getdoc(func) or func.__name__.replace("_", " ")
    return doc.split("\n\n")[0].replace("\n", " ").strip()


def _args_model(func: Callable[..., Any], tool_name: str) -> type[BaseModel]:
    hints = get_type_hints(func, include_extras=True)
    params = list(inspect.signature(func).parameters.values())
    if _takes_context(func):
        params = params[1:]
    fields: dict[str, Any] = {}
    for param in params:
        annotation = hints.get(param.name, Any)
        default = param.default
        if default is inspect.Parameter.empty:
            fields[param.name] = (annotation, ...)
        elif isinstance(default, FieldInfo):
            fields[param.name] = (annotation, default)
        else:
            fields[param.name] = (annotation, default)
    model_name = "".join(part.title() for part in tool_name.split("_")) + "Args"
    return create_model(model_name, __config__=ConfigDict(extra="forbid"), **fields)
