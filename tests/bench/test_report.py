"""results.json, results.md and the CLI command that writes them."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from frontdesk.benchmarks.concurrency import ConcurrencyResult
from frontdesk.benchmarks.measure import FrameworkResult, LatencyResult
from frontdesk.benchmarks.report import BenchResults, to_markdown, write_results


def sample() -> BenchResults:
    def latency(ms: float, median: float, p95: float) -> LatencyResult:
        return LatencyResult(
            latency_ms=ms,
            runs=4,
            successes=4,
            tasks={"lookup": True, "cancel": True},
            turns=5,
            overhead_median_ms=median,
            overhead_p95_ms=p95,
        )

    return BenchResults(
        frameworks=[
            FrameworkResult(
                "frontdesk", "frontdesk", latencies=[latency(0, 10.0, 30.0)], import_s=1.5, peak_rss_mb=300.0
            ),
            FrameworkResult(
                "langgraph", "bare LangGraph", latencies=[latency(0, 2.0, 5.0)], import_s=0.5, peak_rss_mb=200.0
            ),
            FrameworkResult(
                "crewai", "CrewAI", status="not installed", note="crewai missing: pip install 'frontdesk[crewai]'"
            ),
        ],
        concurrency=[
            ConcurrencyResult(
                conversations=100,
                latency_ms=500,
                threads=100,
                gc_thresholds=(50000, 20, 50),
                finished=100,
                succeeded=100,
                wall_s=4.0,
                throughput=25.0,
                ideal_throughput=50.0,
            )
        ],
        settings={"repeat": 1},
        machine={"python": "3.11", "cpus": 2, "platform": "linux"},
    )


def test_json_has_numbers_and_ratios_to_bare_langgraph(tmp_path: Path) -> None:
    written = write_results(sample(), tmp_path)
    assert [p.name for p in written][:2] == ["results.json", "results.md"]
    doc = json.loads((tmp_path / "results.json").read_text())
    frontdesk, langgraph, crewai = doc["frameworks"]
    assert doc["baseline"] == "langgraph" and doc["machine"]["cpus"] == 2
    assert (
        frontdesk["latencies"][0]["overhead_median_ratio"] == 5.0
        and frontdesk["latencies"][0]["overhead_p95_ratio"] == 6.0
    )
    assert frontdesk["import_ratio"] == 3.0 and frontdesk["peak_rss_ratio"] == 1.5 and frontdesk["tasks_ok"] == "2/2"
    assert langgraph["latencies"][0]["overhead_median_ratio"] == 1.0
    assert crewai["status"] == "not installed" and crewai["latencies"] == []
    assert doc["concurrency"][0]["efficiency"] == 0.5


def test_markdown_table_rows() -> None:
    lines = to_markdown(sample()).splitlines()
    header = next(line for line in lines if line.startswith("| framework"))
    assert "overhead/turn median ms @0 ms model" in header and "peak RSS MiB" in header
    assert "| frontdesk | 2/2 | 10.00 (×5.00) | 30.00 (×6.00) | 1.50 (×3.00) | 300 (×1.50) |" in lines
    assert "| bare LangGraph | 2/2 | 2.00 (×1.00) | 5.00 (×1.00) | 0.50 (×1.00) | 200 (×1.00) |" in lines
    assert "| CrewAI | not installed: crewai missing: pip install 'frontdesk[crewai]' |" in lines
    assert "| 100 | 500 | 100 | 50000,20,50 | 100/100 | 4.00 | 25.0 | 50.0 | 50% | 0 | 0 |" in lines


def test_cli_runs_one_framework_and_writes_the_files(tmp_path: Path) -> None:
    from frontdesk.cli.app import app

    args = [
        "bench",
        "--frameworks",
        "langgraph",
        "--repeat",
        "1",
        "--latency-ms",
        "0",
        "--concurrency",
        "0",
        "--no-probe",
        "--out",
        str(tmp_path),
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "bare LangGraph" in result.output and "4/4" in result.output
    doc = json.loads((tmp_path / "results.json").read_text())
    assert doc["frameworks"][0]["tasks_ok"] == "4/4"
    assert (tmp_path / "results.md").exists()


def test_cli_rejects_an_unknown_framework(tmp_path: Path) -> None:
    from frontdesk.cli.app import app

    result = CliRunner().invoke(app, ["bench", "--frameworks", "langchain", "--out", str(tmp_path)])
    assert result.exit_code == 2
