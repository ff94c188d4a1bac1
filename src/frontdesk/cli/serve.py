"""``frontdesk serve``: the HTTP server (extra ``server``)."""

from __future__ import annotations

from typing import Annotated

import typer

from frontdesk.cli.common import DemoOption, DomainOption, database_errors, fail
from frontdesk.llm.factory import NOT_CONFIGURED_HELP
from frontdesk.settings import Settings


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    demo: DemoOption = False,
    domain: DomainOption = None,
) -> None:
    """Serve threads (streamed over SSE) and the operator inbox over HTTP."""
    try:
        import uvicorn

        from frontdesk.server.app import create_app
    except ImportError:
        fail("the server needs its extra: pip install 'frontdesk[server]'")
    settings = Settings.from_env(demo=demo or None, domain=domain)
    if not settings.model_configured:
        fail(NOT_CONFIGURED_HELP)
    from frontdesk.guardrails.loading import GuardrailLoadError, load_guardrails

    try:
        load_guardrails(settings.guardrails)  # a bad entry is one line now, not a traceback from the server's start-up
    except GuardrailLoadError as exc:
        fail(str(exc))
    with database_errors(settings.resolved_database_url):
        uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")
