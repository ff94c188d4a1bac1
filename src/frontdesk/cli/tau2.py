"""``frontdesk tau2``: check a domain's tools (retail, airline) against tau2-bench's reference."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from frontdesk.cli.common import console, fail, fitting_table

app = typer.Typer(
    help="tau2-bench: replay gold actions against the reference, import tasks as scenarios, run live.",
    no_args_is_help=True,
)

DomainOption = Annotated[
    str, typer.Option("--domain", help="The tau2 domain of the files: retail or airline (or any registered one)")
]


@app.command("replay-gold")
def replay_gold(
    db: Annotated[Path, typer.Option("--db", help="tau2 db.json")],
    tasks: Annotated[Path, typer.Option("--tasks", help="tau2 task file (e.g. tasks_train.json)")],
    expected: Annotated[Path, typer.Option("--expected", help="expected diffs (expected_diffs_train.json)")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one machine-readable JSON summary (with each task's final DB hash)")
    ] = False,
    task: Annotated[list[str] | None, typer.Option("--task", help="Only these task ids")] = None,
    domain: DomainOption = "retail",
) -> None:
    """Replay every task's gold actions on a fresh DB and compare changes, errors and hash; exit 1 if any differ."""
    from frontdesk.domains import UnknownDomain, get_domain
    from frontdesk.tau2.replay_gold import GoldInputError
    from frontdesk.tau2.replay_gold import replay_gold as run

    try:
        report = run(db, tasks, expected, task_ids=set(task) if task else None, domain=get_domain(domain))
    except (GoldInputError, UnknownDomain) as exc:
        fail(str(exc))
    if as_json:
        print(json.dumps(report.summary()))
    else:
        table = fitting_table("task", "actions", "errors", "changes", "DB changes", "hash", "problem")
        mark = {True: "[green]=[/]", False: "[bold red]≠[/]"}
        for result in report.tasks:
            errors = sum(a.error for a in result.actions)
            table.add_row(
                result.task_id,
                str(len(result.actions)),
                str(errors),
                str(len(result.db_diff)),
                mark[result.diff_match and result.actions_match],
                mark[result.hash_match],
                (result.problems or [""])[0][:70],
            )
        console.print(table)
        colour = "green" if report.equal_count == len(report.tasks) else "red"
        console.print(
            f"[bold {colour}]{report.equal_count}/{len(report.tasks)} tasks equal to the reference[/] (actions and "
            "errors, DB changes, final hash)"
        )
    if report.equal_count != len(report.tasks):
        raise typer.Exit(1)


@app.command("import")
def import_tasks(
    tasks: Annotated[Path, typer.Option("--tasks", help="tau2 task file")],
    db: Annotated[Path, typer.Option("--db", help="tau2 db.json (the scenarios' fixture)")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the scenario files")],
    expected: Annotated[
        Path | None,
        typer.Option("--expected", help="Expected diffs: the scenarios then check the reference's DB changes"),
    ] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="Only the first N tasks")] = None,
    domain: DomainOption = "retail",
) -> None:
    """Turn tau2 tasks into scenarios scripted from their gold actions."""
    from frontdesk.domains import UnknownDomain, get_domain
    from frontdesk.tau2.importer import import_tasks as run_import
    from frontdesk.tau2.replay_gold import GoldInputError, read_json

    try:
        task_list = read_json(tasks, "tasks")
        data = read_json(db, "DB")
        reference = read_json(expected, "expected diffs") if expected else None
    except GoldInputError as exc:
        fail(str(exc))
    try:
        spec = get_domain(domain)
    except UnknownDomain as exc:
        fail(str(exc))
    written = run_import(task_list, data, db, reference, out, limit, spec)
    console.print(f"Wrote {len(written)} scenario(s) to {out} — replay them with `frontdesk replay {out}`")


