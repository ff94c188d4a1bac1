"""``frontdesk bench``: the same four scenarios on frontdesk, bare LangGraph, AutoGen and CrewAI.

Why a CLI command and not only a script under bench/: the numbers are part of the
answer to "what does frontdesk cost over bare LangGraph", and anyone with the package
(and the extras) should be able to reproduce them on their own machine in one command.
Heavy imports happen inside the command, so ``frontdesk --help`` stays fast.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path
from typing import Annotated

import typer

from frontdesk.cli.common import console, err_console, fail

DEFAULT_FRAMEWORKS = "frontdesk,langgraph,autogen,crewai"


def _numbers(text: str, option: str) -> list[float]:
    try:
        return [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        fail(f"{option} takes comma-separated numbers, got {text!r}")


def _threads(text: str) -> int | None:
    """``auto`` → one thread per conversation, ``default`` → asyncio's own pool size, or a number."""
    if text == "auto":
        return None
    if text == "default":
        return 0
    if text.isdigit() and int(text) > 0:
        return int(text)
    fail(f"--threads takes auto, default or a positive number, got {text!r}")


def bench(
    frameworks: Annotated[
        str, typer.Option(help="Comma-separated frameworks: frontdesk, langgraph, autogen, crewai")
    ] = DEFAULT_FRAMEWORKS,
    repeat: Annotated[int, typer.Option(min=1, help="Runs of each scenario per framework and latency")] = 10,
    latency_ms: Annotated[str, typer.Option(help="Simulated model latencies per call (ms), comma-separated")] = "0,50",
    concurrency: Annotated[
        str, typer.Option(help="Concurrent conversation counts for the frontdesk async run; empty or 0 to skip")
    ] = "100,1000",
    concurrency_latency_ms: Annotated[
        float, typer.Option(help="Simulated model latency per call in the concurrency run (ms)")
    ] = 500.0,
    threads: Annotated[
        str,
        typer.Option(
            help="Thread pool for nodes without a coroutine form (tools, handoff) under ainvoke: default (asyncio's), "
            "auto (one each) or N"
        ),
    ] = "default",
    probe: Annotated[
        bool, typer.Option(help="Measure import time and peak RSS in a fresh process per framework")
    ] = True,
    out: Annotated[
        Path, typer.Option(help="Folder for results.json, results.md (and overhead.png with matplotlib)")
    ] = Path("bench/results"),
) -> None:
    """Benchmark frontdesk against bare LangGraph, AutoGen and CrewAI on the same scripted scenarios."""
    from frontdesk.benchmarks import FRAMEWORKS
    from frontdesk.benchmarks.concurrency import run_concurrency
    from frontdesk.benchmarks.measure import add_probes, machine_info, run_frameworks
    from frontdesk.benchmarks.report import BenchResults, print_tables, write_results

    names = [name.strip() for name in frameworks.split(",") if name.strip()]
    unknown = [name for name in names if name not in FRAMEWORKS]
    if unknown or not names:
        fail(f"unknown framework(s) {', '.join(unknown) or '(none given)'}; choose from {', '.join(FRAMEWORKS)}")
    latencies = _numbers(latency_ms, "--latency-ms")
    counts = [int(n) for n in _numbers(concurrency, "--concurrency") if n > 0]
    pool = _threads(threads)
    started = time.perf_counter()

    def note(message: str) -> None:
        err_console.print(f"[dim]{time.perf_counter() - started:6.1f}s  {message}[/]")

    rows = run_frameworks(names, latencies, repeat, on_progress=note)
    if probe:
        add_probes(rows, on_progress=note)
    results = BenchResults(
        frameworks=rows,
        settings={
            "frameworks": names,
            "repeat": repeat,
            "latency_ms": latencies,
            "concurrency": counts,
            "concurrency_latency_ms": concurrency_latency_ms,
            "threads": threads,
        },
        machine=machine_info(),
    )
    for count in counts:
        note(f"{count} concurrent conversations, {concurrency_latency_ms:g} ms per model call")
        with tempfile.TemporaryDirectory(prefix="frontdesk-bench-") as tmp:
            results.concurrency.append(
                asyncio.run(run_concurrency(count, concurrency_latency_ms, Path(tmp), threads=pool))
            )
    print_tables(console, results)
    for row in rows:
        for lat in row.latencies:
            for problem in lat.problems:
                err_console.print(f"[bold red]✗[/] {row.label} @{lat.latency_ms:g} ms: {problem}", soft_wrap=True)
    written = write_results(results, out)
    if not any(path.suffix == ".png" for path in written):
        note("no chart: matplotlib is not installed")
    console.print(f"wrote {', '.join(str(p) for p in written)} in {time.perf_counter() - started:.0f}s")
