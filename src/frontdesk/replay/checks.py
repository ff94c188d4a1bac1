"""Checking a turn's observed facts against the scenario's expectations."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from frontdesk.memory.customer_memory import recall
from frontdesk.replay.results import Failure, ToolCallRecord, TurnRecord
from frontdesk.replay.schema import DbChange, MemoryEntryExpectation, ToolExpectation, TurnExpectation

ArgumentsAsUnderstood = Callable[[str, dict[str, Any]], dict[str, Any]]
"""A tool's arguments as the tool itself reads them (``D1002`` → ``#D1002``), for live runs."""

MayAlsoCall = Callable[[str], bool]
"""Whether a live run may call this tool beyond the expected ones (a read: looking something up changes nothing)."""


def check_turn(
    scenario: str,
    record: TurnRecord,
    expect: TurnExpectation,
    *,
    understood: ArgumentsAsUnderstood | None = None,
    may_also_call: MayAlsoCall | None = None,
) -> list[Failure]:
    """Every way ``record`` differs from ``expect`` (empty when the turn passed).

    With ``understood`` (live runs), a call's arguments are compared after the tool's own
    normalisation: a real model writing ``D1002`` asked for the same order as ``#D1002``.
    With ``may_also_call`` (live runs), the expected calls must be made in order, and other
    calls in between are accepted when ``may_also_call`` allows them: a model that reads
    the order before cancelling it gave the customer the same outcome.
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

        def made(call: ToolCallRecord, want: ToolExpectation) -> bool:
            return (
                call.name == want.name
                and all(arguments(call).get(k) == v for k, v in (want.args or {}).items())
                and (want.ok is None or want.ok == call.ok)
                and (want.result_contains is None or want.result_contains in call.content)
            )

        if may_also_call is None:
            matches = len(actual) == len(wanted) and all(
                made(call, want) for call, want in zip(record.tools, expect.tools, strict=False)
            )
        else:
            matches = _made_in_order(record.tools, expect.tools, made, may_also_call)
        if not matches:
            extra = " (other calls are accepted only when they read)" if may_also_call is not None else ""
            fail("tools", f"expected {wanted}{extra}, got {actual}")
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


def _made_in_order(
    calls: list[ToolCallRecord],
    wanted: list[ToolExpectation],
    made: Callable[[ToolCallRecord, ToolExpectation], bool],
    may_also_call: MayAlsoCall,
) -> bool:
    """``wanted`` made in order among ``calls``, every other call one ``may_also_call`` allows.

    Greedy is exact here: taking the first call that satisfies the next expectation never
    loses a match a later one would give, since a skipped call must be allowed anyway.
    """
    remaining = iter(wanted)
    want = next(remaining, None)
    for call in calls:
        if want is not None and made(call, want):
            want = next(remaining, None)
        elif not may_also_call(call.name):
            return False
    return want is None


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
            problems.append(
                f"{want.path}: expected {want.op or got.get('op')} -> {want.new!r}, got {got.get('op')} -> "
                f"{got.get('new')!r}"
            )
    problems += [f"unexpected change {path}: {c.get('old')!r} -> {c.get('new')!r}" for path, c in by_path.items()]
    if not problems:
        return []
    return [Failure(scenario=scenario, turn=None, expectation="db_changes", message="; ".join(problems))]


def check_memory(scenario: str, store: Any, expected: list[MemoryEntryExpectation]) -> list[Failure]:
    """Each expected fact must be in the customer's long-term memory with that value."""

    failures = []
    for want in expected:
        found = {e.kind: e.value for e in recall(store, want.customer)}.get(want.kind)
        held = (
            found == want.value
            if want.value is not None
            else found is not None and str(want.value_contains).lower() in found.lower()
        )
        if not held:
            wanted = repr(want.value) if want.value is not None else f"a value containing {want.value_contains!r}"
            message = f"{want.customer} {want.kind}: expected {wanted}, got {found!r}"
            failures.append(Failure(scenario=scenario, turn=None, expectation="memory", message=message))
    return failures


def _args(args: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in args.items())
