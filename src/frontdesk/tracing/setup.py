"""Configuring OpenTelemetry for frontdesk: a tracer provider with the chosen exporters.

Exporters: the DuckDB span store (what ``frontdesk traces`` reads), OTLP/HTTP to any
collector (the standard ``OTEL_EXPORTER_OTLP_*`` variables work), and the console. The
graph takes the tracer explicitly, so several providers can live in one process (tests,
apps with their own tracing); ``set_global=True`` also installs it globally.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor
from opentelemetry.trace import Tracer

from frontdesk.tracing.duckdb_exporter import DuckDBSpanExporter


@dataclass
class TracingHandle:
    """The tracer to hand to ``build_graph`` and how to flush/stop its exporters."""

    tracer: Tracer
    provider: TracerProvider | None = None

    def flush(self) -> None:
        if self.provider is not None:
            self.provider.force_flush()

    def shutdown(self) -> None:
        if self.provider is not None:
            self.provider.shutdown()


def configure_tracing(
    duckdb_path: Path | None = None,
    *,
    console: bool = False,
    otlp_endpoint: str | None = None,
    service_name: str = "frontdesk",
    set_global: bool = False,
) -> TracingHandle:
    """A tracer exporting to DuckDB / OTLP / console; a no-op tracer when none is chosen."""
    env_otlp = os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
    use_otlp = otlp_endpoint or env_otlp
    if duckdb_path is None and not console and not use_otlp:
        return TracingHandle(tracer=trace.NoOpTracerProvider().get_tracer("frontdesk"))
    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    if duckdb_path is not None:
        provider.add_span_processor(BatchSpanProcessor(DuckDBSpanExporter(duckdb_path), schedule_delay_millis=500))
    if use_otlp:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        endpoint = otlp_endpoint.rstrip("/") + "/v1/traces" if otlp_endpoint and not otlp_endpoint.endswith("/v1/traces") else otlp_endpoint
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint) if endpoint else OTLPSpanExporter()))
    if console:
        provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter()))
    if set_global:
        trace.set_tracer_provider(provider)
    return TracingHandle(tracer=provider.get_tracer("frontdesk"), provider=provider)
