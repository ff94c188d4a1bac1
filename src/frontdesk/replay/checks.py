"""Checking a turn's observed facts against the scenario's expectations."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from frontdesk.memory.customer_memory import recall
from frontdesk.replay.results import Failure, TurnRecord
from frontdesk.replay.schema import DbChange, MemoryEntryExpectation, TurnExpectation

ArgumentsAsUnderstood = Callable[[str, dict[str, Any]], dict[str, Any]]
"""A tool's arguments as the tool itself reads them (``D1002`` → ``#D1002``), for live runs."""


def check_turn(scenario: str, record: TurnRecord, expect: TurnExpectation, *, understood: ArgumentsAsUnderstood | None = None) -> list[Failure]:
    """Every way ``record`` differs from ``expect`` (empty when the turn passed).

    With ``understood`` (live runs), a call's arguments are compared after the tool's own
    normalisation: a real model writing ``D1002`` asked for the same order as ``#D1002``.
    A failing turn that went to a person also says where and why it did.
    """
    turn = record.index + 1
    failures: list[Failure] = []

    def fail(expectation: str, message: str) -> None:
        failures.append(Failure(scenario=scenario, turn=turn, expectation=expectation, message=message))

    def arguments(call: Any) -> dict[str, Any]:
        return understood(call.name, call.args) if understood is not None else call.args

    if expect.tools is not None:
        actual = [f"{c.name}({_args(arguments(c))})" for c in record.tools]
        wanted = [f"{t.name}({_args(t.args or {})})" for t in expect.tools]
        matches = len(actual) == len(wanted) and all(
            call.name == want.name
            and all(arguments(call).get(k) == v for k, v in (want.args or {}).items())
            and (want.ok is None or want.ok == call.ok)
            and (want.result_contains is None or want.result_contains in call.content)
            for call, want in zip(record.tools, expect.tools, strict=False)
        )
        if not matches:
            fail("tools", f"expected {wanted}, got {actual}")
    if expect.agents is not None and record.agents != expect.agents:
        fail("agents", f"expected {expect.agents}, got {record.agents}")
    for needle in expect.reply_contains:
        if needle.lower() not in record.reply.lower():
            fail("reply_contains", f"expected {needle!r} in the reply, got {record.reply!r}")
    if expect.reply_matches is not None and not re.search(expect.reply_matches, record.reply):
        fail("reply_matches", f"expected the reply to match /{expect.reply_matches}/, got {record.reply!r}")
    if expect.grades is not None and record.grades != expect.grades:
        fail("grades", f"expected {expect.grades}, got {record.grades}")
    if expect.handoff is not None and record.handoff != expect.handoff:
        fail("handoff", f"expected handoff={expect.handoff}, got handoff={record.handoff}")
    if expect.approvals is not None and record.approvals != expect.approvals:
        fail("approvals", f"expected {expect.approvals}, got {record.approvals}")
    if expect.customer_id is not None and record.customer_id != expect.customer_id:
        fail("customer_id", f"expected {expect.customer_id!r}, got {record.customer_id!r}")
    if failures and record.handoff and expect.handoff is not True:
        fail("why", why_handed_off(record))
    return failures


def why_handed_off(record: TurnRecord) -> str:
    """Where a turn went to a person and why: the step, the last tool call before it, the reason."""
    steps = 0
    last_tool = ""
    for event in record.events:
        if event.kind in ("agent", "withdrawn"):
            steps += 1
        elif event.kind == "tool":
            outcome = "ok" if event.ok else f"error: {event.text[:120]}"
            last_tool = f" after {event.name} ({outcome})"
        elif event.kind == "handoff":
            return f"the thread went to a person at model step {steps}{last_tool}: {event.text or 'no reason given'}"
    return f"the thread went to a person after {steps} model step(s){last_tool}"


def check_db_changes(scenario: str, actual: list[dict[str, Any]], expected: list[DbChange]) -> list[Failure]:
    """The DB must have changed exactly as listed (path, op if given, new value)."""
    by_path = {change["path"]: change for change in actual}
    problems: list[str] = []
    for want in expected:
        got = by_path.pop(want.path, None)
        if got is None:
            problems.append(f"missing change {want.path} -> {want.new!r}")
        elif got.get("new") != want.new or (want.op is not None and got.get("op") != want.op):
            problems.append(f"{want.path}: expected {want.op or got.get('op')} -> {want.new!r}, got {got.get('op')} -> {got.get('new')!r}")
    problems += [f"unexpected change {path}: {c.get('old')!r} -> {c.get('new')!r}" for path, c in by_path.items()]
    if not problems:
        return []
    return [Failure(scenario=scenario, turn=None, expectation="db_changes", message="; ".join(problems))]


def check_memory(scenario: str, store: Any, expected: list[MemoryEntryExpectation]) -> list[Failure]:
    """Each expected fact must be in the customer's long-term memory with that value."""

    failures = []
    for want in expected:
        found = {e.kind: e.value for e in recall(store, want.customer)}
        if found.get(want.kind) != want.value:
            failures.append(
                Failure(
                    scenario=scenario,
                    turn=None,
                    expectation="memory",
                    message=f"{want.customer} {want.kind}: expected {want.value!r}, got {found.get(want.kind)!r}",
                )
            )
    return failures


def _args(args: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in args.items())
