"""``frontdesk``: demo, chat, replay, serve, inbox, traces, dashboard, alerts, kb, tau2, mcp.

Every command turns expected failures (bad files, missing config, unreachable DBs) into
one red line and a non-zero exit; tracebacks are for bugs only.
"""

from __future__ import annotations

from typing import Annotated

import typer

from frontdesk.cli import (
    alerts,
    bench,
    chat,
    config,
    dashboard,
    help_types,
    inbox,
    kb,
    mcp,
    model_server,
    replay,
    serve,
    tau2,
    threads,
    traces,
)

help_types.install()
app = typer.Typer(
    name="frontdesk",
    help="Multi-agent customer service on LangGraph: try `frontdesk demo`.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _show_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"frontdesk {version('frontdesk')}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Multi-agent customer service on LangGraph: try `frontdesk demo`."""


app.command("demo")(replay.demo)
app.command("replay")(replay.replay)
app.command("scenario-schema")(replay.schema)
app.command("record")(replay.record)
app.command("chat")(chat.chat)
app.command("serve")(serve.serve)
app.command("bench")(bench.bench)
app.command("model-server")(model_server.model_server)
app.add_typer(config.app, name="config")
app.add_typer(inbox.app, name="inbox")
app.add_typer(threads.app, name="threads")
app.add_typer(traces.app, name="traces")
app.add_typer(kb.app, name="kb")
app.add_typer(tau2.app, name="tau2")
app.add_typer(mcp.app, name="mcp")
app.add_typer(alerts.app, name="alerts")
app.command("dashboard")(dashboard.dashboard)


if __name__ == "__main__":
    from frontdesk.cli import main

    main()
