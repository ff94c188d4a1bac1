"""``frontdesk chat``: talk to the support graph with a real model, in the terminal."""

from __future__ import annotations

from typing import Annotated

import typer

from frontdesk.cli.common import DemoOption, DomainOption


def chat(
    thread: Annotated[str | None, typer.Option("--thread", help="Resume this thread id")] = None,
    customer: Annotated[
        str | None, typer.Option("--customer", help="Chat as this customer (email), already authenticated")
    ] = None,
    model: Annotated[
        str | None, typer.Option(help="Model name (FRONTDESK_MODEL), or 'local' for the bundled offline model")
    ] = None,
    base_url: Annotated[str | None, typer.Option(help="OpenAI-compatible endpoint (OPENAI_BASE_URL)")] = None,
    demo: DemoOption = False,
    domain: DomainOption = None,
) -> None:
    """Chat with the agents using a model behind any OpenAI-compatible endpoint."""
    from frontdesk.cli import chat_session

    chat_session.run(thread, customer, model, base_url, demo, domain)
