"""``frontdesk config show``: the settings in force and where each comes from."""

from __future__ import annotations

import os

import typer

from frontdesk.cli.common import console, fitting_table
from frontdesk.config import ENV_NAMES, Settings, config_path, environment, read_config_file
from frontdesk.config.gateway import GATEWAY_ENV

app = typer.Typer(help="Settings: environment, config file and defaults.", no_args_is_help=True)


@app.command("show")
def show() -> None:
    """Every setting with its value and source (env, config file, default); secrets masked."""
    settings = Settings.from_env()
    from_file = read_config_file()
    table = fitting_table("setting", "value", "source")
    for name in Settings.model_fields:
        value = getattr(settings, name)
        env_name = ENV_NAMES.get(name)
        source = (
            f"env {env_name}"
            if env_name and os.environ.get(env_name)
            else ("config file" if name in from_file else "default")
        )
        shown = "***" if name == "api_key" and value else ("—" if value is None else str(value))
        table.add_row(name, shown, source)
    for name, variable in GATEWAY_ENV.items():
        if os.environ.get(variable):
            table.add_row(f"gateway.{name}", str(getattr(settings.gateway, name)), f"env {variable}")
    table.add_row("(database in use)", settings.resolved_database_url, "")
    console.print(table)
    process = fitting_table("process variable", "set", "what it does")
    for variable, meaning in environment.PROCESS_VARIABLES.items():
        value = environment.read(variable)
        secret = any(word in variable for word in ("SECRET", "KEY", "TOKEN"))
        process.add_row(variable, "—" if not value else ("***" if secret else value), meaning)
    console.print(process)
    console.print(f"config file: {config_path()}" + ("" if config_path().exists() else " (none)"))
    if not settings.model_configured:
        console.print(
            "[yellow]No model configured[/]: `frontdesk chat` needs FRONTDESK_MODEL and OPENAI_BASE_URL or "
            "OPENAI_API_KEY."
        )
