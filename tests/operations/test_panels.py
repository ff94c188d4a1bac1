"""The dashboard's numbers from recorded turns: handoff causes, gateway events, ratings."""

from __future__ import annotations

from pathlib import Path

from frontdesk.operations.panels import build_panels
from frontdesk.operations.population import Population
from frontdesk.operations.turns import turns
from frontdesk.tracing import instrument
from frontdesk.tracing.setup import configure_tracing
from tests.operations.recorded import record_turns


def test_gateway_events_causes_and_ratings_are_counted_per_turn(tmp_path: Path) -> None:
    path = tmp_path / "traces.duckdb"
    record_turns(path, 4, handoffs=2, model="small")
    tracing = configure_tracing(duckdb_path=path)
    with instrument.turn(tracing.tracer, thread_id="fell-back", labels={"frontdesk.model": "small"}) as run_id:
        with tracing.tracer.start_as_current_span("chat big", attributes={"frontdesk.gateway.fallback": True}):
            instrument.event(
                "frontdesk.gateway.breaker",
                **{"frontdesk.gateway.endpoint": "small", "frontdesk.gateway.breaker.state": "open"},
            )
        with tracing.tracer.start_as_current_span("node human_handoff"):
            instrument.event(
                "frontdesk.handoff", **{"frontdesk.handoff.to": "human", "frontdesk.handoff.cause": "model_unavailable"}
            )
    instrument.feedback(tracing.tracer, run_id=run_id, thread_id="fell-back", rating="down")
    tracing.shutdown()

    with turns(path) as db:
        panels = build_panels(db)
    gateway = next(chart for chart in panels.charts if chart.key == "gateway")
    assert (
        sum(v or 0 for v in gateway.series["fallbacks"]) == 1
        and sum(v or 0 for v in gateway.series["breaker opened"]) == 1
    )
    causes = next(table for table in panels.tables if table.key == "handoff_causes")
    assert sorted((row[0], row[1]) for row in causes.rows) == [("agent_transfer", 2), ("model_unavailable", 1)]
    assert panels.summary["turns"] == 5 and panels.summary["ratings"] == 1 and panels.summary["thumbs-up rate"] == 0.0
    with turns(path, Population(thread="fell-back")) as db:
        assert db.execute("SELECT rating, handoff_cause, latency_s < 5 FROM turns").fetchall() == [
            ("down", "model_unavailable", True)
        ]


def test_a_population_can_be_one_prompt_version_or_config(tmp_path: Path) -> None:
    from frontdesk.app import open_app
    from frontdesk.config.settings import Settings
    from frontdesk.llm.factory import NoModel

    settings = Settings(data_dir=tmp_path, demo=True)
    with open_app(settings, model=NoModel()) as app:
        labels = app.labels
    path = tmp_path / "traces.duckdb"
    tracing = configure_tracing(duckdb_path=path)
    for thread in ("one", "two"):
        with instrument.turn(tracing.tracer, thread_id=thread, labels=labels):
            pass
    with instrument.turn(tracing.tracer, thread_id="older", labels={**labels, "frontdesk.prompt.version": "0ld"}):
        pass
    tracing.shutdown()
    current = Population.parse(f"prompt={labels['frontdesk.prompt.version']} config={labels['frontdesk.config.hash']}")
    with turns(path, current) as db:
        assert sorted(r[0] for r in db.execute("SELECT thread_id FROM turns").fetchall()) == ["one", "two"]
    with turns(path, Population.parse("prompt=0ld")) as db:
        assert db.execute("SELECT thread_id FROM turns").fetchall() == [("older",)]
