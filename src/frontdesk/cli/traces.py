"""``frontdesk traces``: runs, span trees and latency statistics from the DuckDB span store."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from frontdesk.cli.common import console, fail, fitting_table
from frontdesk.config.settings import Settings
from frontdesk.inputs import printable

app = typer.Typer(help="Traces stored in DuckDB by every run.", no_args_is_help=True)

DbOption = Annotated[Path | None, typer.Option("--db", help="Span store [default: traces.duckdb in the data dir]")]
KEY_ATTRIBUTES = (
    "gen_ai.agent.name",
    "gen_ai.request.model",
    "gen_ai.tool.call.id",
    "frontdesk.tool.kind",
    "gen_ai.usage.input_tokens",
    "gen_ai.usage.output_tokens",
    "frontdesk.scenario",
    "frontdesk.turn",
)


def _path(db: Path | None) -> Path:
    return db or Settings.from_env().resolved_traces_path


WideOption = Annotated[bool, typer.Option("--wide", help="Every column, however wide the terminal")]


@app.command("list")
def list_runs(
    db: DbOption = None, limit: Annotated[int, typer.Option(help="How many runs")] = 20, wide: WideOption = False
) -> None:
    """The most recent runs (one run = one customer turn). Fits 80 columns; --wide adds the agents."""
    from frontdesk.tracing.queries import NoTraces
    from frontdesk.tracing.queries import list_runs as query

    try:
        runs = query(_path(db), limit)
    except NoTraces as exc:
        fail(str(exc), code=1)
    with_agents = wide or console.width >= 110
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("run", no_wrap=True)
    table.add_column("started", no_wrap=True)
    table.add_column("ms", justify="right", no_wrap=True)
    table.add_column("tools", justify="right", no_wrap=True)
    table.add_column("err", justify="right", no_wrap=True)
    table.add_column("tokens", justify="right", no_wrap=True)
    if with_agents:
        table.add_column("agents", overflow="fold")
    table.add_column("thread / scenario", overflow="fold", ratio=1)
    for run in runs:
        label = escape(printable(run.scenario or run.thread_id or ""))
        cells = [
            run.run_id[:8],
            run.started.strftime("%H:%M:%S"),
            f"{run.duration_ms:.0f}",
            str(run.tool_calls),
            str(run.errors),
        ]
        cells.append(str(run.input_tokens + run.output_tokens))
        if with_agents:
            cells.append(",".join(a.replace("customer_service", "cs") for a in run.agents))
        table.add_row(*cells, label)
    console.print(table)


@app.command("show")
def show(
    run_id: str,
    db: DbOption = None,
    attrs: Annotated[bool, typer.Option("--attrs", help="Show every attribute")] = False,
) -> None:
    """One run's span tree with durations (RUN_ID may be a prefix)."""
    from frontdesk.tracing.queries import NoTraces, run_tree

    try:
        roots = run_tree(_path(db), run_id)
    except NoTraces as exc:
        fail(str(exc), code=1)
    except KeyError as exc:
        fail(str(exc.args[0]))
    tree = Tree(f"run {run_id}")
    stack = [(tree, node) for node in roots]
    while stack:
        parent, node = stack.pop(0)
        colour = "red" if node.status == "ERROR" else "white"
        shown = node.attributes if attrs else {k: v for k, v in node.attributes.items() if k in KEY_ATTRIBUTES}
        details = "  ".join(f"{k.split('.')[-1] if not attrs else k}={v}" for k, v in shown.items())
        # span names and attributes carry model output (tool-call ids, captured content): text, never markup
        branch = parent.add(
            Text.assemble(
                (printable(node.name), colour), " ", (f"{node.duration_ms:.1f} ms", "dim"), " ", printable(details)
            )
        )
        for event in node.events:
            branch.add(
                Text.assemble(
                    (printable(f"• {event['name']}"), "yellow"), " ", (printable(str(event.get("attributes"))), "dim")
                )
            )
        stack[0:0] = [(branch, child) for child in node.children]
    console.print(tree)


