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


def _field_rows(key: str, model: Any, variables: dict[str, str], unset: str) -> list[str]:
    """A table of ``model``'s fields: name, environment variable (``unset`` when none), default, description."""
    rows = [f"| {key} | environment variable | default | what it does |", "| --- | --- | --- | --- |"]
    for name, field in model.model_fields.items():
        default = "" if field.default_factory is not None else field.default
        shown = "—" if default in (None, "") else f"`{default}`"
        variable = f"`{variables[name]}`" if name in variables else unset
        rows.append(f"| `{name}` | {variable} | {_cell(shown)} | {_cell(field.description or '')} |")
    return rows


def settings_reference() -> str:
    rows = _field_rows("setting", Settings, ENV_NAMES, "config file only")
    gateway = _field_rows("`[gateway]` key", GatewayConfig, GATEWAY_ENV, "—")
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
