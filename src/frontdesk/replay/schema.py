"""The scenario file format (YAML), validated by pydantic.

A scenario names its domain fixture and customer, then lists turns: what the customer
says, what each agent's model outputs (the script), what the operator answers if the
thread is handed to a person, and what must be true afterwards.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from frontdesk.config.settings import Settings
from frontdesk.conversation.operator import ApprovalDecision, HandoffReply, OperatorAction
from frontdesk.llm.scripted import ScriptedStep


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ToolExpectation(_Strict):
    """A tool call that must happen; ``args`` must be a subset of the call's arguments."""

    name: str
    args: dict[str, Any] | None = None
    ok: bool | None = Field(default=None, description="Whether the call must succeed (true) or fail (false)")
    result_contains: str | None = Field(default=None, description="A substring of what the tool returned")


class TurnExpectation(_Strict):
    """What must be true after a turn. Unset fields are not checked."""

    tools: list[ToolExpectation] | None = Field(
        default=None,
        description="Exactly these tool calls, in order (live runs: these in order, with other calls accepted when "
        "they only read)",
    )
    agents: list[str] | None = Field(default=None, description="Agents that spoke, in order (repeats collapsed)")
    reply_contains: list[str] = Field(default_factory=list, description="Substrings of the reply (case-insensitive)")
    reply_matches: str | None = Field(default=None, description="A regex the reply must match")
    grades: list[Literal["pass", "fail"]] | None = Field(default=None, description="Grader verdicts in order")
    handoff: bool | None = Field(default=None, description="Whether the thread went to a person")
    approvals: list[Literal["approved", "rejected", "edited"]] | None = Field(
        default=None, description="Operator decisions on approvals, in order"
    )
    customer_id: str | None = Field(default=None, description="Authenticated customer after the turn")

    def reply_holds(self, reply: str) -> bool:
        """Whether ``reply`` has every ``reply_contains`` needle and matches ``reply_matches``."""
        return all(needle.lower() in reply.lower() for needle in self.reply_contains) and (
            self.reply_matches is None or re.search(self.reply_matches, reply) is not None
        )

    @field_validator("tools", mode="before")
    @classmethod
    def _names_as_calls(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"name": item} if isinstance(item, str) else item for item in value]
        return value


class OperatorAnswer(_Strict):
    """What the operator does when the thread waits for a person, in order of the pauses.

    A handoff takes ``reply`` (and ``return_to_bot``); an approval takes ``decision``
    (approve, reject with ``reason``, or edit with ``args``).
    """

    reply: str | None = None
    return_to_bot: bool | None = None
    decision: Literal["approve", "reject", "edit"] | None = None
    reason: str | None = None
    args: dict[str, Any] | None = None
    operator: str = "operator"

    @model_validator(mode="after")
    def _one_kind(self) -> OperatorAnswer:
        if (self.reply is None) == (self.decision is None):
            raise ValueError("give either reply (for a handoff) or decision (for an approval)")
        return self

    def as_action(self) -> OperatorAction:
        """What the operator does, as :meth:`frontdesk.Conversation.resolve` takes it."""
        if self.reply is not None:
            return HandoffReply(self.reply, operator=self.operator, return_to_bot=self.return_to_bot)
        return ApprovalDecision(self.decision or "approve", operator=self.operator, reason=self.reason, args=self.args)


class Turn(_Strict):
    """One customer message and everything scripted and expected around it."""

    user: str
    script: dict[str, list[ScriptedStep]] = Field(default_factory=dict, description="Model outputs per agent")
    operator: list[OperatorAnswer] = Field(
        default_factory=list, description="Operator actions, one per pause, in order"
    )
    confirm: list[bool] = Field(
        default_factory=list,
        description="The customer's answers (yes/no), in order, each time the thread asks them to confirm a write",
    )
    expect: TurnExpectation = Field(default_factory=TurnExpectation)

    @field_validator("operator", mode="before")
    @classmethod
    def _single_answer(cls, value: Any) -> Any:
        return [value] if isinstance(value, dict) else value


class DbChange(_Strict):
    """One change of the domain DB, in the tau2 diff format (``orders/#W1/status``)."""

    path: str
    op: Literal["add", "remove", "replace"] | None = None
    new: Any = None


class MemoryEntryExpectation(_Strict):
    """A fact long-term memory must hold for a customer at the end."""

    customer: str
    kind: str
    value: str | None = Field(default=None, description="The exact value")
    value_contains: str | None = Field(
        default=None, description="A substring of the value (case-insensitive): the fact, in whatever words"
    )

    @model_validator(mode="after")
    def _one_value(self) -> MemoryEntryExpectation:
        if (self.value is None) == (self.value_contains is None):
            raise ValueError("give value or value_contains")
        return self


class EndExpectation(_Strict):
    """What must be true when the scenario ends."""

    db_changes: list[DbChange] | None = Field(default=None, description="Exactly these DB changes (none if empty)")
    memory: list[MemoryEntryExpectation] = Field(default_factory=list, description="Facts long-term memory must hold")


class Tau2Fixture(_Strict):
    """A tau2-bench retail ``db.json`` as the domain data (path relative to the scenario file)."""

    tau2: str


class Scenario(_Strict):
    """A scripted conversation replayed as a test."""

    name: str
    description: str = ""
    tags: list[str] = Field(default_factory=list)
    fixture: Literal["demo"] | Tau2Fixture = "demo"
    settings: dict[str, Any] = Field(
        default_factory=dict, description="Settings overrides for this scenario, e.g. approval_limit"
    )
    customer: str | None = Field(default=None, description="Who the customer is (e.g. their email), for readers")
    turns: list[Turn] = Field(min_length=1)
    expect: EndExpectation = Field(default_factory=EndExpectation)

    @field_validator("settings")
    @classmethod
    def _known_settings(cls, value: dict[str, Any]) -> dict[str, Any]:

        unknown = sorted(set(value) - set(Settings.model_fields))
        if unknown:
            raise ValueError(f"unknown setting(s) {', '.join(unknown)}")
        Settings(**value)
        return value
