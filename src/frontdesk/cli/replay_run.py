"""``frontdesk demo`` and ``frontdesk replay``: scripted scenarios through the real graph."""

from __future__ import annotations

import json
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.text import Text

from frontdesk.cli.common import console, fail, fail_each, fitting_table
from frontdesk.config.settings import Settings
from frontdesk.inputs import printable
from frontdesk.replay.environment import ReplayEnvironment
from frontdesk.replay.loader import ScenarioFileError, discover, load_all, load_scenario
from frontdesk.replay.render import print_conversation, print_failures, print_summary
from frontdesk.replay.reports import progress, write_report
from frontdesk.replay.results import ScenarioResult
from frontdesk.replay.runner import run_scenario
from frontdesk.replay.schema import Scenario
from frontdesk.tracing.setup import configure_tracing


def packaged_scenarios() -> Path:
    """The scenario suite shipped inside the package."""
    return Path(str(resources.files("frontdesk") / "scenarios"))


def _load(paths: list[Path], keyword: str | None) -> list[tuple[Path, Scenario]]:
    try:
        scenarios = load_all(paths)
    except ScenarioFileError as exc:
        fail_each(exc.problems)
    if keyword:
        scenarios = [(p, s) for p, s in scenarios if keyword.lower() in f"{p.stem} {s.name} {' '.join(s.tags)}".lower()]
    if not scenarios:
        fail(f"no scenarios found in {', '.join(map(str, paths))}" + (f" matching {keyword!r}" if keyword else ""))
    return scenarios


def _report(result: ScenarioResult, path: Path, show: bool, *, silent: bool = False) -> None:
    """The conversation (``show``), nothing (``silent``: the summary table has its row), or one line."""
    if show:
        print_conversation(console, result)
    elif silent and result.passed:
        return
    else:
        mark = "[green]✓[/]" if result.passed else "[bold red]✗[/]"
        console.print(f"{mark} {result.name} [dim]({path}, {result.duration_s:.2f}s)[/]")
        print_failures(console, result)


def scenario_domain(scenario: Scenario) -> str:
    return str(scenario.settings.get("domain") or "retail")


def _shown(scenario: Scenario, show: bool, tour: bool) -> bool:
    """Whether a scenario's whole conversation is printed: all with ``show``, or only the tour's."""
    return show and (not tour or "tour" in scenario.tags)


def _run_all(
    paths: list[Path],
    *,
    traces: Path | None,
    keyword: str | None,
    show: bool,
    jobs: int = 1,
    domain: str | None = None,
    tour: bool = False,
) -> list[ScenarioResult]:
    scenarios = [(p, s) for p, s in _load(paths, keyword) if domain is None or scenario_domain(s) == domain]
    if jobs > 1:
        return _run_parallel(scenarios, traces=traces, show=show, jobs=jobs, tour=tour)
    tracing = configure_tracing(duckdb_path=traces)
    results: list[ScenarioResult] = []
    try:
        with (
            ReplayEnvironment(tracer=tracing.tracer, meter=tracing.meter) as env,
            progress(len(scenarios), quiet=show and not tour) as advance,
        ):
            for path, scenario in scenarios:
                result = run_scenario(scenario, path, env)
                results.append(result)
                advance(result, partial(_report, result, path, _shown(scenario, show, tour), silent=tour))
    finally:
        tracing.shutdown()
    return results


def _run_parallel(
    scenarios: list[tuple[Path, Scenario]], *, traces: Path | None, show: bool, jobs: int, tour: bool = False
) -> list[ScenarioResult]:
    """Replay in ``jobs`` processes; each has its own environment (and trace file, if tracing)."""

    from frontdesk.replay.parallel import init_worker, replay_one

    results: dict[int, ScenarioResult] = {}
    with (
        ProcessPoolExecutor(
            max_workers=jobs, initializer=init_worker, initargs=(str(traces) if traces else None,)
        ) as pool,
        progress(len(scenarios), quiet=show) as advance,
    ):
        futures = {pool.submit(replay_one, str(path)): index for index, (path, _s) in enumerate(scenarios)}
        for future in as_completed(futures):
            index = futures[future]
            result = future.result()
            results[index] = result
            shown = _shown(scenarios[index][1], show, tour)
            advance(result, partial(_report, result, scenarios[index][0], shown, silent=tour))
    return [results[i] for i in range(len(scenarios))]


def run_demo(traces: Path | None, domain: str | None, every: bool = False) -> None:
    """Run the shipped scenarios of a domain offline (scripted model, no API key) and show the conversations."""
    from frontdesk.domains import UnknownDomain, get_domain

    settings = Settings.from_env(domain=domain)
    try:
        get_domain(settings.domain)
    except UnknownDomain as exc:
        fail(str(exc))
    traces_path = traces or settings.resolved_traces_path
    traces_path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    console.print(
        "[bold]frontdesk demo[/] — the support graph replaying its shipped scenarios with a scripted model (offline).\n"
    )
    results = _run_all(
        [packaged_scenarios()], traces=traces_path, keyword=None, show=True, domain=settings.domain, tour=not every
    )
    print_summary(console, results)
    console.print(f"[dim]Finished in {time.perf_counter() - started:.1f}s; traces stored in {traces_path}.[/]")
    more = "" if every else " · `frontdesk demo --all` prints every conversation"
    console.print(f"Next: `frontdesk traces list` · `frontdesk dashboard`{more}", markup=False, highlight=False)
    if not all(r.passed for r in results):
        raise typer.Exit(1)


