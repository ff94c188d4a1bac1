"""The state a set of exported frontdesk tools shares inside a foreign framework.

Inside the support graph, the tools node owns three things a tool call needs besides its
arguments: the authenticated customer (written only from an authentication tool's
result), the thread id (WRITE tools run once per tool call id within a thread), and
where a handoff goes. AutoGen and CrewAI have no place for any of these, so every tool
exported to them closes over one :class:`ToolSession` that plays the tools node's part.
Calls go through the very function the tools node uses, so validation, ownership checks,
transactions and idempotency are frontdesk's, not a re-implementation.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from frontdesk.graphs.tools_node import invoke_once as invoke_like_tools_node
from frontdesk.runtime import Services
from frontdesk.tools.base import Tool, ToolContext, ToolOutcome
from frontdesk.tools.handoff import HUMAN
from frontdesk.tracing import instrument

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
    import os

    for name, value in CREWAI_OFFLINE_DEFAULTS.items():
        os.environ.setdefault(name, value)


def missing_extra(extra: str, module: str, exc: ImportError) -> ImportError:
    """The ImportError to raise when an optional framework is not installed.

    Names the pip extra, because the original error (``No module named 'autogen_core'``)
    does not tell a frontdesk user which extra brings it.
    """
    message = f"{module} needs the optional dependency {exc.name or extra!r}: install it with pip install 'frontdesk[{extra}]'"
    error = ImportError(message, name=exc.name)
    error.__cause__ = exc
    return error


@dataclass(frozen=True)
class Handoff:
    """A successful handoff tool call: where the conversation goes and why."""

    target: str
    reason: str

    @property
    def to_human(self) -> bool:
        return self.target == HUMAN


@dataclass
class ToolSession:
    """One conversation's tool state, shared by all tools exported from one session.

    ``thread_id`` defaults to a fresh random id rather than ``""``: WRITE tools are
    idempotent per (thread, tool call id), and scripted models reuse call ids across
    runs, so two unrelated sessions on one database must never share a thread id.
    """

    engine: Any = None
    services: Services | None = None
    customer_id: str | None = None
    thread_id: str = field(default_factory=lambda: f"interop-{uuid.uuid4().hex}")
    handoff: Handoff | None = None
    outcomes: list[ToolOutcome] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.services is None:
            self.services = Services(engine=self.engine)
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
        ctx = ToolContext(customer_id=self.customer_id, thread_id=self.thread_id, tool_call_id=call_id or "", engine=self.engine, services=self.services)
        args = dict(raw_args or {})
        with instrument.tool_call(self.services, tool.name, ctx.tool_call_id, tool.kind.value, self.thread_id, args) as record:
            outcome = invoke_like_tools_node(tool, ctx, args)
            record(outcome.ok, outcome.content)
        if outcome.authenticated_customer:
            self.customer_id = outcome.authenticated_customer
        if outcome.ok and outcome.handoff_to:
            reason = str(args.get("summary") or args.get("reason") or "")
            self.handoff = Handoff(outcome.handoff_to, reason or f"{tool.name} was called")
        self.outcomes.append(outcome)
        return outcome


def default_tools(tools: Iterable[Tool] | None) -> list[Tool]:
    """The tools to export: the given ones, or all sixteen retail tools."""
    if tools is not None:
        return list(tools)
    from frontdesk.tools.retail import RETAIL_TOOLS

    return list(RETAIL_TOOLS)
