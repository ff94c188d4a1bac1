"""Turns recorded through the real tracer and DuckDB exporter, with chosen outcomes."""

from __future__ import annotations

import json
from pathlib import Path

from opentelemetry.semconv._incubating.attributes import gen_ai_attributes as gen_ai

from frontdesk.tracing import instrument
from frontdesk.tracing.setup import configure_tracing


def record_turns(
    path: Path,
    count: int,
    *,
    handoffs: int = 0,
    tags: dict[str, str] | None = None,
    model: str = "m",
    thread: str = "t",
) -> None:
    """``count`` turns (the first ``handoffs`` of them handed to a person), each with one model call and a passing
    verdict."""
    tracing = configure_tracing(duckdb_path=path)
    labels = {
        "frontdesk.model": model,
        "frontdesk.tags": json.dumps(tags or {}),
        **{f"frontdesk.tag.{k}": v for k, v in (tags or {}).items()},
    }
    try:
        for index in range(count):
            with instrument.turn(tracing.tracer, thread_id=f"{thread}-{index}", labels=labels):
                with tracing.tracer.start_as_current_span(
                    f"chat {model}",
                    attributes={gen_ai.GEN_AI_REQUEST_MODEL: model, gen_ai.GEN_AI_USAGE_INPUT_TOKENS: 100},
                ):
                    pass
                with tracing.tracer.start_as_current_span("node grader"):
                    instrument.event("frontdesk.grader.verdict", **{"frontdesk.grader.verdict": "pass"})
                if index < handoffs:
                    with tracing.tracer.start_as_current_span("node human_handoff"):
                        instrument.event(
                            "frontdesk.handoff",
                            **{"frontdesk.handoff.to": "human", "frontdesk.handoff.cause": "agent_transfer"},
                        )
    finally:
        tracing.shutdown()
