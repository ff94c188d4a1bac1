"""The state a set of exported frontdesk tools shares inside a foreign framework.

Inside the support graph, the tools node owns three things a tool call needs besides its
arguments: the authenticated customer (written only from an authentication tool's
result), the thread id (WRITE tools run once per tool call id within a thread), and
where a handoff goes. AutoGen and CrewAI have no place for any of these, so every tool
exported to them closes over one :class:`ToolSession` that plays the tools node's part.
Calls go through the tool pipeline the tools node uses (:mod:`frontdesk.tools.execution`),
so validation, ownership checks, policies, transactions and idempotency are frontdesk's,
not a re-implementation.

Money and consent hold here as in the graph. By default a session runs the domain's checks:
ownership; a WRITE only after the customer agreed to that exact action, asked through the
host's ``confirm`` callback (AutoGen's or CrewAI's own human-in-the-loop, a UI) and refused
when the session has none; and a call that needs an operator's approval refused with the
reason, since a foreign framework's tool call cannot wait for one.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from frontdesk.domains import get_domain
from frontdesk.operators.approval_gate import ApprovalWithoutWaiting
from frontdesk.runtime import RunContext
from frontdesk.tools.base import Tool, ToolContext, ToolKind, ToolOutcome
from frontdesk.tools.confirmation import CustomerConfirmation
from frontdesk.tools.execution import Check, Handoff, PolicyVerdict, ToolCallRequest, ToolPipeline

AskCustomer = Callable[[str, str, dict[str, Any]], bool]
"""``(tool, question, arguments) -> did the customer say yes``: the host asks, its way."""


@dataclass(frozen=True)
class ConsentFromHost:
    """A WRITE runs only when the customer agreed to that exact action, asked through the host.

    Inside the graph a WRITE pauses for the customer's yes; a tool exported to another
    framework cannot pause the graph, so the host asks (``ask``) and frontdesk acts on its
    answer. Without a way to ask, the WRITE is refused with the reason: never done unasked."""

    name: ClassVar[str] = "confirmation"

    ask: AskCustomer | None
    wording: CustomerConfirmation

    def review(self, tool: Tool, args: dict[str, Any], ctx: ToolContext) -> PolicyVerdict:
        if tool.kind is not ToolKind.WRITE or not tool.confirm:
            return PolicyVerdict.proceed(args)
        question = self.wording.question(tool, args)
        if self.ask is None:
            return PolicyVerdict.refuse(
                "Error: Not done: a change needs the customer's confirmation of this exact action, and this "
                "session has no way to ask them (ToolSession(confirm=...)). Ask the customer: " + question
            )
        if not self.ask(tool.name, question, dict(args)):
            return PolicyVerdict.refuse(f"Error: Not done: the customer did not confirm. ({question})")
        return PolicyVerdict.proceed(args)


def safe_checks(domain: str, approval_limit: float, confirm: AskCustomer | None) -> tuple[Check, ...]:
    """The domain's checks for a session outside the graph: ownership, the host's consent, the
    approval gate refusing what needs an operator."""
    spec = get_domain(domain)
    wording = CustomerConfirmation(spec.describe_action)
    gate = ApprovalWithoutWaiting(spec.approval_policy(approval_limit))
    checks = spec.policies(approval_limit, confirm_writes=False, approvals=gate)
    return (*checks[:-1], ConsentFromHost(confirm, wording), checks[-1])


CREWAI_OFFLINE_DEFAULTS = {
    "CREWAI_DISABLE_TELEMETRY": "true",
    "CREWAI_DISABLE_TRACKING": "true",
    "CREWAI_TRACING_ENABLED": "false",
}


def crewai_offline_defaults() -> None:
    """Opt out of CrewAI's anonymous telemetry and trace uploads unless the user chose otherwise.

    Left on, each kickoff looks up CrewAI's telemetry host (5 s instead of 0.09 s on a
    machine without that network) — frontdesk's tools and models run offline, so the
    adapters do too. A variable the user set is kept.
    """

    for name, value in CREWAI_OFFLINE_DEFAULTS.items():
        os.environ.setdefault(name, value)


def missing_extra(extra: str, module: str, exc: ImportError) -> ImportError:
    """The ImportError to raise when an optional framework is not installed.

    Names the pip extra, because the original error (``No module named 'autogen_core'``)
    does not tell a frontdesk user which extra brings it.
    """
    message = (
        f"{module} needs the optional dependency {exc.name or extra!r}: install it with pip install "
        f"'frontdesk[{extra}]'"
    )
    error = ImportError(message, name=exc.name)
    error.__cause__ = exc
    return error


@dataclass
class ToolSession:
    """One conversation's tool state, shared by all tools exported from one session.

    ``thread_id`` defaults to a fresh random id rather than ``""``: WRITE tools are
    idempotent per (thread, tool call id), and scripted models reuse call ids across
    runs, so two unrelated sessions on one database must never share a thread id.

    ``policies`` default to :func:`safe_checks` for ``domain`` with ``approval_limit`` and the
    host's ``confirm``; pass your own tuple to replace them (``()`` turns every check off).
    """

    engine: Any = None
    services: RunContext | None = None
    policies: tuple[Check, ...] | None = None
    domain: str = "retail"
    approval_limit: float = 100.0
    confirm: AskCustomer | None = None
    customer_id: str | None = None
    thread_id: str = field(default_factory=lambda: f"interop-{uuid.uuid4().hex}")
    handoff: Handoff | None = None
    outcomes: list[ToolOutcome] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.policies is None:
            self.policies = safe_checks(self.domain, self.approval_limit, self.confirm)
        if self.services is None:
            self.services = RunContext(engine=self.engine)
        elif self.engine is None:
            self.engine = self.services.engine

    def begin_turn(self, *, customer_id: str | None, thread_id: str | None = None) -> None:
        """Reset per-turn state before a framework runs a new customer message.

        ``customer_id`` comes from graph state, the only trusted source; a handoff from an
        earlier turn must not leak into this one.
        """
        self.customer_id = customer_id
        if thread_id:
            self.thread_id = thread_id
        self.handoff = None
        self.outcomes = []

    def run(self, tool: Tool, raw_args: Mapping[str, Any] | None, call_id: str | None = None) -> ToolOutcome:
        """Run ``tool`` exactly as the support graph's tools node would.

        Arguments are passed raw: frontdesk validates them and turns mistakes into a
        one-line ``Error: Invalid arguments for <tool>: <field>: ...`` outcome. A WRITE
        call with a ``call_id`` runs at most once per thread. Calls are serialised: a
        framework running tools on several threads must not interleave an authentication
        with the ownership check of a call that follows it.
        """
        with self._lock:
            return self._run(tool, raw_args, call_id)

    def _run(self, tool: Tool, raw_args: Mapping[str, Any] | None, call_id: str | None) -> ToolOutcome:
        assert self.services is not None
        ctx = ToolContext(customer_id=self.customer_id, thread_id=self.thread_id, engine=self.engine, run=self.services)
        request = ToolCallRequest(id=call_id or "", name=tool.name, args=dict(raw_args or {}))
        batch = ToolPipeline([tool], self.policies or ()).run_all([request], ctx)
        outcome = batch.results[0].outcome
        self.customer_id = batch.customer_id
        if batch.handoff is not None:
            self.handoff = Handoff(batch.handoff.target, batch.handoff.reason or f"{tool.name} was called")
        self.outcomes.append(outcome)
        return outcome


def default_tools(tools: Iterable[Tool] | None) -> list[Tool]:
    """The tools to export: the given ones, or the retail domain's."""
    if tools is not None:
        return list(tools)
    return list(get_domain("retail").tools)
