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

from opentelemetry import metrics, trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import MetricReader, PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor
from opentelemetry.trace import Tracer

from frontdesk.config import environment
from frontdesk.tracing.duckdb_exporter import DuckDBSpanExporter


@dataclass
class TracingHandle:
    """The tracer to hand to ``build_graph`` and how to flush/stop its exporters."""

    tracer: Tracer
    provider: TracerProvider | None = None
    meter_provider: MeterProvider | None = None

    @property
    def meter(self) -> metrics.Meter | None:
        return self.meter_provider.get_meter("frontdesk") if self.meter_provider is not None else None

    def flush(self) -> None:
        if self.provider is not None:
            self.provider.force_flush()
        if self.meter_provider is not None:
            self.meter_provider.force_flush()

    def shutdown(self) -> None:
        if self.provider is not None:
            self.provider.shutdown()
        if self.meter_provider is not None:
            self.meter_provider.shutdown()


DUCKDB_EXPORT_EVERY_MS = 2000
"""How often finished spans go to the DuckDB file. Each export opens the file, writes and
closes it (other processes take turns with it), and opening a DuckDB file costs ~20 ms of
CPU whatever the batch: at 500 ms that was ~8 % of a busy server's core; at 2 s a span
reaches the file (``frontdesk traces``, the dashboard) at most 2 s after its turn."""


def configure_tracing(
    duckdb_path: Path | None = None,
    *,
    console: bool = False,
    otlp_endpoint: str | None = None,
    service_name: str = "frontdesk",
    set_global: bool = False,
    metric_readers: list[MetricReader] | None = None,
) -> TracingHandle:
    """A tracer exporting to DuckDB / OTLP / console; a no-op tracer when none is chosen.

    Metrics (GenAI token usage and duration histograms) go to OTLP when it is configured,
    and to any ``metric_readers`` given (tests read them in memory).
    """
    env_otlp = environment.read("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
    use_otlp = otlp_endpoint or env_otlp
    readers = list(metric_readers or [])
    resource = Resource.create({"service.name": service_name})
    if use_otlp:
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter  # noqa: PLC0415 — only with an OTLP endpoint

        metrics_endpoint = (
            otlp_endpoint.rstrip("/").removesuffix("/v1/traces") + "/v1/metrics" if otlp_endpoint else None
        )
        readers.append(
            PeriodicExportingMetricReader(
                OTLPMetricExporter(endpoint=metrics_endpoint) if metrics_endpoint else OTLPMetricExporter()
            )
        )
    meter_provider = MeterProvider(resource=resource, metric_readers=readers) if readers else None
    if duckdb_path is None and not console and not use_otlp:
        return TracingHandle(tracer=trace.NoOpTracerProvider().get_tracer("frontdesk"), meter_provider=meter_provider)
    provider = TracerProvider(resource=resource)
    if duckdb_path is not None:
        exporter = DuckDBSpanExporter(duckdb_path)
        # a queue and batches big enough that a busy interval is still one export (a full queue drops spans)
        provider.add_span_processor(
            BatchSpanProcessor(
                exporter, schedule_delay_millis=DUCKDB_EXPORT_EVERY_MS, max_queue_size=8192, max_export_batch_size=2048
            )
        )
    if use_otlp:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter  # noqa: PLC0415 — only with an OTLP endpoint

        endpoint = (
            otlp_endpoint.rstrip("/") + "/v1/traces"
            if otlp_endpoint and not otlp_endpoint.endswith("/v1/traces")
            else otlp_endpoint
        )
        provider.add_span_processor(
            BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint) if endpoint else OTLPSpanExporter())
        )
    if console:
        provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter()))
    if set_global:
        trace.set_tracer_provider(provider)
        if meter_provider is not None:
            metrics.set_meter_provider(meter_provider)
    return TracingHandle(tracer=provider.get_tracer("frontdesk"), provider=provider, meter_provider=meter_provider)
