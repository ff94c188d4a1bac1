"""Traces: GenAI spans from a real replay, the DuckDB span store, queries, OTLP export, the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExportResult
from typer.testing import CliRunner

from frontdesk.cli.app import app
from frontdesk.replay.environment import ReplayEnvironment
from frontdesk.replay.loader import load_scenario
from frontdesk.replay.runner import run_scenario
from frontdesk.tracing.duckdb_exporter import DuckDBSpanExporter
from frontdesk.tracing.queries import list_runs, run_tree, stats
from frontdesk.tracing.setup import configure_tracing

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def spans_of(path: Path) -> list[dict]:
    with duckdb.connect(str(path), read_only=True) as db:
        rows = db.execute(
            "SELECT trace_id, span_id, parent_span_id, name, status_code, attributes, events FROM spans"
        ).fetchall()
    return [
        {
            "trace": r[0],
            "id": r[1],
            "parent": r[2],
            "name": r[3],
            "status": r[4],
            "attrs": json.loads(r[5]),
            "events": json.loads(r[6]),
        }
        for r in rows
    ]


@pytest.fixture(scope="module")
def traced_replay(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """Replay three scenarios (tool calls, a grader loop, a handoff) with DuckDB tracing."""
    path = tmp_path_factory.mktemp("traces") / "traces.duckdb"
    tracing = configure_tracing(duckdb_path=path)
    threads = {}
    with ReplayEnvironment(tracer=tracing.tracer) as env:
        for name in ("cancel-pending-order.yaml", "grader-revision.yaml", "grader-escalation.yaml"):
            result = run_scenario(load_scenario(SCENARIOS / name), SCENARIOS / name, env)
            assert result.passed, result.failures
            threads[name] = result.thread_id
    tracing.shutdown()
    return path, threads


def test_spans_follow_genai_names_and_nest_properly(traced_replay) -> None:
    path, threads = traced_replay
    spans = spans_of(path)
    by_id = {s["id"]: s for s in spans}
    names = {s["name"] for s in spans}
    assert {
        "frontdesk.turn",
        "node customer_service",
        "node tools",
        "node human_handoff",
        "invoke_agent customer_service",
        "invoke_agent grader",
        "chat scripted",
        "execute_tool find_user_id_by_email",
        "execute_tool cancel_pending_order",
    } <= names
    for span in spans:
        parent = by_id.get(span["parent"])
        if span["name"].startswith("chat "):
            assert parent["name"].startswith("invoke_agent ")
        if span["name"].startswith("invoke_agent "):
            assert parent["name"] in {
                "node customer_service",
                "node researcher",
                "node summarize",
            }  # a draft is graded in its agent's step
        if span["name"].startswith("execute_tool "):
            assert parent["name"] == "node tools"
        if span["name"].startswith("node "):
            assert parent["name"] == "frontdesk.turn"
        if span["name"] == "frontdesk.turn":
            assert span["parent"] is None
    cancel = next(s for s in spans if s["name"] == "execute_tool cancel_pending_order")
    assert cancel["attrs"]["gen_ai.tool.name"] == "cancel_pending_order"
    assert cancel["attrs"]["frontdesk.tool.kind"] == "WRITE"
    assert cancel["attrs"]["gen_ai.tool.call.id"]
    assert cancel["attrs"]["gen_ai.conversation.id"] == threads["cancel-pending-order.yaml"]
    chat = next(s for s in spans if s["name"] == "chat scripted")
    assert chat["attrs"]["gen_ai.operation.name"] == "chat" and chat["attrs"]["gen_ai.usage.input_tokens"] > 0


def test_grader_verdicts_handoffs_and_errors_are_recorded(traced_replay) -> None:
    path, threads = traced_replay
    spans = spans_of(path)
    escalation = [s for s in spans if s["attrs"].get("gen_ai.conversation.id") == threads["grader-escalation.yaml"]]
    verdicts = [
        e["attributes"]["frontdesk.grader.verdict"]
        for s in escalation
        for e in s["events"]
        if e["name"] == "frontdesk.grader.verdict"
    ]
    assert verdicts == ["fail", "fail"]
    handoff_nodes = [s for s in escalation if s["name"] == "node human_handoff"]
    assert handoff_nodes and all(s["status"] != "ERROR" for s in handoff_nodes)
    assert any(e["name"] == "frontdesk.interrupt" for s in handoff_nodes for e in s["events"])


def test_queries_summarise_runs(traced_replay) -> None:
    path, threads = traced_replay
    runs = list_runs(path, limit=50)
    assert len(runs) == 4
    cancel_turn_two = [r for r in runs if r.thread_id == threads["cancel-pending-order.yaml"]]
    assert len(cancel_turn_two) == 2
    assert all(r.scenario == "Cancel a pending order after confirmation and approval" for r in cancel_turn_two)
    assert sum(r.tool_calls for r in cancel_turn_two) == 3
    tree = run_tree(path, runs[0].run_id[:8])
    assert tree[0].name == "frontdesk.turn" and tree[0].children[0].name == "node customer_service"
    result = stats(path)
    kinds = {row[1]: row for row in result.rows}
    assert kinds["execute_tool cancel_pending_order"][2] == 1
    assert result.runs == 4 and result.conversations == 3
    assert result.verdicts == 6 and result.grader_pass_rate == pytest.approx(3 / 6)


def test_latency_percentiles_are_computed_in_sql(tmp_path: Path) -> None:
    path = tmp_path / "traces.duckdb"
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(DuckDBSpanExporter(path)))
    tracer = provider.get_tracer("test")
    base = time.time_ns()
    for ms in range(1, 101):
        span = tracer.start_span("execute_tool lookup", start_time=base)
        span.end(end_time=base + ms * 1_000_000)
    provider.shutdown()
    row = next(r for r in stats(path).rows if r[1] == "execute_tool lookup")
    assert row[2] == 100
    assert row[3] == pytest.approx(50.5) and row[4] == pytest.approx(95.05) and row[5] == pytest.approx(99.01)


def test_a_locked_store_drops_the_batch_without_raising(tmp_path: Path) -> None:
    path = tmp_path / "traces.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(path)!r}); c.execute('CREATE TABLE x (a INT)'); "
            "print('ready', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        provider = TracerProvider()
        exporter = DuckDBSpanExporter(path, lock_retries=2, retry_delay_s=0.01)
        spans = []
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        tracer = provider.get_tracer("test")
        with tracer.start_as_current_span("frontdesk.turn") as span:
            spans.append(span)
        assert exporter.export(spans) == SpanExportResult.FAILURE
    finally:
        holder.kill()
        holder.wait()
    assert exporter.export(spans) == SpanExportResult.SUCCESS


def test_spans_reach_an_otlp_http_collector_with_parent_links() -> None:
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

    received: list = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            request = ExportTraceServiceRequest()
            request.ParseFromString(body)
            received.extend(span for rs in request.resource_spans for ss in rs.scope_spans for span in ss.spans)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        tracing = configure_tracing(otlp_endpoint=f"http://127.0.0.1:{server.server_address[1]}")
        with (
            tracing.tracer.start_as_current_span("frontdesk.turn"),
            tracing.tracer.start_as_current_span(
                "execute_tool get_order_details", attributes={"gen_ai.tool.name": "get_order_details"}
            ),
        ):
            pass
        tracing.shutdown()
    finally:
        server.shutdown()
    by_name = {span.name: span for span in received}
    assert set(by_name) == {"frontdesk.turn", "execute_tool get_order_details"}
    assert by_name["execute_tool get_order_details"].parent_span_id == by_name["frontdesk.turn"].span_id
    assert by_name["execute_tool get_order_details"].attributes[0].value.string_value == "get_order_details"


def test_traces_cli(traced_replay, tmp_path: Path) -> None:
    path, _threads = traced_replay
    runner = CliRunner()
    out = runner.invoke(app, ["traces", "list", "--db", str(path)], env={"COLUMNS": "200"})
    assert out.exit_code == 0 and "Cancel a pending order" in out.output
    run_id = list_runs(path)[0].run_id
    out = runner.invoke(app, ["traces", "show", run_id[:10], "--db", str(path)], env={"COLUMNS": "200"})
    assert out.exit_code == 0 and "invoke_agent customer_service" in out.output and "ms" in out.output
    out = runner.invoke(app, ["traces", "stats", "--db", str(path), "--since", "24h"], env={"COLUMNS": "200"})
    assert out.exit_code == 0 and "p95 ms" in out.output and "grader pass rate 50% of 6 verdicts" in out.output
    out = runner.invoke(app, ["traces", "list", "--db", str(tmp_path / "none.duckdb")], env={"COLUMNS": "200"})
    assert out.exit_code == 1 and "No traces yet" in out.output
    out = runner.invoke(app, ["traces", "stats", "--db", str(path), "--since", "yesterday"], env={"COLUMNS": "200"})
    assert out.exit_code == 2 and "--since takes a number and a unit" in out.output


def test_a_process_killed_while_exporting_leaves_a_readable_store(tmp_path: Path) -> None:
    import signal

    path = tmp_path / "traces.duckdb"
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sys; from pathlib import Path\n"
                "from frontdesk.tracing.setup import configure_tracing\n"
                f"t = configure_tracing(duckdb_path=Path({str(path)!r}))\n"
                "n = 0\n"
                "while True:\n"
                "    with t.tracer.start_as_current_span('frontdesk.turn'):\n"
                "        [t.tracer.start_span('execute_tool x').end() for _ in range(50)]\n"
                "    n += 1\n"
                "    if n % 20 == 0: t.flush(); print(n, flush=True)\n"
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(3):
            writer.stdout.readline()
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    with duckdb.connect(str(path)) as db:
        count = db.execute("SELECT count(*) FROM spans").fetchone()[0]
        db.execute("INSERT INTO spans (name) VALUES ('after the crash')")
    assert count >= 3 * 20 * 51
    assert len(list_runs(path, limit=1000)) >= 60
