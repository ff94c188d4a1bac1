"""Printing replays for people: conversations, failures and the summary table."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.text import Text

from frontdesk.replay.results import Event, ScenarioResult
from frontdesk.terminal import fitting_table

AGENT_STYLES = {"customer_service": "cyan", "researcher": "magenta", "grader": "yellow", "operator": "green"}


def _short(text: str, limit: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _event_line(event: Event) -> Text | None:
    style = AGENT_STYLES.get(event.agent or "", "white")
    if event.kind == "user":
        return Text.assemble(("  customer ", "bold"), ("› ", "dim"), event.text)
    if event.kind == "agent":
        calls = event.data.get("tool_calls") or []
        if calls:
            if not event.text:
                return None
            return Text.assemble((f"  {event.agent} ", style), ("(thinking) ", "dim"), _short(event.text))
        return Text.assemble((f"  {event.agent} ", f"bold {style}"), ("› ", "dim"), event.text)
    if event.kind == "withdrawn":
        return Text.assemble(
            (f"  {event.agent} ", style), ("draft withheld › ", "dim red"), Text(_short(event.text), style="strike dim")
        )
    if event.kind == "tool":
        mark = ("✓", "green") if event.ok else ("✗", "red")
        args = json.dumps(event.args or {}, ensure_ascii=False)
        return Text.assemble(
            "    ", mark, (f" {event.name}", "bold"), (args, "dim"), (" → ", "dim"), (_short(event.text, 100), "dim")
        )
    if event.kind == "grade":
        verdict = event.data.get("verdict")
        colour = "green" if verdict == "pass" else "red"
        return Text.assemble(
            ("    grader ", "yellow"),
            (f"{verdict}", f"bold {colour}"),
            (f" ({event.data.get('score')})", "dim"),
            (f" {_short(event.text, 100)}" if event.text else "", "dim"),
        )
    if event.kind == "handoff":
        return Text.assemble(
            ("    ⇢ handed to a person", "bold green"),
            (f" — ticket {event.data.get('ticket_id')}: {_short(event.text, 100)}", "green"),
        )
    if event.kind == "approval":
        status = event.data.get("status")
        colour = "green" if status in {"approved", "edited"} else "red"
        args = json.dumps(event.data.get("args") or {}, ensure_ascii=False)
        return Text.assemble(
            ("    ⏸ approval ", "bold"),
            (f"{event.data.get('tool')}{args}", "dim"),
            f" — {event.data.get('reason')} → ",
            (f"{status} by {event.data.get('operator')}", f"bold {colour}"),
            (f" ({event.text})" if event.text else "", "dim"),
        )
    if event.kind == "operator":
        return Text.assemble(("  operator ", "bold green"), ("› ", "dim"), event.text)
    if event.kind == "confirmation":
        confirmed = event.data.get("confirmed")
        answer = (
            ("in their words", "bold")
            if confirmed is None
            else ("yes", "bold green")
            if confirmed
            else ("no", "bold red")
        )
        return Text.assemble(("    ? ", "bold"), (_short(event.text, 110), "dim"), " → customer: ", answer)
    if event.kind == "not_taken":
        return Text.assemble(("  not taken ", "bold yellow"), (_short(event.text, 110), "dim"))
    if event.kind == "error":
        return Text.assemble(("  error ", "bold red"), event.text)
    return None


def _shown(path: str) -> str:
    """A path relative to the working directory when it is below it, else just the file name."""

    relative = os.path.relpath(path)
    return relative if not relative.startswith("..") else Path(path).name


def print_conversation(console: Console, result: ScenarioResult) -> None:
    """The scenario's conversation, turn by turn, with tool calls, handoffs and verdicts."""
    status = Text(" PASS ", style="bold black on green") if result.passed else Text(" FAIL ", style="bold white on red")
    console.rule(Text.assemble(status, " ", (result.name, "bold"), (f"  {_shown(result.path)}", "dim")), align="left")
    for turn in result.turns:
        for event in turn.events:
            line = _event_line(event)
            if line is not None:
                console.print(line)
    print_failures(console, result)
    console.print()


def print_failures(console: Console, result: ScenarioResult) -> None:
    for failure in result.failures:
        console.print(Text.assemble(("  ✗ ", "bold red"), str(failure)), soft_wrap=True)


WIDE_SUMMARY = 100
"""Terminal width from which the summary also shows turns and grades."""


def print_summary(console: Console, results: Sequence[ScenarioResult]) -> None:
    """One row per scenario and a totals line, including the automation rate."""
    wide = console.width >= WIDE_SUMMARY
    columns = ["scenario", "result", "turns", "tools", "handoffs", "grades", "time"]
    if not wide:  # 80 columns: the names whole, on one line each, and the columns that matter most
        columns = ["scenario", "result", "tools", "handoffs", "time"]
    table = fitting_table(*columns, title="Scenario replay")
    table.columns[0].no_wrap = True
    for result in results:
        cells: dict[str, str | Text] = {
            "scenario": Path(result.path).stem,
            "result": Text("pass", style="green") if result.passed else Text("FAIL", style="bold red"),
            "turns": str(len(result.turns)),
            "tools": str(result.tool_calls),
            "handoffs": str(result.handoffs),
            "grades": " ".join(g for t in result.turns for g in t.grades),
            "time": f"{result.duration_s:.2f}s",
        }
        table.add_row(*(cells[name] for name in columns))
    console.print(table)
    passed = sum(r.passed for r in results)
    automated = sum(1 for r in results if r.handoffs == 0)
    total = len(results) or 1
    requested = sum(r.approvals_requested for r in results)
    granted = sum(r.approvals_granted for r in results)
    console.print(
        f"[bold]{passed}/{len(results)} scenarios passed[/]  ·  resolved without a person: {automated}/{len(results)} "
        f"({100 * automated / total:.0f}%)"
        f"  ·  approvals: {requested} requested, {granted} granted"
        f"  ·  {sum(r.tool_calls for r in results)} tool calls  ·  {sum(r.duration_s for r in results):.1f}s"
    )
