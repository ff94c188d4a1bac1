"""What a scenario replay produced: transcript events, checks, failures."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

EventKind = Literal[
    "user",
    "agent",
    "tool",
    "handoff",
    "approval",
    "confirmation",
    "grade",
    "operator",
    "withdrawn",
    "error",
    "not_taken",
]


class Event(BaseModel):
    """One thing that happened in a turn, in order; what transcripts are printed from."""

    kind: EventKind
    agent: str | None = None
    text: str = ""
    name: str | None = None
    args: dict[str, Any] | None = None
    ok: bool | None = None
    data: dict[str, Any] = Field(default_factory=dict)


class ToolCallRecord(BaseModel):
    agent: str
    name: str
    args: dict[str, Any]
    ok: bool
    content: str


class TurnRecord(BaseModel):
    """The observed facts of one turn, checked against its expectations."""

    index: int
    user: str
    events: list[Event] = Field(default_factory=list)
    tools: list[ToolCallRecord] = Field(default_factory=list)
    agents: list[str] = Field(default_factory=list)
    grades: list[str] = Field(default_factory=list)
    handoff: bool = False
    approvals: list[str] = Field(default_factory=list)
    reply: str = ""
    reply_by: str | None = None
    customer_id: str | None = None
    script: dict[str, list[dict[str, Any]]] = Field(
        default_factory=dict, description="Every model output of the turn, per agent"
    )


class Failure(BaseModel):
    """A failed expectation, named well enough to find it in the YAML."""

    scenario: str
    turn: int | None
    expectation: str
    message: str

    def __str__(self) -> str:
        where = f"turn {self.turn}" if self.turn is not None else "end"
        return f"scenario {self.scenario!r}, {where}, expectation {self.expectation}: {self.message}"


class ScenarioResult(BaseModel):
    name: str
    path: str
    turns: list[TurnRecord] = Field(default_factory=list)
    failures: list[Failure] = Field(default_factory=list)
    db_changes: list[dict[str, Any]] = Field(default_factory=list)
    duration_s: float = 0.0
    thread_id: str = ""

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def tool_calls(self) -> int:
        return sum(len(t.tools) for t in self.turns)

    @property
    def handoffs(self) -> int:
        return sum(1 for t in self.turns if t.handoff)

    @property
    def approvals_requested(self) -> int:
        return sum(len(t.approvals) for t in self.turns)

    @property
    def approvals_granted(self) -> int:
        return sum(1 for t in self.turns for a in t.approvals if a in {"approved", "edited"})
