"""``frontdesk serve``: the HTTP server (extra ``server``)."""

from __future__ import annotations

from typing import Annotated

import typer

from frontdesk.cli.common import DemoOption, DomainOption, console, database_errors, fail
from frontdesk.config import environment
from frontdesk.config.settings import Settings


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    demo: DemoOption = False,
    domain: DomainOption = None,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Processes serving requests (more than one needs a Postgres database)")
    ] = 1,
) -> None:
    """Serve threads (streamed over SSE) and the operator inbox over HTTP.

    With --workers N, N processes share the port and one Postgres database (threads,
    memory, domain data); a thread's turns never run in two of them at once (a Postgres
    advisory lock per thread, beside the file lock of the data dir).
    """
    try:
        import uvicorn

        from frontdesk.server.process import create_served_app
    except ImportError:
        fail("the server needs its extra: pip install 'frontdesk[server]'")
    settings = Settings.from_env(demo=demo or None, domain=domain)
    if not settings.model_configured:
        from frontdesk.llm.factory import NOT_CONFIGURED_HELP

        fail(NOT_CONFIGURED_HELP)
    from frontdesk.guardrails.loading import GuardrailLoadError, load_guardrails

    try:
        load_guardrails(settings.guardrails)  # a bad entry is one line now, not a traceback from the server's start-up
    except GuardrailLoadError as exc:
        fail(str(exc))
    from frontdesk.server.connections import check_limits, guarded_protocol

    try:
        check_limits()
    except ValueError as exc:
        fail(str(exc))
    if workers > 1:
        _serve_workers(settings, host, port, workers, demo=demo, domain=domain)
        return
    from frontdesk.app import open_app
    from frontdesk.llm.factory import NoModel

    with database_errors(settings.resolved_database_url), open_app(settings, model=NoModel(), streaming=False):
        # the database opens (and gets its tables) here: unreachable, it is one line, not uvicorn's start-up
        # traceback
        pass
    _announce(settings, host, port, workers=1)
    from frontdesk.server.access_log import stop_reason

    with database_errors(settings.resolved_database_url), stop_reason():
        uvicorn.run(
            create_served_app(settings),
            host=host,
            port=port,
            log_level="warning",
            http=guarded_protocol(),
            timeout_keep_alive=KEEP_ALIVE_S,
        )


def _announce(settings: Settings, host: str, port: int, *, workers: int) -> None:
    """Where it serves, for which domain and model, and where customers and operators go."""
    processes = f", {workers} workers" if workers > 1 else ""
    base = f"http://{host}:{port}"
    lines = [
        f"frontdesk serve on {base} — {settings.domain} domain, model {settings.model}{processes}; Ctrl-C stops",
        f'  customers: the chat widget on a demo page at {base}/demo (a site adds <script src="{base}/widget.js">)',
        f"  operators: the console at {base}/console, the dashboard at {base}/dashboard (FRONTDESK_API_KEY)",
    ]
    for line in lines:
        console.print(line, markup=False, highlight=False, soft_wrap=True)


KEEP_ALIVE_S = 5
"""Seconds an idle keep-alive connection stays open after a response (a request head has its own deadline)."""
WORKER_HEALTHCHECK_S = 60
"""Seconds a worker may take to answer the supervisor's liveness ping before it is killed as hung."""


def _serve_workers(settings: Settings, host: str, port: int, workers: int, *, demo: bool, domain: str | None) -> None:
    """Start ``workers`` processes of the app; each builds it from the environment, so the flags go there."""
    import os

    import uvicorn

    from frontdesk.app import open_app
    from frontdesk.llm.factory import NoModel
    from frontdesk.persistence.urls import backend
    from frontdesk.server.auth import server_secret
    from frontdesk.server.connections import guarded_protocol

    url = settings.resolved_database_url
    if backend(url) != "postgres":
        fail(
            f"--workers {workers} needs a Postgres database shared by the processes "
            f"(FRONTDESK_DATABASE_URL=postgresql://…); {backend(url)} is for one"
        )
    with database_errors(url), open_app(settings, model=NoModel(), streaming=False):
        pass  # tables, demo data and migrations once, here, not raced by N processes starting together
    os.environ["FRONTDESK_SECRET"] = server_secret(
        settings.data_dir, environment.read("FRONTDESK_SECRET")
    ).decode()  # one secret for all
    if demo:
        os.environ["FRONTDESK_DEMO"] = "1"
    if domain:
        os.environ["FRONTDESK_DOMAIN"] = domain
    _announce(settings, host, port, workers=workers)
    from frontdesk.server.access_log import print_to_stderr, stop_reason

    print_to_stderr()
    # A worker busy with hundreds of turns can answer the supervisor's ping late; with the
    # default 5 s it was killed as hung, dropping every connection it had (seen under load).
    with stop_reason():
        uvicorn.run(
            "frontdesk.server.process:create_served_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
            timeout_worker_healthcheck=WORKER_HEALTHCHECK_S,
            http=guarded_protocol(),
            timeout_keep_alive=KEEP_ALIVE_S,
        )
