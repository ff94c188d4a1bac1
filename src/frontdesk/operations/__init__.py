"""Internal: running a deployment: one row per turn from the span store (``turns``), who is in a
population (``population``), the dashboard (``dashboard``, ``charts``), alert rules
(``alerts``) and A/B comparisons (``compare``). Everything reads the DuckDB span store
read-only, so it works beside a running server.
"""
