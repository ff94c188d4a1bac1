"""Internal: OpenTelemetry tracing (GenAI spans, the DuckDB span store and queries over it). Its public
faces are the spans themselves, ``frontdesk traces`` and the dashboard.
"""
