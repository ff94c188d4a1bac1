"""``frontdesk mcp``: offer the domain's tools as an MCP server, and issue the tokens its sessions use."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from frontdesk.cli.common import DemoOption, DomainOption, console, database_errors, fail
from frontdesk.config import environment
from frontdesk.config.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from frontdesk.domains.base import Domain
    from frontdesk.mcp.exported import ExportedTools

app = typer.Typer(help="Model Context Protocol: frontdesk's tools for other agents.", no_args_is_help=True)
token_app = typer.Typer(help="Session tokens: which customer an MCP client acts for.", no_args_is_help=True)
app.add_typer(token_app, name="token")

TOKEN_ENV = "FRONTDESK_MCP_TOKEN"


@contextmanager
def _domain_db(settings: Settings) -> Iterator[tuple[Domain, Engine]]:
    from frontdesk.app import open_engine
    from frontdesk.domains import get_domain

    domain = get_domain(settings.domain)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with database_errors(settings.resolved_database_url):
        engine = open_engine(settings, domain)
    try:
        yield domain, engine
    finally:
        engine.dispose()


def _needs_extra() -> None:
    try:
        import mcp  # noqa: F401
    except ImportError:
        fail("MCP needs its extra: pip install 'frontdesk[mcp]'")


@token_app.command("issue")
def issue(
    customer: Annotated[str, typer.Argument(help="The customer id the token acts for (e.g. ava_chen_1001)")],
    days: Annotated[float, typer.Option(min=0.001, help="Days until the token expires")] = 30,
    label: Annotated[str, typer.Option(help="A note for whom it was issued")] = "",
    demo: DemoOption = False,
    domain: DomainOption = None,
) -> None:
    """Issue a session token for CUSTOMER (printed once; only its hash is stored)."""
    _needs_extra()
    from frontdesk.mcp import tokens

    settings = Settings.from_env(demo=demo or None, domain=domain)
    with _domain_db(settings) as (spec, engine):
        if spec.customer_exists is not None and not spec.customer_exists(engine, customer):
            fail(f"no customer {customer!r} in the {spec.name} domain's database")
        token = tokens.issue(engine, customer, label=label, valid_for=timedelta(days=days))
    console.print(token, soft_wrap=True, highlight=False, markup=False)


@token_app.command("revoke")
def revoke(
    token: Annotated[str | None, typer.Argument(help="The token to revoke")] = None,
    customer: Annotated[str | None, typer.Option(help="Revoke every token of this customer instead")] = None,
) -> None:
    """Revoke a token (or all of a customer's): sessions using it are refused from the next request."""
    _needs_extra()
    from frontdesk.mcp import tokens

    if (token is None) == (customer is None):
        fail("give a token or --customer, not both")
    settings = Settings.from_env()
    with _domain_db(settings) as (_spec, engine):
        if customer is not None:
            console.print(f"revoked {tokens.revoke_customer(engine, customer)} token(s) of {customer}", markup=False)
            return
        assert token is not None
        if not tokens.revoke(engine, token):
            fail("no such live token")
        console.print("revoked", markup=False)


@app.command("serve")
def serve(
    http: Annotated[
        bool, typer.Option("--http", help="Serve streamable HTTP (bearer tokens) instead of stdio")
    ] = False,
    host: Annotated[str, typer.Option(help="Interface to listen on (--http)")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port (--http)")] = 8766,
    token: Annotated[
        str | None, typer.Option(help=f"stdio: the session token, i.e. the customer ({TOKEN_ENV})")
    ] = None,
    demo: DemoOption = False,
    domain: DomainOption = None,
) -> None:
    """Offer the domain's tools to MCP clients, each session acting for its token's customer only.

    READ/WRITE show as tool annotations; a WRITE takes an idempotency_key. Calls go through
    frontdesk's checks (ownership, guardrails, once-per-key writes, traces); a call that would
    need an operator's approval is refused with the reason.
    """
    _needs_extra()
    import anyio

    from frontdesk.mcp import tokens
    from frontdesk.mcp.serving import http_app, serve_stdio

    settings = Settings.from_env(demo=demo or None, domain=domain)
    with _domain_db(settings) as (spec, engine), _exported(settings, spec, engine) as exported:
        if http:
            import uvicorn

            console.print(
                f"frontdesk MCP server on http://{host}:{port}/mcp ({len(exported.tools)} tools; clients send "
                "Authorization: Bearer <token>)",
                markup=False,
            )
            from frontdesk.server.connections import guarded_protocol

            uvicorn.run(
                http_app(exported, engine),
                host=host,
                port=port,
                log_level="warning",
                http=guarded_protocol(),
                timeout_keep_alive=5,
            )
            return
        given = token or environment.read(TOKEN_ENV)
        if not given:
            fail(f"stdio serves one customer: give --token or {TOKEN_ENV} (frontdesk mcp token issue CUSTOMER)")
        found = tokens.customer_for(engine, given)
        if found is None:
            fail("the session token is unknown, expired or revoked")
        anyio.run(serve_stdio, exported, found[0])


@contextmanager
def _exported(settings: Settings, spec: Domain, engine: Engine) -> Iterator[ExportedTools]:
    """The domain's tools under the domain's checks, traced to the deployment's span store."""
    from frontdesk.guardrails.base import Guardrails
    from frontdesk.guardrails.loading import GuardrailLoadError, load_guardrails
    from frontdesk.mcp.exported import ExportedTools
    from frontdesk.operators.approval_gate import ApprovalWithoutWaiting
    from frontdesk.runtime import RunContext
    from frontdesk.tools.ownership import OwnershipPolicy
    from frontdesk.tracing.setup import configure_tracing

    try:
        guardrails = Guardrails.of(load_guardrails(settings.guardrails)).tool
    except GuardrailLoadError as exc:
        fail(str(exc))
    tracing = configure_tracing(duckdb_path=settings.resolved_traces_path, otlp_endpoint=settings.otlp_endpoint)
    run = RunContext(
        engine=engine,
        tracer=tracing.tracer,
        capture_content=settings.capture_content,
        redact_content=settings.redact_content,
    )
    ownership = (OwnershipPolicy(spec.ownership),) if spec.ownership is not None else ()
    policies = (*ownership, *guardrails, ApprovalWithoutWaiting(spec.approval_policy(settings.approval_limit)))
    try:
        yield ExportedTools(spec.tools, run, policies)
    finally:
        tracing.shutdown()
