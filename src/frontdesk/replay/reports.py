"""Replay reports: a progress bar while running, JUnit XML and JSON files afterwards."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from xml.etree import ElementTree

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from frontdesk.replay.results import ScenarioResult
from frontdesk.terminal import console


@contextmanager
def progress(total: int, *, quiet: bool) -> Iterator[Callable[[ScenarioResult, Callable[[], None]], None]]:
    """Yields ``advance(result, print_line)``; shows a bar unless ``quiet`` (conversations printed)."""
    if quiet or not console.is_terminal:
        yield lambda _result, print_line: print_line()
        return
    columns = (
        TextColumn("replaying"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[failed]} failed"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("replay", total=total, failed=0)
        failed = 0

        def advance(result: ScenarioResult, print_line: Callable[[], None]) -> None:
            nonlocal failed
            failed += 0 if result.passed else 1
            print_line()
            bar.update(task, advance=1, failed=failed)

        yield advance


def report_dict(results: list[ScenarioResult]) -> dict:
    return {
        "passed": sum(r.passed for r in results),
        "failed": sum(not r.passed for r in results),
        "scenarios": [
            {
                "name": r.name,
                "path": r.path,
                "passed": r.passed,
                "turns": len(r.turns),
                "tool_calls": r.tool_calls,
                "handoffs": r.handoffs,
                "approvals": [a for t in r.turns for a in t.approvals],
                "grades": [g for t in r.turns for g in t.grades],
                "duration_s": round(r.duration_s, 3),
                "failures": [str(f) for f in r.failures],
                "db_changes": r.db_changes,
            }
            for r in results
        ],
    }


def write_report(results: list[ScenarioResult], target: Path) -> None:
    """``*.json``: the full report; ``*.xml``: JUnit, one testcase per scenario."""
    if target.suffix == ".json":
        target.write_text(json.dumps(report_dict(results), indent=2, default=str))
        return
    suite = ElementTree.Element(
        "testsuite",
        name="frontdesk scenarios",
        tests=str(len(results)),
        failures=str(sum(not r.passed for r in results)),
        time=f"{sum(r.duration_s for r in results):.3f}",
    )
    for result in results:
        case = ElementTree.SubElement(
            suite, "testcase", classname=Path(result.path).stem, name=result.name, time=f"{result.duration_s:.3f}"
        )
        if not result.passed:
            failure = ElementTree.SubElement(case, "failure", message=str(result.failures[0]))
            failure.text = "\n".join(str(f) for f in result.failures)
    ElementTree.ElementTree(suite).write(target, encoding="utf-8", xml_declaration=True)
