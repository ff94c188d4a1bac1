"""Writing a live tau2 run as JSON (everything, transcripts included) and a Markdown table."""

from __future__ import annotations

import json
from pathlib import Path

from frontdesk.tau2.live import Tau2Report


def to_markdown(report: Tau2Report) -> str:
    """The run's summary and one row per task (passes, trials, tool calls, tokens, time)."""
    summary = report.summary()
    ks = " · ".join(f"pass^{k} **{value:.3f}**" for k, value in summary["pass_hat_k"].items())
    lines = [
        f"# tau2 {summary['domain']}, live: {summary['agent_model']} (customer: {summary['user_model']})",
        "",
        f"{summary['tasks']} task(s) × {summary['trials_per_task']} trial(s) · {ks} · "
        f"{summary['tool_calls']} tool calls · {summary['input_tokens'] + summary['output_tokens']:,} agent tokens · "
        f"{summary['seconds']:.1f} s",
        "",
        "| task | passed | DB equal | info said | ended by | turns | tool calls | agent tokens | seconds |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for task_id, trials in report.by_task().items():
        n = len(trials)
        ended = ", ".join(sorted({t.ended_by for t in trials}))
        lines.append(
            f"| {task_id} | {sum(t.passed for t in trials)}/{n} | {sum(t.db_match for t in trials)}/{n} | "
            f"{sum(t.communicated for t in trials)}/{n} | {ended} "
            f"| {sum(t.turns for t in trials) / n:.1f} | {sum(t.tool_calls for t in trials) / n:.1f} "
            f"| {sum(t.input_tokens + t.output_tokens for t in trials) / n:,.0f} | "
            f"{sum(t.seconds for t in trials) / n:.1f} |"
        )
    errors = [t for t in report.trials if t.error]
    if errors:
        lines += ["", "Errors:", *[f"- task {t.task_id} trial {t.trial}: {t.error}" for t in errors]]
    return "\n".join(lines) + "\n"


def write_report(report: Tau2Report, out_dir: Path) -> tuple[Path, Path]:
    """``results.json`` and ``results.md`` in ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out_dir / "results.json", out_dir / "results.md"
    json_path.write_text(
        json.dumps({"summary": report.summary(), "trials": [t.model_dump() for t in report.trials]}, indent=2),
        encoding="utf-8",
    )
    md_path.write_text(to_markdown(report), encoding="utf-8")
    return json_path, md_path
