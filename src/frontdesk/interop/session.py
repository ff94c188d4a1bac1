"""The state a set of exported frontdesk tools shares inside a foreign framework.

Inside the support graph, the tools node owns three things a tool call needs besides its
arguments: the authenticated customer (written only from an authentication tool's
result), the thread id (WRITE tools run once per tool call id within a thread), and
where a handoff goes. AutoGen and CrewAI have no place for any of these, so every tool
exported to them closes over one :class:`ToolSession` that plays the tools node's part.
Calls go through the tool pipeline the tools node uses (:mod:`frontdesk.tools.execution`),
so validation, ownership checks, policies, transactions and idempotency are frontdesk's,
not a re-implementation.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from frontdesk.domains import get_domain
from frontdesk.runtime import RunContext
from frontdesk.tools.base import Tool, ToolContext, ToolOutcome
from frontdesk.tools.execution import Handoff, ToolCallRequest, ToolPipeline, ToolPolicy

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
    """

    engine: Any = None
    services: RunContext | None = None
    policies: tuple[ToolPolicy, ...] = ()
    customer_id: str | None = None
    thread_id: str = field(default_factory=lambda: f"interop-{uuid.uuid4().hex}")
    handoff: Handoff | None = None
    outcomes: list[ToolOutcome] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def __post_init__(self) -> None:
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
        batch = ToolPipeline([tool], self.policies).run_all([request], ctx)
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
