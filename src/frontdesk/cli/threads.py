"""``frontdesk threads``: list, show, history, fork (time travel) and delete threads."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.text import Text

from frontdesk.cli.common import console, fail, fitting_table
from frontdesk.config.settings import Settings
from frontdesk.inputs import printable

app = typer.Typer(help="Conversation threads stored in the database (FRONTDESK_DATABASE_URL).", no_args_is_help=True)

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database URL [default: FRONTDESK_DATABASE_URL or the data dir's SQLite file]"),
]


@contextmanager
def _opened(db: str | None) -> Iterator[tuple[Any, Any]]:
    """The saver and a graph over it that can read state but never calls a model."""
    from frontdesk.graphs.support import build_graph
    from frontdesk.llm.factory import NoModel
    from frontdesk.persistence.checkpoint import open_checkpointer
    from frontdesk.persistence.urls import BadDatabaseURL, mask_password

    settings = Settings.from_env(database_url=db)
    url = settings.resolved_database_url
    try:
        with open_checkpointer(url) as saver:
            yield saver, build_graph(settings, model=NoModel(), checkpointer=saver, agents=_reader_agents())
    except BadDatabaseURL as exc:
        fail(str(exc))
    except Exception as exc:  # unreachable server, unreadable file: one line, password masked
        if isinstance(exc, typer.Exit):
            raise
        fail(f"cannot open {mask_password(url)}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")


def _reader_agents() -> list[Any]:
    from frontdesk.agents.base import AgentSpec

    return [AgentSpec("customer_service", "", ""), AgentSpec("researcher", "", "")]


@app.command("list")
def list_threads(db: DbOption = None) -> None:
    """Threads, most recently updated first."""
    from frontdesk.persistence import threads as thread_ops

    with _opened(db) as (saver, _graph):
        rows = thread_ops.list_threads(saver)
    if not rows:
        console.print("No threads yet — start one with `frontdesk chat`.")
        return
    table = fitting_table("thread", "updated", "checkpoints", "last step")
    for row in rows:
        table.add_row(
            Text(printable(row.thread_id)),
            thread_ops.format_time(row.updated_at),
            str(row.checkpoints),
            str(row.last_step),
        )
    console.print(table)


@app.command("show")
def show(thread_id: str, db: DbOption = None) -> None:
    """The thread's conversation as it stands."""
    from frontdesk.persistence import threads as thread_ops

    with _opened(db) as (_saver, graph):
        state = graph.get_state({"configurable": {"thread_id": thread_id}})
    if not state.values:
        fail(f"no thread {thread_id!r}")
    values = state.values
    customer = values.get("customer_id") or "—"
    console.print(
        Text.assemble(
            (printable(thread_id), "bold"),
            printable(f"  customer: {customer}  status: {thread_ops.thread_status(state)}"),
        )
    )
    if values.get("summary"):
        console.print(Text(f"summary: {printable(values['summary'])}", style="dim"))
    for message in values.get("messages", []):
        who = getattr(message, "name", None) or ("customer" if message.type == "human" else message.type)
        calls = ", ".join(c["name"] for c in getattr(message, "tool_calls", None) or [])
        text = str(message.content) or (f"[calls {calls}]" if calls else "")
        console.print(Text.assemble((printable(str(who)), "bold"), " › ", printable(text)))


@app.command("history")
def history(thread_id: str, db: DbOption = None) -> None:
    """Every checkpoint of the thread, newest first (use an id with `fork`)."""
    from frontdesk.persistence import threads as thread_ops

    with _opened(db) as (_saver, graph):
        entries = thread_ops.history(graph, thread_id)
    if not entries:
        fail(f"no thread {thread_id!r}")
    table = fitting_table("checkpoint", "step", "source", "next", "messages", "last message")
    for entry in entries:
        table.add_row(
            entry.checkpoint_id,
            str(entry.step),
            entry.source,
            ",".join(entry.next_nodes),
            str(entry.messages),
            Text(printable(entry.last_message[:60])),
        )
    console.print(table)


@app.command("fork")
def fork(
    thread_id: str,
    checkpoint: Annotated[str, typer.Option("--checkpoint", help="Checkpoint id from `threads history`")],
    new_thread: Annotated[str | None, typer.Option("--to", help="Id of the new thread")] = None,
    db: DbOption = None,
) -> None:
    """Start a new thread from an earlier checkpoint of THREAD_ID (the original is kept)."""
    from frontdesk.persistence import threads as thread_ops

    with _opened(db) as (_saver, graph):
        try:
            target = thread_ops.fork(graph, thread_id, checkpoint, new_thread)
        except KeyError as exc:
            fail(str(exc.args[0]))
    console.print(
        f"Forked {thread_id}@{checkpoint} into [bold]{target}[/] — continue it with `frontdesk chat --thread {target}`"
    )


@app.command("delete")
def delete(thread_id: str, db: DbOption = None) -> None:
    """Delete the thread and all its checkpoints."""
    with _opened(db) as (saver, graph):
        if not graph.get_state({"configurable": {"thread_id": thread_id}}).values:
            fail(f"no thread {thread_id!r}")
        saver.delete_thread(thread_id)
    console.print(f"Deleted {thread_id}")
