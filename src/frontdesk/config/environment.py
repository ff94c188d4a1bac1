"""Every environment variable frontdesk reads that is not a ``Settings`` field, declared once.

``Settings`` fields name their variables in ``settings.ENV_NAMES`` and ``gateway.GATEWAY_ENV``;
the variables here configure one process rather than a deployment (its HTTP listener's
limits, the secret its workers share, where caches live, crash points for tests). Code reads
them with ``read(name)``, which refuses a name not declared here, so a typo in the code
fails its first test instead of silently reading nothing; ``frontdesk config show`` lists
them with the ones that are set.
"""

from __future__ import annotations

import os

PROCESS_VARIABLES: dict[str, str] = {
    "FRONTDESK_CONFIG": "the config file to read (default: config.toml in the user config dir); a named file that is "
    "missing is an error",
    "FRONTDESK_SECRET": "the key that signs customer sessions, shared by every worker and machine (default: a file in "
    "the data dir)",
    "FRONTDESK_API_KEY": "the key operators and trusted apps send as a bearer token to frontdesk serve",
    "FRONTDESK_IDENTITY_SECRET": "the secret a host site signs its signed-in customers with, for the chat widget",
    "FRONTDESK_HEADER_TIMEOUT": "seconds a connection may take to send a complete request head to frontdesk serve (10)",
    "FRONTDESK_MAX_CONNECTIONS": "connections frontdesk serve holds open at once before refusing more",
    "FRONTDESK_MCP_TOKEN": "the session token frontdesk mcp serve acts under (one customer)",
    "FRONTDESK_PRICES": "a JSON price table (USD per million tokens) for the cost on traces",
    "FRONTDESK_CACHE_DIR": "where passage embeddings are cached",
    "FRONTDESK_EMBED_THREADS": "threads of the embedding model (1)",
    "FRONTDESK_FAILPOINTS": "crash points armed in this process, comma-separated (for crash tests)",
    "FRONTDESK_FAILPOINT_DIR": "where an armed crash point marks that it was reached",
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "the OTLP endpoint for traces (wins over OTEL_EXPORTER_OTLP_ENDPOINT)",
}


def read(name: str, default: str | None = None) -> str | None:
    """The variable's value (or ``default``); only declared variables may be read."""
    if name not in PROCESS_VARIABLES:
        raise KeyError(f"{name} is not declared in frontdesk.config.environment")
    return os.environ.get(name, default)
