"""``frontdesk inbox``: the operator's view — waiting tickets and approvals, and answering them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Annotated, Any

import typer
from rich.text import Text

from frontdesk.cli.common import console, database_errors, fail, fitting_table
from frontdesk.config.settings import Settings
from frontdesk.inputs import printable

app = typer.Typer(help="Handoffs and approvals waiting for a person.", invoke_without_command=True)

OperatorOption = Annotated[str, typer.Option("--operator", "-o", help="Who is answering (stored with the decision)")]


@contextmanager
def _inbox(*, needs_model: bool) -> Iterator[Any]:
    """An Inbox over the configured database; with a model when the thread will continue."""
    from frontdesk.app import open_app
    from frontdesk.conversation.inbox import InboxError
    from frontdesk.llm.factory import NOT_CONFIGURED_HELP, NoModel

    settings = Settings.from_env()
    if needs_model and not settings.model_configured:
        fail(
            "deciding an approval lets the agents continue the conversation, which needs a model. "
            + NOT_CONFIGURED_HELP
        )
    try:
        with (
            database_errors(settings.resolved_database_url),
            open_app(settings, model=None if needs_model else NoModel(), streaming=False) as opened,
        ):
            yield opened.inbox()
    except InboxError as exc:
        fail(str(exc))


def _age(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60}h{minutes % 60:02d}m" if minutes >= 60 else f"{minutes}m"


@app.callback()
def overview(ctx: typer.Context) -> None:
    """List what is waiting (the default), or act on one item."""
    if ctx.invoked_subcommand is not None:
        return
    with _inbox(needs_model=False) as inbox:
        items = inbox.items()
    if not items:
        console.print("Nothing is waiting for a person.")
        return
    table = fitting_table("id", "kind", "age", "priority", "customer", "what", "SLA")
    for item in items:
        what = item.summary if item.kind == "ticket" else f"{item.details['tool']} {json.dumps(item.details['args'])}"
        table.add_row(
            Text(printable(item.id)),
            item.kind,
            _age(item.age),
            Text(printable(item.priority)),
            Text(printable(item.customer_id or "—")),
            Text(printable(what[:70])),
            "[bold red]OVERDUE[/]" if item.overdue else "ok",
        )
    console.print(table)


@app.command("show")
def show(item_id: str) -> None:
    """One ticket or approval, with its conversation."""
    with _inbox(needs_model=False) as inbox:
        item = inbox.get(item_id)
        messages = inbox.conversation(item_id)
    # every value here may come from a customer, a model or a tool: never markup, never raw format characters
    heading = f"{item.kind} {item.id}"
    console.print(
        Text.assemble(
            (printable(heading), "bold"),
            printable(
                f" · {item.status} · thread {item.thread_id} · customer {item.customer_id or '—'} · priority "
                f"{item.priority}"
            ),
        )
    )
    console.print(Text(f"reason: {printable(item.summary)}"))
    if item.kind == "approval":
        call = f"{item.details['tool']}({json.dumps(item.details['args'], ensure_ascii=False)})"
        console.print(Text(printable(f"tool call: {call} · amount {item.details['amount']}")))
    for message in messages:
        who = getattr(message, "name", None) or ("customer" if message.type == "human" else message.type)
        if message.content:
            console.print(Text.assemble((printable(str(who)), "bold"), " › ", printable(str(message.content))))


@app.command("reply")
def reply(
    ticket_id: str,
    text: str,
    operator: OperatorOption = "operator",
    keep: Annotated[
        bool, typer.Option("--keep", help="Keep the thread: the customer's next messages come to you")
    ] = False,
) -> None:
    """Answer a handoff ticket; the customer's chat shows the reply."""
    with _inbox(needs_model=False) as inbox:
        inbox.reply(ticket_id, text, operator=operator, return_to_bot=not keep)
    console.print(
        f"Replied to {ticket_id}" + (" — you keep the thread" if keep else " — the bot takes the thread back")
    )


@app.command("approve")
def approve(approval_id: str, operator: OperatorOption = "operator") -> None:
    """Approve the paused tool call; the agents carry on."""
    with _inbox(needs_model=True) as inbox:
        inbox.approve(approval_id, operator=operator)
    console.print(f"Approved {approval_id}")


@app.command("reject")
def reject(
    approval_id: str,
    reason: Annotated[str, typer.Option("--reason", help="Told to the agent")],
    operator: OperatorOption = "operator",
) -> None:
    """Reject the paused tool call; the agent is told why and carries on."""
    with _inbox(needs_model=True) as inbox:
        inbox.reject(approval_id, reason, operator=operator)
    console.print(f"Rejected {approval_id}")


@app.command("edit")
def edit(
    approval_id: str,
    args: Annotated[str, typer.Option("--args", help="New arguments as JSON")],
    operator: OperatorOption = "operator",
) -> None:
    """Approve the paused tool call with changed arguments (validated by the tool's schema)."""
    try:
        parsed = json.loads(args)
    except json.JSONDecodeError as exc:
        fail(f"--args is not valid JSON: {exc.msg} at column {exc.colno}")
    if not isinstance(parsed, dict):
        fail("--args must be a JSON object of argument names to values")
    with _inbox(needs_model=True) as inbox:
        inbox.edit(approval_id, parsed, operator=operator)
    console.print(f"Approved {approval_id} with edited arguments")


@app.command("switch-customer")
def switch_customer(
    thread_id: str,
    customer_id: str,
    reason: Annotated[str, typer.Option("--reason", help="Why (kept in the operator log)")],
    operator: OperatorOption = "operator",
) -> None:
    """Move THREAD_ID to CUSTOMER_ID — the only way a thread changes customer; logged with who and why."""
    with _inbox(needs_model=False) as inbox:
        values = inbox.switch_customer(thread_id, customer_id, reason=reason, operator=operator)
    console.print(f"Thread {thread_id} now belongs to {values.get('customer_id')}", markup=False)
