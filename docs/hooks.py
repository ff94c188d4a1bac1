"""Build-time pages of the documentation site, generated from the code so they cannot drift.

``<!-- frontdesk:settings -->`` becomes the configuration reference (every ``Settings`` field with
its environment variable, default and description, the gateway's variables and the
process-level ones), ``<!-- frontdesk:cli -->`` every command with its options, and
``<!-- frontdesk:http -->`` every HTTP endpoint of ``frontdesk serve`` (from its OpenAPI schema).
The benchmark chart is copied from ``bench/results``. Used by ``mkdocs.yml``'s ``hooks``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import typer
from mkdocs.structure.files import File, Files

from frontdesk.cli.app import app
from frontdesk.config import ENV_NAMES, Settings, environment
from frontdesk.config.gateway import GATEWAY_ENV, GatewayConfig
from frontdesk.server.app import create_app

ROOT = Path(__file__).resolve().parents[1]


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def settings_reference() -> str:
    rows = ["| setting | environment variable | default | what it does |", "| --- | --- | --- | --- |"]
    for name, field in Settings.model_fields.items():
        default = "" if field.default_factory is not None else field.default
        shown = "—" if default in (None, "") else f"`{default}`"
        variable = f"`{ENV_NAMES[name]}`" if name in ENV_NAMES else "config file only"
        rows.append(f"| `{name}` | {variable} | {_cell(shown)} | {_cell(field.description or '')} |")
    gateway = ["| `[gateway]` key | environment variable | default | what it does |", "| --- | --- | --- | --- |"]
    for name, field in GatewayConfig.model_fields.items():
        variable = f"`{GATEWAY_ENV[name]}`" if name in GATEWAY_ENV else "—"
        default = "" if field.default_factory is not None else field.default
        shown = "—" if default in (None, "") else f"`{default}`"
        gateway.append(f"| `{name}` | {variable} | {_cell(shown)} | {_cell(field.description or '')} |")
    process = ["| variable | what it does |", "| --- | --- |"]
    process += [f"| `{name}` | {_cell(meaning)} |" for name, meaning in environment.PROCESS_VARIABLES.items()]
    return "\n".join(
        ["## Settings", "", *rows, "", "## The model gateway", "", *gateway, "", "## Process variables", "", *process]
    )


def _options(command: Any) -> list[str]:
    """An options table (typer bundles its own click, so parameters are told apart by kind, not class)."""
    rows = []
    for param in command.params:
        if param.param_type_name == "option" and param.name != "help":
            rows.append(f"| `{', '.join(param.opts)}` | {_cell(param.help or '')} |")
        elif param.param_type_name == "argument":
            rows.append(f"| `{param.name.upper() if param.name else ''}` | {_cell(getattr(param, 'help', '') or '')} |")
    return ["| option | what it does |", "| --- | --- |", *rows] if rows else []


def cli_reference() -> str:
    root: Any = typer.main.get_command(app)
    out: list[str] = []

    def visit(command: Any, path: list[str]) -> None:
        if hasattr(command, "commands"):
            for name in sorted(command.commands):
                visit(command.commands[name], [*path, name])
            if command.callback is None or not command.params:
                return
        out.extend([f"## `{' '.join(path)}`", "", (command.help or "").strip(), "", *_options(command), ""])

    for name in sorted(root.commands):
        visit(root.commands[name], ["frontdesk", name])
    return "\n".join(out)


def http_reference() -> str:
    with tempfile.TemporaryDirectory() as folder:
        schema = create_app(Settings(data_dir=Path(folder))).openapi()
    rows = ["| method | path | what it does |", "| --- | --- | --- |"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            summary = operation.get("description") or operation.get("summary") or ""
            rows.append(
                f"| {method.upper()} | `{path}` | {_cell(summary.strip().splitlines()[0] if summary else '')} |"
            )
    return "\n".join(rows)


GENERATED = {
    "<!-- frontdesk:settings -->": settings_reference,
    "<!-- frontdesk:cli -->": cli_reference,
    "<!-- frontdesk:http -->": http_reference,
}


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    for marker, render in GENERATED.items():
        if marker in markdown:
            markdown = markdown.replace(marker, render())
    return markdown


def on_files(files: Files, config: Any) -> Files:
    chart = ROOT / "bench" / "results" / "overhead.png"
    files.append(File.generated(config, "images/overhead.png", abs_src_path=str(chart)))
    return files