@app.command("run")
def run_live(
    tasks: Annotated[Path, typer.Option("--tasks", help="tau2 task file (e.g. tasks_train.json)")],
    model: Annotated[
        str, typer.Option("--model", help="The agents' model at the OpenAI-compatible endpoint, or 'local'")
    ],
    db: Annotated[
        Path | None, typer.Option("--db", help="tau2 db.json [default: db.json beside the task file]")
    ] = None,
    user_model: Annotated[
        str | None, typer.Option("--user-model", help="The simulated customer's model [default: --model]")
    ] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="OpenAI-compatible endpoint (OPENAI_BASE_URL)")
    ] = None,
    trials: Annotated[int, typer.Option("-k", "--trials", min=1, help="Trials per task (pass^1 … pass^k)")] = 1,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="Only the first N tasks")] = None,
    task: Annotated[list[str] | None, typer.Option("--task", help="Only these task ids")] = None,
    max_turns: Annotated[
        int, typer.Option("--max-turns", min=1, help="Customer messages per conversation at most")
    ] = 30,
    out: Annotated[Path, typer.Option("--out", help="Folder for results.json and results.md")] = Path("tau2-results"),
    domain: DomainOption = "retail",
) -> None:
    """Run our agents on tau2 tasks against a simulated customer, a fresh DB per trial; report pass^k."""
    from frontdesk.config.settings import Settings
    from frontdesk.llm.factory import ModelNotConfiguredError, SingleModel, named_model
    from frontdesk.replay.environment import ReplayEnvironment
    from frontdesk.tau2.live import Tau2Run, Trial, run_tau2
    from frontdesk.tau2.live_report import to_markdown, write_report
    from frontdesk.tau2.replay_gold import GoldInputError, read_json

    db = db or tasks.parent / "db.json"
    try:
        task_list = read_json(tasks, "tasks")
        read_json(db, "DB")
    except GoldInputError as exc:
        fail(str(exc))
    chosen = [t for t in task_list if not task or str(t["id"]) in set(task)][:limit]
    if not chosen:
        fail(f"no task in {tasks} matches --task {' '.join(task or [])}")
    from frontdesk.domains import UnknownDomain, get_domain

    try:
        get_domain(domain)
    except UnknownDomain as exc:
        fail(str(exc))
    settings = Settings.from_env(model=model, base_url=base_url, domain=domain)
    try:
        agents = named_model(settings, model)
        customer = named_model(settings, user_model or model)
    except ModelNotConfiguredError as exc:
        fail(str(exc))
    total = len(chosen) * trials
    grading = (
        f" · replies graded by {settings.grading_mode}"
        if settings.grade_replies
        else " · replies not graded (FRONTDESK_GRADE_REPLIES=0)"
    )
    console.print(
        f"tau2 {domain} live: {len(chosen)} task(s) × {trials} trial(s), agents [bold]{model}[/], customer "
        f"[bold]{user_model or model}[/]{grading}"
    )
    marks = {True: "[green]pass[/]", False: "[red]fail[/]"}

    def show(trial: Trial) -> None:
        why = (
            ""
            if trial.passed
            else ("; DB differs" if not trial.db_match else "")
            + (f"; not said: {', '.join(trial.missing_info)}" if trial.missing_info else "")
        )
        error = f" [red]{trial.error}[/]" if trial.error else ""
        console.print(
            f"  task {trial.task_id} trial {trial.trial}: {marks[trial.passed]}{why} · ended by {trial.ended_by} · "
            f"{trial.turns} turns · "
            f"{trial.tool_calls} tool calls · {trial.seconds:.1f} s{error}",
            soft_wrap=True,
        )

    with ReplayEnvironment() as env:
        graph_settings = settings.model_copy(update={"data_dir": env.workdir})
        runner = Tau2Run(
            db_path=db,
            agent_models=SingleModel(agents),
            user_model=customer,
            env=env,
            max_turns=max_turns,
            settings=graph_settings,
        )
        with console.status(f"Running {total} conversation(s)…"):
            report = run_tau2(
                runner, chosen, trials=trials, agent_model=model, user_model=user_model or model, on_trial=show
            )
    json_path, md_path = write_report(report, out)
    console.print(to_markdown(report).split("\n\n")[1])
    console.print(f"Wrote {json_path} and {md_path}")
