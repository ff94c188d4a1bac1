"""A tool result of any size cannot swamp the model, the checkpoint or the span store, or hang a turn."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from langchain_core.messages import HumanMessage
from langgraph.checkpoint.sqlite import SqliteSaver
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from frontdesk import AgentSpec, ToolContext, ToolKind, build_graph, tool
from frontdesk.llm.scripted import Script, ScriptedModels
from frontdesk.runtime import RunContext
from frontdesk.tools.execution import MAX_RESULT_CHARS, ToolCallRequest, ToolPipeline
from frontdesk.tracing.instrument import MAX_CONTENT_CHARS
from frontdesk.tracing.redact import redact
from tests.support_app import steps

TEN_MB = 10 * 1024 * 1024


@tool(kind=ToolKind.READ)
def export_everything() -> str:
    """Return the whole catalogue."""
    return "x" * TEN_MB


@tool(kind=ToolKind.READ)
def unbroken_letters() -> str:
    """Return one 256 KB word (the shape that made redaction quadratic)."""
    return "a" * 256 * 1024


def finishes(work: object, seconds: float = 60.0) -> bool:
    """True when ``work()`` returns within ``seconds`` (a hang guard, not a speed target)."""
    done = threading.Event()
    threading.Thread(target=lambda: (work(), done.set()), daemon=True).start()  # type: ignore[operator]
    return done.wait(seconds)


def test_a_ten_megabyte_result_reaches_the_model_cut_with_a_note_and_spans_stay_small() -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    run = RunContext(tracer=provider.get_tracer("t"), capture_content=True)
    pipeline = ToolPipeline([export_everything, unbroken_letters])
    outcome = pipeline.run(ToolCallRequest(id="c1", name="export_everything"), ToolContext(thread_id="t", run=run))
    assert outcome.ok and len(outcome.content) < MAX_RESULT_CHARS + 200
    assert outcome.content.endswith(
        f"[result cut: {TEN_MB - MAX_RESULT_CHARS} more characters not shown; ask for something narrower]"
    )
    assert finishes(
        lambda: pipeline.run(ToolCallRequest(id="c2", name="unbroken_letters"), ToolContext(thread_id="t", run=run))
    )
    sizes = [len(str(v)) for span in exporter.get_finished_spans() for v in (span.attributes or {}).values()]
    assert sizes and max(sizes) < MAX_CONTENT_CHARS + 100


def test_redaction_is_linear_on_hostile_text() -> None:
    for hostile in ("a" * 1_000_000, "a@" * 300_000, "a." * 300_000, "+1 " + "1" * 500_000 + "x", "1-" * 300_000):
        assert finishes(lambda text=hostile: redact(text), 30.0), hostile[:10]
    assert redact("mail ava.chen@example.com, call +1 415 555 0100") == "mail [email], call [phone]"


def test_the_checkpoint_grows_by_the_cut_result_not_the_whole_one(tmp_path: Path) -> None:
    agent = AgentSpec("customer_service", "front desk", "Help.", (export_everything,))
    script = Script(
        "big",
        [steps(customer_service=[{"tool_calls": [{"name": "export_everything", "args": {}}]}, "Here is a summary."])],
    )
    with SqliteSaver.from_conn_string(str(tmp_path / "threads.sqlite")) as saver:
        graph = build_graph(model=ScriptedModels(script), checkpointer=saver, agents=[agent], grade_replies=False)
        graph.invoke({"messages": [HumanMessage("Send me everything")]}, {"configurable": {"thread_id": "t1"}})
    with sqlite3.connect(tmp_path / "threads.sqlite") as db:
        stored = sum(
            len(row[0] or b"")
            for table in ("checkpoints", "writes")
            for row in db.execute(f"SELECT {'checkpoint' if table == 'checkpoints' else 'value'} FROM {table}")
        )
    assert stored < 10 * MAX_RESULT_CHARS, stored
