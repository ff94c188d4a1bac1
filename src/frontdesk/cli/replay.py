"""``frontdesk demo``, ``replay``, ``scenario-schema`` and ``record``: the commands' options.

What they do is in ``cli/replay_run.py``, imported when one of them runs, so that
``frontdesk --help`` does not import the replay machinery (2 s) to list them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

ModelOption = Annotated[str | None, typer.Option("--model", help="Model name (FRONTDESK_MODEL)")]
BaseUrlOption = Annotated[str | None, typer.Option("--base-url", help="OpenAI-compatible endpoint (OPENAI_BASE_URL)")]


def demo(
    traces: Annotated[
        Path | None, typer.Option(help="DuckDB file for the run's traces [default: in the data dir]")
    ] = None,
    domain: Annotated[
        str | None,
        typer.Option("--domain", help="Whose scenarios: retail or airline [default: FRONTDESK_DOMAIN, else retail]"),
    ] = None,
    every: Annotated[
        bool, typer.Option("--all", help="Print every scenario's conversation, not only the tour's")
    ] = False,
) -> None:
    """Replay the shipped scenarios offline (scripted model, no API key): a tour of conversations and a summary."""
    from frontdesk.cli import replay_run

    replay_run.run_demo(traces, domain, every)


def replay(
    paths: Annotated[list[Path], typer.Argument(help="Scenario files or folders")],
    keyword: Annotated[
        str | None, typer.Option("-k", help="Only scenarios whose file name, name or tags contain this")
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Print every conversation")] = False,
    traces: Annotated[Path | None, typer.Option(help="Also store traces in this DuckDB file")] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Replay in this many processes")] = 1,
    report: Annotated[
        list[Path] | None, typer.Option("--report", help="Write a report: *.xml (JUnit) or *.json")
    ] = None,
    live: Annotated[
        bool, typer.Option("--live", help="Use a real model instead of the scripts (expectations kept)")
    ] = False,
    runs: Annotated[int, typer.Option("-n", min=1, help="With --live: runs per scenario, for pass^k")] = 1,
    model: ModelOption = None,
    base_url: BaseUrlOption = None,
) -> None:
    """Replay scenario files; exits 1 if any expectation fails."""
    from frontdesk.cli import replay_run

    replay_run.run_replay(paths, keyword, verbose, traces, jobs, report, live, runs, model, base_url)


def schema(out: Annotated[Path | None, typer.Option("--out", help="Write here instead of printing")] = None) -> None:
    """The JSON Schema of scenario files (for editors' YAML validation)."""
    from frontdesk.cli import replay_run

    replay_run.run_schema(out)


def record(
    paths: Annotated[list[Path], typer.Argument(help="Scenario files or folders to (re-)record")],
    keyword: Annotated[
        str | None, typer.Option("-k", help="Only scenarios whose file name, name or tags contain this")
    ] = None,
    model: ModelOption = None,
    base_url: BaseUrlOption = None,
) -> None:
    """Run the scenarios' customer turns on a real model and write its outputs back as their scripts."""
    from frontdesk.cli import replay_run

    replay_run.run_record(paths, keyword, model, base_url)