ModelOption = Annotated[str | None, typer.Option("--model", help="Model name (FRONTDESK_MODEL)")]
BaseUrlOption = Annotated[str | None, typer.Option("--base-url", help="OpenAI-compatible endpoint (OPENAI_BASE_URL)")]


def _real_models(model: str | None, base_url: str | None) -> tuple[Any, dict[str, Any]]:
    """The real model, and the settings scenarios run with on it (intent routing, how drafts are graded, the local
    model's longer deadlines)."""
    from frontdesk.llm.factory import NOT_CONFIGURED_HELP, SingleModel, openai_compatible_model

    settings = Settings.from_env(model=model, base_url=base_url)
    if not settings.model_configured:
        fail(NOT_CONFIGURED_HELP)
    carried = {
        "intent_routing": settings.routes_intents,
        "direct_steps": settings.calls_steps_directly,
        "grade_with": settings.grading_mode,
        "identity_from_customer": settings.checks_identity,
        "gateway": settings.gateway,
    }
    return SingleModel(openai_compatible_model(settings)), carried


def run_replay(
    paths: list[Path],
    keyword: str | None,
    verbose: bool,
    traces: Path | None,
    jobs: int,
    report: list[Path] | None,
    live: bool,
    runs: int,
    model: str | None,
    base_url: str | None,
) -> None:
    """Replay scenario files; exits 1 if any expectation fails."""
    for target in report or []:
        if target.suffix not in {".xml", ".json"}:
            fail(f"--report {target}: use a .xml (JUnit) or .json file")
    if live:
        _live(paths, keyword, runs, *_real_models(model, base_url), report or [], show=verbose)
        return
    results = _run_all(paths, traces=traces, keyword=keyword, show=verbose, jobs=jobs)
    print_summary(console, results)
    for target in report or []:
        write_report(results, target)
        console.print(f"[dim]report written to {target}[/]")
    if not all(r.passed for r in results):
        raise typer.Exit(1)


def run_schema(out: Path | None) -> None:
    """The JSON Schema of scenario files (for editors' YAML validation)."""

    text = json.dumps(Scenario.model_json_schema(), indent=2) + "\n"
    if out is None:
        print(text, end="")
    else:
        out.write_text(text)
        console.print(f"Scenario schema written to {out}")


def _live(
    paths: list[Path],
    keyword: str | None,
    runs: int,
    models: Any,
    settings: dict[str, Any],
    reports: list[Path],
    *,
    show: bool = False,
) -> None:
    """Each failing run shows its first failure and, when it ended with a person, where and why;
    with ``show`` (``-v``), every run's conversation as the model held it."""
    from frontdesk.replay.live import live, pass_hat_k

    scenarios = _load(paths, keyword)
    with ReplayEnvironment(settings=settings) as env:
        report = live(scenarios, env, models, runs)
    table = fitting_table("scenario", "passed", *[f"pass^{k}" for k in range(1, runs + 1)])
    for path, results in report.results.items():
        passes = report.passes(path)
        table.add_row(
            Path(path).stem, f"{passes}/{runs}", *[f"{pass_hat_k(passes, runs, k):.2f}" for k in range(1, runs + 1)]
        )
        for result in results:
            if show:
                print_conversation(console, result)
                continue
            shown = result.failures[:1] + [f for f in result.failures[1:] if f.expectation == "why"]
            for failure in shown:
                console.print(Text(printable(f"  {failure}"), style="dim"), soft_wrap=True)
    console.print(table)
    console.print("overall " + "  ".join(f"pass^{k} = {report.pass_hat(k):.3f}" for k in range(1, runs + 1)))
    every_run = [result for results in report.results.values() for result in results]
    for target in reports:
        write_report(every_run, target)
        console.print(f"[dim]report written to {target}[/]")


def run_record(paths: list[Path], keyword: str | None, model: str | None, base_url: str | None) -> None:
    """Run the scenarios' customer turns on a real model and write its outputs back as their scripts."""
    from frontdesk.replay.live import record as record_one

    models, settings = _real_models(model, base_url)
    scenarios = []
    for path in discover(paths):
        try:
            scenarios.append((path, load_scenario(path, check_script=False)))
        except ScenarioFileError as exc:
            fail(str(exc))
    with ReplayEnvironment(settings=settings) as env:
        for path, scenario in scenarios:
            result, diff = record_one(path, scenario, env, models)
            status = (
                "[green]expectations hold[/]"
                if result.passed
                else f"[yellow]{len(result.failures)} expectation(s) fail[/]"
            )
            console.print(f"recorded {path} — {status}")
            for failure in result.failures:
                console.print(Text(printable(f"  {failure}")), soft_wrap=True)
            console.print(diff if diff else "  (script unchanged)", markup=False, highlight=False, soft_wrap=True)
