"""The benchmark's outputs: ``results.json``, ``results.md``, rich tables and an optional chart.

Why ratios next to every absolute number: milliseconds and megabytes depend on the
machine, the ratio to bare LangGraph measured in the same run mostly does not — it is the
number to compare across machines and releases (the repo's other benches do the same).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from frontdesk.benchmarks import BASELINE
from frontdesk.benchmarks.concurrency import ConcurrencyResult
from frontdesk.benchmarks.measure import FrameworkResult, LatencyResult


@dataclass
class BenchResults:
    """One ``frontdesk bench`` run."""

    frameworks: list[FrameworkResult]
    concurrency: list[ConcurrencyResult] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    machine: dict[str, Any] = field(default_factory=dict)
    baseline: str = BASELINE

    def base(self) -> FrameworkResult | None:
        return next((f for f in self.frameworks if f.name == self.baseline and f.status == "ok"), None)

    def base_latency(self, latency_ms: float) -> LatencyResult | None:
        base = self.base()
        return next((lat for lat in base.latencies if lat.latency_ms == latency_ms), None) if base else None


def ratio(value: float | None, base: float | None) -> float | None:
    """``value / base``, or ``None`` when either is missing (or the base is zero)."""
    if value is None or not base:
        return None
    return value / base


def to_json(results: BenchResults) -> dict[str, Any]:
    """The JSON document: every measured number, plus its ratio to the baseline."""
    base = results.base()
    frameworks = []
    for row in results.frameworks:
        entry = asdict(row)
        entry["import_ratio"] = ratio(row.import_s, base.import_s if base else None)
        entry["peak_rss_ratio"] = ratio(row.peak_rss_mb, base.peak_rss_mb if base else None)
        entry["tasks_ok"] = tasks_ok(row)
        for lat, doc in zip(row.latencies, entry["latencies"], strict=True):
            ref = results.base_latency(lat.latency_ms)
            doc["success"] = lat.success
            doc["overhead_median_ratio"] = ratio(lat.overhead_median_ms, ref.overhead_median_ms if ref else None)
            doc["overhead_p95_ratio"] = ratio(lat.overhead_p95_ms, ref.overhead_p95_ms if ref else None)
        frameworks.append(entry)
    concurrency = [{**asdict(c), "efficiency": c.efficiency} for c in results.concurrency]
    return {
        "baseline": results.baseline,
        "machine": results.machine,
        "settings": results.settings,
        "frameworks": frameworks,
        "concurrency": concurrency,
    }


def tasks_ok(row: FrameworkResult) -> str:
    """``"4/4"``: tasks that succeeded in every run at every latency, of the tasks run."""
    names = {task for lat in row.latencies for task in lat.tasks}
    ok = {task for task in names if all(lat.tasks.get(task, True) for lat in row.latencies)}
    return f"{len(ok)}/{len(names)}"


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _x(value: float | None) -> str:
    return "" if value is None else f" (×{value:.2f})"


def framework_rows(results: BenchResults) -> tuple[list[str], list[list[str]]]:
    """Header and cells of the per-framework table (shared by Markdown and rich)."""
    latencies = sorted({lat.latency_ms for row in results.frameworks for lat in row.latencies})
    header = ["framework", "tasks ok"]
    for latency in latencies:
        header += [f"overhead/turn median ms @{latency:g} ms model", f"overhead/turn p95 ms @{latency:g} ms model"]
    header += ["import s", "peak RSS MiB"]
    base = results.base()
    rows = []
    for row in results.frameworks:
        if row.status != "ok":
            rows.append([row.label, f"{row.status}: {row.note}"] + [""] * (len(header) - 2))
            continue
        cells = [row.label, tasks_ok(row)]
        for latency in latencies:
            lat = next((item for item in row.latencies if item.latency_ms == latency), None)
            ref = results.base_latency(latency)
            if lat is None:
                cells += ["—", "—"]
                continue
            cells.append(
                _ms(lat.overhead_median_ms) + _x(ratio(lat.overhead_median_ms, ref.overhead_median_ms if ref else None))
            )
            cells.append(
                _ms(lat.overhead_p95_ms) + _x(ratio(lat.overhead_p95_ms, ref.overhead_p95_ms if ref else None))
            )
        cells.append(
            ("—" if row.import_s is None else f"{row.import_s:.2f}")
            + _x(ratio(row.import_s, base.import_s if base else None))
        )
        cells.append(
            ("—" if row.peak_rss_mb is None else f"{row.peak_rss_mb:.0f}")
            + _x(ratio(row.peak_rss_mb, base.peak_rss_mb if base else None))
        )
        rows.append(cells)
    return header, rows


def concurrency_rows(results: BenchResults) -> tuple[list[str], list[list[str]]]:
    """Header and cells of the concurrency table."""
    header = [
        "conversations",
        "model latency ms",
        "threads",
        "gc thresholds",
        "finished/ok",
        "wall s",
        "turns/s",
        "ideal turns/s",
        "efficiency",
        "p50 ms",
        "p95 ms",
    ]
    rows = [
        [
            str(c.conversations),
            f"{c.latency_ms:g}",
            str(c.threads),
            ",".join(map(str, c.gc_thresholds)) if c.gc_thresholds else "Python's",
            f"{c.finished}/{c.succeeded}",
            f"{c.wall_s:.2f}",
            f"{c.throughput:.1f}",
            f"{c.ideal_throughput:.1f}",
            f"{c.efficiency:.0%}",
            f"{c.p50_ms:.0f}",
            f"{c.p95_ms:.0f}",
        ]
        for c in results.concurrency
    ]
    return header, rows


def _markdown_table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for cells in rows:
        if len(cells) > 1 and all(not c for c in cells[2:]):  # "not installed": one line, one cell
            lines.append(f"| {cells[0]} | {cells[1]} |")
        else:
            lines.append("| " + " | ".join(cells) + " |")
    return lines


def to_markdown(results: BenchResults) -> str:
    """``results.md``: both tables and what the columns mean."""
    machine = results.machine
    lines = [
        "# frontdesk bench: the same four scenarios on four frameworks",
        "",
        f"Python {machine.get('python', '?')}, {machine.get('cpus', '?')} CPUs, {machine.get('platform', '?')}. "
        f"Settings: `{json.dumps(results.settings)}`.",
        "",
        "Overhead per turn = turn wall time minus simulated model time; it includes the tools' own time (the same "
        "frontdesk tools in every framework).",
        "(×n) = ratio to bare LangGraph in the same run. frontdesk runs its full graph: turn routing, grader (one more "
        "model call per reply),"
        " approval gate, human-handoff tickets, SQLite checkpointer with durability=sync; the others run one agent "
        "with an in-memory or no saver.",
        "Import time = cold import of the framework's packages in a fresh interpreter. Peak RSS = that process's "
        "high-water mark after running"
        " the four tasks once; every such process also loads the shared harness (frontdesk tools, scripted model, "
        "knowledge base),"
        " so the differences between rows are what each framework adds.",
        "",
        *_markdown_table(*framework_rows(results)),
    ]
    if results.concurrency:
        lines += [
            "",
            "## Concurrent conversations (frontdesk, `ainvoke`, SQLite saver, durability=sync)",
            "",
            "Ideal = N / one turn's model time (every conversation waiting on the model at once, zero overhead). "
            "GC thresholds: the garbage collector's during the run, `frontdesk serve`'s default "
            "(`FRONTDESK_GC_THRESHOLDS`).",
            "",
            *_markdown_table(*concurrency_rows(results)),
        ]
    return "\n".join(lines) + "\n"


def print_tables(console: Console, results: BenchResults) -> None:
    """The two tables, as rich tables on ``console``."""
    for title, (header, rows) in (
        (
            "Frameworks: overhead per turn, import time, peak RSS (×n = ratio to bare LangGraph)",
            framework_rows(results),
        ),
        ("frontdesk: N concurrent conversations (ainvoke, SQLite saver)", concurrency_rows(results)),
    ):
        if not rows:
            continue
        table = Table(title=title, title_justify="left")
        for index, column in enumerate(header):
            table.add_column(column, justify="left" if index < 2 else "right", overflow="fold")
        for cells in rows:
            table.add_row(*cells)
        console.print(table)


def write_chart(results: BenchResults, path: Path) -> Path | None:
    """A bar chart of median overhead per turn, when matplotlib is installed (else ``None``)."""
    try:
        import matplotlib  # noqa: PLC0415 — optional (extra bench)

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt  # noqa: PLC0415 — optional (extra bench)
    except ImportError:
        return None
    rows = [row for row in results.frameworks if row.status == "ok"]
    latencies = sorted({lat.latency_ms for row in rows for lat in row.latencies})
    figure, axes = plt.subplots(figsize=(8, 4.5))
    width = 0.8 / max(len(latencies), 1)
    for index, latency in enumerate(latencies):
        values = [
            next((lat.overhead_median_ms for lat in row.latencies if lat.latency_ms == latency), 0.0) for row in rows
        ]
        axes.bar([x + index * width for x in range(len(rows))], values, width, label=f"model latency {latency:g} ms")
    axes.set_xticks([x + width * (len(latencies) - 1) / 2 for x in range(len(rows))], [row.label for row in rows])
    axes.set_ylabel("framework overhead per turn, median (ms)")
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return path


def write_results(results: BenchResults, out: Path) -> list[Path]:
    """Write ``results.json``, ``results.md`` (and ``overhead.png`` if possible) into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "results.json", out / "results.md"]
    written[0].write_text(json.dumps(to_json(results), indent=2) + "\n", encoding="utf-8")
    written[1].write_text(to_markdown(results), encoding="utf-8")
    chart = write_chart(results, out / "overhead.png")
    return written + ([chart] if chart else [])
