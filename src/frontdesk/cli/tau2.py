"""``frontdesk tau2``: check the retail tools against tau2-bench's reference."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from frontdesk.cli.common import console, fail

app = typer.Typer(help="tau2-bench retail: replay gold actions against the reference, import tasks as scenarios.", no_args_is_help=True)


@app.command("replay-gold")
def replay_gold(
    db: Annotated[Path, typer.Option("--db", help="tau2 retail db.json")],
    tasks: Annotated[Path, typer.Option("--tasks", help="tau2 retail task file (e.g. tasks_train.json)")],
    expected: Annotated[Path, typer.Option("--expected", help="expected diffs (expected_diffs_train.json)")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one machine-readable JSON summary")] = False,
    task: Annotated[list[str] | None, typer.Option("--task", help="Only these task ids")] = None,
) -> None:
    """Replay every task's gold actions on a fresh DB and compare changes, errors and hash; exit 1 if any differ."""
    from frontdesk.tau2.replay_gold import GoldInputError
    from frontdesk.tau2.replay_gold import replay_gold as run

    try:
        report = run(db, tasks, expected, task_ids=set(task) if task else None)
    except GoldInputError as exc:
        fail(str(exc))
    if as_json:
        print(json.dumps(report.summary()))
    else:
        table = Table("task", "actions", "errors", "changes", "DB changes", "hash", "problem")
        mark = {True: "[green]=[/]", False: "[bold red]≠[/]"}
        for result in report.tasks:
            errors = sum(a.error for a in result.actions)
            table.add_row(result.task_id, str(len(result.actions)), str(errors), str(len(result.db_diff)), mark[result.diff_match and result.actions_match], mark[result.hash_match], (result.problems or [""])[0][:70])
        console.print(table)
        colour = "green" if report.equal_count == len(report.tasks) else "red"
        console.print(f"[bold {colour}]{report.equal_count}/{len(report.tasks)} tasks equal to the reference[/] (actions and errors, DB changes, final hash)")
    if report.equal_count != len(report.tasks):
        raise typer.Exit(1)


@app.command("import")
def import_tasks(
    tasks: Annotated[Path, typer.Option("--tasks", help="tau2 retail task file")],
    db: Annotated[Path, typer.Option("--db", help="tau2 retail db.json (the scenarios' fixture)")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the scenario files")],
    expected: Annotated[Path | None, typer.Option("--expected", help="Expected diffs: the scenarios then check the reference's DB changes")] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="Only the first N tasks")] = None,
) -> None:
    """Turn tau2 retail tasks into scenarios scripted from their gold actions."""
    from frontdesk.tau2.importer import import_tasks as run_import
    from frontdesk.tau2.replay_gold import GoldInputError, read_json

    try:
        task_list = read_json(tasks, "tasks")
        data = read_json(db, "DB")
        reference = read_json(expected, "expected diffs") if expected else None
    except GoldInputError as exc:
        fail(str(exc))
    written = run_import(task_list, data, db, reference, out, limit)
    console.print(f"Wrote {len(written)} scenario(s) to {out} — replay them with `frontdesk replay {out}`")
