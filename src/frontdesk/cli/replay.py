"""``frontdesk demo`` and ``frontdesk replay``: scripted scenarios through the real graph."""

from __future__ import annotations

import time
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer

from frontdesk.cli.common import console, fail
from frontdesk.replay.environment import ReplayEnvironment
from frontdesk.replay.loader import ScenarioFileError, discover, load_scenario
from frontdesk.replay.render import print_conversation, print_failures, print_summary
from frontdesk.replay.results import ScenarioResult
from frontdesk.replay.runner import run_scenario
from frontdesk.settings import Settings
from frontdesk.tracing.setup import configure_tracing


def packaged_scenarios() -> Path:
    """The scenario suite shipped inside the package."""
    return Path(str(resources.files("frontdesk") / "scenarios"))


def _run_all(paths: list[Path], *, traces: Path | None, keyword: str | None, show: bool) -> list[ScenarioResult]:
    try:
        files = discover(paths)
        scenarios = [(path, load_scenario(path)) for path in files]
    except ScenarioFileError as exc:
        fail(str(exc))
    if keyword:
        scenarios = [(p, s) for p, s in scenarios if keyword.lower() in f"{p.stem} {s.name} {' '.join(s.tags)}".lower()]
    if not scenarios:
        fail(f"no scenarios found in {', '.join(map(str, paths))}" + (f" matching {keyword!r}" if keyword else ""))
    tracing = configure_tracing(duckdb_path=traces)
    results: list[ScenarioResult] = []
    try:
        with ReplayEnvironment(tracer=tracing.tracer, meter=tracing.meter) as env:
            for path, scenario in scenarios:
                result = run_scenario(scenario, path, env)
                results.append(result)
                if show:
                    print_conversation(console, result)
                else:
                    mark = "[green]✓[/]" if result.passed else "[bold red]✗[/]"
                    console.print(f"{mark} {result.name} [dim]({path}, {result.duration_s:.2f}s)[/]")
                    print_failures(console, result)
    finally:
        tracing.shutdown()
    return results


def demo(
    traces: Annotated[Path | None, typer.Option(help="DuckDB file for the run's traces [default: in the data dir]")] = None,
) -> None:
    """Run the shipped scenarios offline (scripted model, no API key) and show the conversations."""
    settings = Settings.from_env()
    traces_path = traces or settings.resolved_traces_path
    traces_path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    console.print("[bold]frontdesk demo[/] — the support graph replaying its shipped scenarios with a scripted model (offline).\n")
    results = _run_all([packaged_scenarios()], traces=traces_path, keyword=None, show=True)
    print_summary(console, results)
    console.print(f"[dim]Finished in {time.perf_counter() - started:.1f}s. Traces stored in {traces_path} — see them with `frontdesk traces list`.[/]")
    if not all(r.passed for r in results):
        raise typer.Exit(1)


def replay(
    paths: Annotated[list[Path], typer.Argument(help="Scenario files or folders")],
    keyword: Annotated[str | None, typer.Option("-k", help="Only scenarios whose file name, name or tags contain this")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Print every conversation")] = False,
    traces: Annotated[Path | None, typer.Option(help="Also store traces in this DuckDB file")] = None,
) -> None:
    """Replay scenario files; exits 1 if any expectation fails."""
    results = _run_all(paths, traces=traces, keyword=keyword, show=verbose)
    print_summary(console, results)
    if not all(r.passed for r in results):
        raise typer.Exit(1)
