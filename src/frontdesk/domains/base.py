"""What a business brings to frontdesk: its data model, tools, policies, prompt and demo.

The generic layers (graph, tool pipeline, operators, replay, tau2 commands) take a
``Domain`` as a parameter and never ask which one it is, so a second business plugs in
beside retail by declaring one of these and registering it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Engine

from frontdesk.agents.intents import Intent
from frontdesk.agents.steps import Step
from frontdesk.operators.approval_gate import AmountFn, ApprovalPolicy
from frontdesk.persistence.engine import create_tables
from frontdesk.tools.base import Tool
from frontdesk.tools.confirmation import CustomerConfirmation, DescribeFn
from frontdesk.tools.execution import Check
from frontdesk.tools.ownership import OwnershipFn, OwnershipPolicy


@dataclass(frozen=True)
class Domain:
    """A registered business domain.

    ``money_tools`` are the WRITE tools that move money; ``amount`` tells how much a call
    would move (``None`` when it cannot be told, e.g. the order is not the customer's), and
    the approval gate compares that with the configured limit. ``ownership`` names calls on
    records that are not the customer's, so they stop before any policy runs. ``load_dump``/``export_dump``
    read and write the domain's data as one JSON document (tau2's dump format for the
    shipped domains): replay fixtures, DB end-state checks and tau2 runs use them.
    """

    name: str
    description: str
    instructions: str
    tools: tuple[Tool, ...]
    tables: tuple[Table, ...]
    has_data: Callable[[Engine], bool]
    seed_demo: Callable[[Engine], None]
    load_dump: Callable[[Engine, dict[str, Any]], None]
    export_dump: Callable[[Engine], dict[str, Any]]
    dump_hash: Callable[[dict[str, Any]], str]
    money_tools: frozenset[str] = frozenset()
    amount: AmountFn | None = None
    ownership: OwnershipFn | None = None
    describe_action: DescribeFn | None = None
    email_login_tool: str | None = None
    customer_exists: Callable[[Engine, str], bool] | None = None
    login_call: Callable[[str, Mapping[str, Any]], dict[str, Any]] | None = None
    """``(user id, a dump) -> the tool call that authenticates that customer`` (how an imported tau2 task's script logs
    in)."""
    owner_of: Callable[[Engine, Mapping[str, Any]], str | None] | None = None
    """Whose record a call's arguments name (an order, a reservation, an account): whom a tau2 gold action acts for."""
    """Whether a customer id is known (an operator moving a thread to a customer is checked against it)."""
    demo_pages: Path | None = None
    scenarios: Path | None = None
    intents: tuple[Intent, ...] = ()
    """Kinds of request and the tools each needs, for intent routing (``Settings.intent_routing``)."""
    login_steps: tuple[Step, ...] = ()
    """With intent routing, the login call forced before authentication when the customer's words allow it (the first
    that applies)."""
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def tools_by_name(self) -> dict[str, Tool]:
        return {t.name: t for t in self.tools}

    def approval_policy(self, limit: float) -> ApprovalPolicy:
        """Money-moving calls above ``limit`` wait for an operator."""
        return ApprovalPolicy(limit=limit, tools=self.money_tools, amount=self.amount)

    def policies(
        self,
        approval_limit: float,
        *,
        confirm_writes: bool = True,
        approvals: Check | None = None,
        guardrails: Sequence[Check] = (),
    ) -> tuple[Check, ...]:
        """The tool checks, in order: ownership, the app's ``guardrails``, the customer's confirmation, the approval
        gate.

        The customer consents before an operator is asked; neither is asked about a call on
        someone else's records or one an app's guardrail stops. ``approvals`` replaces the
        domain's own approval gate.
        """
        ownership = (OwnershipPolicy(self.ownership),) if self.ownership is not None else ()
        confirmation = (CustomerConfirmation(self.describe_action),) if confirm_writes else ()
        return (*ownership, *guardrails, *confirmation, approvals or self.approval_policy(approval_limit))

    def create_tables(self, engine: Engine) -> None:
        """Create the domain's tables if missing (safe on every start)."""
        create_tables(engine, self.tables)
