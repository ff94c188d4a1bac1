"""frontdesk.tracing."""
