"""``frontdesk alerts``: evaluate the configured alert rules once (for cron, CI, or a look)."""

from __future__ import annotations

from typing import Annotated

import typer

from frontdesk.cli.common import console, fail, fitting_table
from frontdesk.config.settings import Settings

app = typer.Typer(help="Alert rules from the config file (its \\[\\[alerts]] tables).", no_args_is_help=True)


@app.command("check")
def check(
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the rules that fire")] = False,
    no_notify: Annotated[bool, typer.Option("--no-notify", help="Evaluate without calling the webhook")] = False,
) -> None:
    """Evaluate every rule now; exit 1 when any fires. Changes (firing, resolved) go to the webhook and the log."""
    from frontdesk.operations.alerts import evaluate

    settings = Settings.from_env()
    if not settings.alerts:
        fail("no alert rules: add [[alerts]] tables to the config file (name, metric, window, above or below)")
    states = evaluate(settings, notify=not no_notify)
    table = fitting_table("rule", "state", "metric", "value", "threshold", "window", "turns")
    for state in states:
        if quiet and not state.firing:
            continue
        value = "no data" if state.value is None else f"{state.value:.4g}"
        shown = "[bold red]FIRING[/]" if state.firing else "ok"
        table.add_row(
            state.name,
            shown,
            state.metric,
            value,
            f"{state.comparison} {state.threshold:g}",
            state.window,
            str(state.turns),
        )
    console.print(table)
    if any(state.firing for state in states):
        raise typer.Exit(1)
