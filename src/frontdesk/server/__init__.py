"""Internal: the HTTP server (extra ``server``), run with ``frontdesk serve``; its public face is the HTTP API."""
