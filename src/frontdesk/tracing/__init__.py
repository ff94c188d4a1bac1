"""OpenTelemetry tracing: GenAI spans, the DuckDB span store and queries over it."""