def _since(text: str | None) -> timedelta | None:
    if not text:
        return None
    match = re.fullmatch(r"(\d+)([smhd])", text)
    if not match:
        fail(f"--since takes a number and a unit (s, m, h, d), e.g. 24h; got {text!r}")
    amount, unit = int(match.group(1)), match.group(2)
    return timedelta(**{{"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}[unit]: amount})


@app.command("stats")
def stats(
    db: DbOption = None, since: Annotated[str | None, typer.Option(help="Time window, e.g. 24h or 30m")] = None
) -> None:
    """Latency p50/p95/p99 per node, agent, tool and model; error, handoff and grader pass rates."""
    from frontdesk.tracing.queries import NoTraces
    from frontdesk.tracing.queries import stats as query

    try:
        result = query(_path(db), _since(since))
    except NoTraces as exc:
        fail(str(exc), code=1)
    table = fitting_table("kind", "span", "calls", "p50 ms", "p95 ms", "p99 ms", "errors")
    for kind, name, calls, p50, p95, p99, errors in result.rows:
        table.add_row(
            kind, Text(printable(name)), str(calls), f"{p50:.1f}", f"{p95:.1f}", f"{p99:.1f}", f"{errors:.0%}"
        )
    console.print(table)
    if result.gateway is not None and result.gateway.model_calls:
        gw = result.gateway
        console.print(
            f"model calls {gw.model_calls} · fallback rate {gw.fallback_rate:.0%} · cache hit rate "
            f"{gw.cache_hit_rate:.0%}"
            f" · escalations {gw.escalations} · no model answered {gw.unavailable}"
        )
        costs = fitting_table("model", "calls", "cost USD", title="cost by model")
        for model, calls, cost in gw.cost_by_model:
            costs.add_row(escape(printable(model)), str(calls), f"{cost:.4f}")
        console.print(costs)
    if result.guardrail_trips:
        trips = fitting_table("guardrail", "stage", "action", "trips", title="guardrail trips")
        for name, stage, action, count in result.guardrail_trips:
            trips.add_row(escape(printable(name)), stage, action, str(count))
        console.print(trips)
    grader = "—" if result.grader_pass_rate is None else f"{result.grader_pass_rate:.0%} of {result.verdicts} verdicts"
    console.print(
        f"{result.runs} runs in {result.conversations} conversations · per conversation: "
        f"{result.tokens_per_conversation:.0f} tokens, "
        f"${result.cost_per_conversation:.4f}"
        f" · handoff rate {result.handoff_rate:.0%} · grader pass rate {grader}"
    )


@app.command("compare")
def compare(
    a: Annotated[
        str,
        typer.Option(
            "--a",
            help="Population A: 'model=gpt-4o since=7d', 'tag.variant=a' (since, until, model, agent, scenario, "
            "tag.NAME)",
        ),
    ],
    b: Annotated[str, typer.Option("--b", help="Population B, same form")],
    db: DbOption = None,
    alpha: Annotated[
        float, typer.Option(min=0.0001, max=0.5, help="Significance level (after adjusting for the number of metrics)")
    ] = 0.05,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table")] = False,
) -> None:
    """Each metric for A and B, the difference, and whether it is real (Fisher's exact test for rates, Mann-Whitney for
    latencies)."""
    import json

    from frontdesk.operations.compare import compare as run_compare
    from frontdesk.operations.population import BadFilter, Population
    from frontdesk.tracing.queries import NoTraces

    try:
        import scipy  # noqa: F401  # the significance tests
    except ImportError:
        fail("traces compare needs its extra: pip install 'frontdesk[dashboard]'")

    try:
        first, second = Population.parse(a), Population.parse(b)
    except BadFilter as exc:
        fail(str(exc))
    try:
        result = run_compare(_path(db), first, second, alpha=alpha)
    except NoTraces as exc:
        fail(str(exc), code=1)
    if as_json:
        payload = {
            "a": first.describe(),
            "b": second.describe(),
            "turns_a": result.turns_a,
            "turns_b": result.turns_b,
            "alpha": alpha,
        }
        console.print_json(json.dumps({**payload, "metrics": [d.as_dict() for d in result.differences]}))
        return
    console.print(
        f"A: {escape(first.describe())} ({result.turns_a} turns)   B: {escape(second.describe())} ({result.turns_b} "
        "turns)",
        highlight=False,
    )
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for name, justify in (
        ("metric", "left"),
        ("A", "right"),
        ("B", "right"),
        ("B - A", "right"),
        ("p (adj.)", "right"),
        ("verdict", "left"),
    ):
        table.add_column(name, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for d in result.differences:
        shown = _share if d.kind == "rate" else _plain
        verdict = {"real": "[bold]real[/]", "could be chance": "could be chance", "too few": "[dim]too few[/]"}[
            d.verdict
        ]
        p = "–" if d.adjusted_p is None else f"{d.adjusted_p:.3g}"
        diff = (
            "–"
            if d.difference is None
            else (f"{d.difference * 100:+.1f} pt" if d.kind == "rate" else f"{d.difference:+.3g}")
        )
        table.add_row(d.metric, shown(d.a), shown(d.b), diff, p, verdict)
    console.print(table)
    console.print(
        f"[dim]real: adjusted p < {alpha:g} (Benjamini-Hochberg over the tested metrics); too few: under 10 "
        "observations on a side[/]"
    )


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def _plain(value: float | None) -> str:
    return "–" if value is None else f"{value:.3g}"
