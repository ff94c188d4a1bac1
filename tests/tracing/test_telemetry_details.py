"""GenAI metrics, cost, opt-in message content, and span context across async runs."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import duckdb
import pytest
from langchain_core.messages import HumanMessage
from langgraph.checkpoint.memory import InMemorySaver
from opentelemetry.sdk.metrics.export import InMemoryMetricReader

from frontdesk import Settings, build_graph
from frontdesk.llm.scripted import Script, ScriptedModels, ScriptedStep
from frontdesk.tracing.instrument import turn
from frontdesk.tracing.pricing import PriceTable
from frontdesk.tracing.queries import stats
from frontdesk.tracing.setup import configure_tracing
from tests.support_app import agents

LOGIN = ScriptedStep.model_validate({"tool_calls": [{"name": "login", "args": {"email": "ava@example.com"}}]})


def run_once(
    tmp_path: Path,
    *,
    capture_content: bool,
    reader: InMemoryMetricReader | None = None,
    model_name: str = "scripted",
    redact: bool = True,
) -> Path:
    path = tmp_path / "traces.duckdb"
    tracing = configure_tracing(duckdb_path=path, metric_readers=[reader] if reader else None)
    script = Script("telemetry", [{"customer_service": [LOGIN, ScriptedStep(text="Hello Ava, you're signed in.")]}])
    models = ScriptedModels(script)
    graph = build_graph(
        Settings(data_dir=tmp_path, redact_content=redact),
        model=models,
        checkpointer=InMemorySaver(),
        agents=agents(),
        grade_replies=False,
        tracer=tracing.tracer,
        meter=tracing.meter,
        capture_content=capture_content,
    )
    with turn(tracing.tracer, thread_id="tele"):
        graph.invoke(
            {"messages": [HumanMessage("secret question from ava@example.com")]},
            {"configurable": {"thread_id": "tele"}},
        )
    tracing.shutdown() if reader is None else tracing.flush()
    return path


def attributes_by_name(path: Path) -> dict[str, list[dict]]:
    with duckdb.connect(str(path), read_only=True) as db:
        rows = db.execute("SELECT name, attributes FROM spans").fetchall()
    found: dict[str, list[dict]] = {}
    for name, attrs in rows:
        found.setdefault(name, []).append(json.loads(attrs))
    return found


def test_message_content_is_on_spans_only_when_opted_in(tmp_path: Path) -> None:
    off = attributes_by_name(run_once(tmp_path / "off", capture_content=False))
    assert "secret question" not in json.dumps(off)
    on = attributes_by_name(run_once(tmp_path / "on", capture_content=True))
    chat = on["chat scripted"][0]
    assert "secret question" in chat["gen_ai.input.messages"] and "[email]" in chat["gen_ai.input.messages"]
    assert "ava@example.com" not in json.dumps(on), "personal data is redacted even with content on"
    assert "signed in" in on["chat scripted"][1]["gen_ai.output.messages"]
    tool = on["execute_tool login"][0]
    assert (
        json.loads(tool["gen_ai.tool.call.arguments"]) == {"email": "[email]"}
        and tool["gen_ai.tool.call.result"] == "ava"
    )
    raw = attributes_by_name(run_once(tmp_path / "raw", capture_content=True, redact=False))
    assert json.loads(raw["execute_tool login"][0]["gen_ai.tool.call.arguments"]) == {"email": "ava@example.com"}


def test_a_tool_error_echoing_arguments_stays_off_spans_without_content_capture() -> None:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from frontdesk.runtime import RunContext
    from frontdesk.tracing.instrument import tool_call

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    for capture in (False, True):
        context = RunContext(tracer=provider.get_tracer("t"), capture_content=capture)
        with tool_call(context, "find_user_id_by_email", "c1", "READ", "t1", {"email": "ben@example.com"}) as record:
            record(False, "Error: no user with email ben@example.com")
    off, on = exporter.get_finished_spans()
    assert "ben@example.com" not in json.dumps(
        {"status": off.status.description, "attributes": dict(off.attributes or {})}
    )
    assert off.status.description == "tool_error" and on.status.description == "Error: no user with email [email]"


def test_token_usage_and_duration_histograms(tmp_path: Path) -> None:
    reader = InMemoryMetricReader()
    run_once(tmp_path, capture_content=False, reader=reader)
    metrics = {
        m.name: m for rm in reader.get_metrics_data().resource_metrics for sm in rm.scope_metrics for m in sm.metrics
    }
    assert {"gen_ai.client.token.usage", "gen_ai.client.operation.duration"} <= set(metrics)
    usage = {dict(p.attributes)["gen_ai.token.type"]: p for p in metrics["gen_ai.client.token.usage"].data.data_points}
    assert usage["input"].count == 2 and usage["output"].count == 2 and usage["output"].sum > 0
    duration = metrics["gen_ai.client.operation.duration"].data.data_points[0]
    assert duration.count == 2 and dict(duration.attributes)["gen_ai.request.model"] == "scripted"


def test_cost_comes_from_an_overridable_price_table(tmp_path: Path, monkeypatch) -> None:
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({"scripted": [1000.0, 2000.0]}))
    monkeypatch.setenv("FRONTDESK_PRICES", str(prices))
    path = run_once(tmp_path, capture_content=False)
    chats = attributes_by_name(path)["chat scripted"]
    expected = sum(
        c["gen_ai.usage.input_tokens"] * 1000 / 1e6 + c["gen_ai.usage.output_tokens"] * 2000 / 1e6 for c in chats
    )
    assert expected > 0
    assert sum(c["frontdesk.cost.usd"] for c in chats) == pytest.approx(expected)
    assert stats(path).cost_per_conversation == pytest.approx(expected)
    assert PriceTable().cost("gpt-4o-mini-2024-07-18", 1_000_000, 1_000_000) == 0.75
    assert PriceTable().cost("some-local-model", 10, 10) is None


def test_span_context_follows_async_runs_into_tools(tmp_path: Path) -> None:
    path = tmp_path / "traces.duckdb"
    tracing = configure_tracing(duckdb_path=path)

    async def conversation(n: int) -> None:
        script = Script(f"a{n}", [{"customer_service": [LOGIN, ScriptedStep(text="ok")]}])
        graph = build_graph(
            model=ScriptedModels(script),
            checkpointer=InMemorySaver(),
            agents=agents(),
            grade_replies=False,
            tracer=tracing.tracer,
        )
        with turn(tracing.tracer, thread_id=f"a{n}"):
            await graph.ainvoke({"messages": [HumanMessage("hi")]}, {"configurable": {"thread_id": f"a{n}"}})

    async def main() -> None:
        await asyncio.gather(*(conversation(n) for n in range(5)))

    asyncio.run(main())
    tracing.shutdown()
    with duckdb.connect(str(path), read_only=True) as db:
        rows = db.execute("SELECT trace_id, span_id, parent_span_id, name, thread_id FROM spans").fetchall()
    spans = {r[1]: r for r in rows}
    tools = [r for r in rows if r[3] == "execute_tool login"]
    assert len(tools) == 5
    for tool in tools:
        node = spans[tool[2]]
        root = spans[node[2]]
        assert node[3] == "node tools" and root[3] == "frontdesk.turn"
        assert tool[0] == root[0] and tool[4] == root[4]
    assert len({r[0] for r in rows}) == 5


def test_the_provider_label_names_the_model_that_answers() -> None:
    """A real OpenAI-compatible endpoint was labelled "frontdesk.scripted" (its client is a
    subclass of ChatOpenAI); behind the gateway the label is the answering model's."""
    from frontdesk.config import Settings
    from frontdesk.gateway.provider import GatewayProvider
    from frontdesk.llm.factory import as_provider, openai_compatible_model
    from frontdesk.llm.scripted import Script, ScriptedModels
    from frontdesk.tracing.instrument import provider_name

    settings = Settings(model="m", base_url="http://127.0.0.1:9/v1", api_key="k")
    real = openai_compatible_model(settings)
    assert provider_name(real) == "openai"
    assert provider_name(GatewayProvider(settings, as_provider(real)).for_agent("customer_service")) == "openai"
    scripted = ScriptedModels(Script("s", [])).for_agent("customer_service")
    assert provider_name(scripted) == "frontdesk.scripted"
