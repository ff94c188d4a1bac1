"""The session behind ``frontdesk chat``: the prompt loop, the turn's live output, the slash commands.

Apart from the command's declaration (``cli/chat.py``) so that ``frontdesk --help`` does not
import the graph, LangChain and the model client (1.3 s) to list one option.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
import uuid
from typing import Any

import typer
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from rich.markup import escape
from rich.prompt import Prompt
from rich.text import Text

from frontdesk.app import FrontdeskApp, open_app
from frontdesk.cli.common import console, database_errors, fail
from frontdesk.config.settings import Settings
from frontdesk.conversation import Confirmation, Conversation, NotTaken, TurnDone
from frontdesk.graphs.events import Token, ToolResult, Verdict, Waiting
from frontdesk.inputs import BadMessage, printable
from frontdesk.llm.factory import NOT_CONFIGURED_HELP
from frontdesk.persistence.thread_locks import ThreadBusy
from frontdesk.tools.base import ToolContext
from frontdesk.tracing import instrument

BUSY_WAIT_S = 30.0
"""How long a turn waits for the same thread's turn in another window."""

HELP = (
    "/history shows the conversation · /tools expands the last turn's tool calls · /trace shows its trace · /rate "
    "up|down rates the last reply · "
    "/thread · /new starts a new thread · "
    "/quit leaves (the thread is kept)"
)


def run(
    thread: str | None, customer: str | None, model: str | None, base_url: str | None, demo: bool, domain: str | None
) -> None:
    """The chat session behind ``frontdesk chat``."""
    settings = Settings.from_env(model=model, base_url=base_url, demo=demo or None, domain=domain)
    if not settings.model_configured:
        settings = _offer_local_model(settings)
    from frontdesk.domains import get_domain

    get_domain(settings.domain)  # an unknown domain is one line before anything is reached for
    if settings.model != "local":
        _check_endpoint(settings.base_url, settings.api_key)
    thread_id = thread or f"chat-{uuid.uuid4().hex[:8]}"
    with database_errors(settings.resolved_database_url), open_app(settings) as stack:
        where = "on this machine (offline)" if settings.model == "local" else f"at {settings.base_url or 'OpenAI'}"
        console.print(
            f"[bold]frontdesk chat[/] — model {settings.model} {where} · thread [cyan]{thread_id}[/] · {HELP}"
        )
        if not stack.domain.has_data(stack.engine):  # every login would fail: say why before the first one does
            console.print(
                f"[yellow]the {stack.domain.name} database is empty: no customer can log in; --demo loads the demo "
                "data[/]"
            )
        if customer:
            _authenticate(stack, thread_id, customer)
        _show_history(stack.graph, thread_id)
        if isinstance(waiting := stack.conversation(thread_id).pending, Confirmation):
            console.print(f"[bold yellow]?[/] {escape(printable(waiting.question))}")
        last_run: str | None = None
        while True:
            try:
                raw = Prompt.ask("[bold]you[/]")
            except (EOFError, KeyboardInterrupt):
                break
            except UnicodeDecodeError:
                console.print("[yellow]that line had bytes that are not UTF-8 text; nothing was sent[/]")
                continue
            text = raw.strip()
            if text in {"/quit", "/exit"}:
                break
            if text == "/thread":
                console.print(f"thread {thread_id} — resume with `frontdesk chat --thread {thread_id}`")
                continue
            if text == "/new":
                thread_id = f"chat-{uuid.uuid4().hex[:8]}"
                console.print(f"new thread {thread_id}")
                continue
            if text == "/history":
                _show_history(stack.graph, thread_id)
                continue
            if text == "/tools":
                _show_tools(stack.graph, thread_id)
                continue
            if text == "/trace":
                _show_trace(stack, last_run)
                continue
            if text.startswith("/rate"):
                _rate(stack, thread_id, last_run, text.removeprefix("/rate").strip())
                continue
            if text == "/help" or not text:
                console.print(HELP)
                continue
            try:
                last_run = _turn(stack, thread_id, text) or last_run
                _wait_for_operator(stack.graph, thread_id)
            except KeyboardInterrupt:
                console.print("\n[yellow]turn cancelled[/]")
            except Exception as exc:  # a model/network failure must not end the session
                console.print(f"[bold red]error:[/] {type(exc).__name__}: {exc}")
    console.print(f"[dim]Thread kept: resume with `frontdesk chat --thread {thread_id}`[/]")


def _check_endpoint(base_url: str | None, api_key: str | None, timeout_s: float = 5.0) -> None:
    """A model endpoint that nothing answers at, or that refuses the key, is one line now.

    Found later it was a fallback reply and a ticket for a person on every message. The probe
    asks for the endpoint's model list; a server without that route (404) still counts as there.
    """
    import httpx

    base = (base_url or "https://api.openai.com/v1").rstrip("/")
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    try:
        response = httpx.get(f"{base}/models", headers=headers, timeout=timeout_s)
    except httpx.HTTPError as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        fail(
            f"cannot reach the model endpoint {base}: {reason}. Is its server running? "
            "(`frontdesk model-server` starts a scripted one to try chat offline)"
        )
    if response.status_code in (401, 403):
        fail(f"the model endpoint {base} refused the API key (HTTP {response.status_code}): check OPENAI_API_KEY")


def _offer_local_model(settings: Settings) -> Settings:
    """With no endpoint configured, offer the bundled offline model when it is installed (else explain)."""

    from frontdesk.llm.factory import local_model_installed

    if not local_model_installed() or not sys.stdin.isatty():
        fail(NOT_CONFIGURED_HELP)
    if not typer.confirm("No model endpoint is configured. Chat with the bundled offline model (local)?", default=True):
        fail(NOT_CONFIGURED_HELP)
    return settings.model_copy(update={"model": "local"})


def _authenticate(stack: FrontdeskApp, thread_id: str, email: str) -> None:
    """Authenticate the thread as ``email``'s customer with the same tool the agents use."""
    login = stack.domain.tools_by_name.get(stack.domain.email_login_tool or "")
    if login is None:
        fail(f"--customer: the {stack.domain.name} domain has no login by email")
    outcome = login.invoke(ToolContext(run=stack.context), {"email": email})
    if not outcome.ok:
        fail(f"--customer {email}: {outcome.content.removeprefix('Error: ')}")
    stack.graph.update_state(
        {"configurable": {"thread_id": thread_id}},
        {"customer_id": outcome.authenticated_customer},
        as_node="human_handoff",
    )
    console.print(f"[dim]authenticated as {outcome.authenticated_customer}[/]")


def _show_tools(graph: Any, thread_id: str) -> None:
    """The last turn's tool calls in full: arguments and results."""

    messages = graph.get_state({"configurable": {"thread_id": thread_id}}).values.get("messages", [])
    start = max((i for i, m in enumerate(messages) if isinstance(m, HumanMessage)), default=0)
    results = {m.tool_call_id: m for m in messages[start:] if isinstance(m, ToolMessage)}
    calls = [c for m in messages[start:] if isinstance(m, AIMessage) for c in m.tool_calls]
    if not calls:
        console.print("No tool calls in the last turn.")
    for call in calls:
        result = results.get(call["id"] or "")
        ok = result is not None and result.status != "error"
        mark = ("✓", "green") if ok else ("✗", "red")
        console.print(
            Text.assemble(
                mark,
                " ",
                (printable(str(call["name"])), "bold"),
                printable(f"({json.dumps(call['args'], ensure_ascii=False)})"),
            )
        )
        console.print(
            Text(printable(f"   → {result.content if result is not None else '(no result)'}")), soft_wrap=True
        )


def _show_trace(stack: Any, run_id: str | None) -> None:
    if run_id is None:
        console.print("No turn traced yet in this session.")
        return
    from frontdesk.cli.traces import show

    stack.tracing.flush()
    try:
        show(run_id, db=stack.settings.resolved_traces_path)
    except typer.Exit:
        console.print("That turn's trace is not stored yet; try again in a moment.")


def _show_history(graph: Any, thread_id: str) -> None:
    values = graph.get_state({"configurable": {"thread_id": thread_id}}).values
    for message in values.get("messages", []):
        if isinstance(message, HumanMessage):
            console.print(Text(f"you › {printable(str(message.content))}", style="dim"))
        elif isinstance(message, AIMessage) and message.content and not message.tool_calls:
            console.print(Text(f"{message.name} › {printable(str(message.content))}", style="dim"))


def _wait_for_operator(graph: Any, thread_id: str, poll_s: float = 1.0) -> None:
    """While the thread waits for a person, poll it and show what the operator's side adds."""
    from frontdesk.conversation.inbox import watch

    config = {"configurable": {"thread_id": thread_id}}
    state = graph.get_state(config)
    if not any((p.value or {}).get("type") in {"approval", "handoff"} for p in state.interrupts):
        return
    seen = len(state.values.get("messages", []))
    console.print(
        "[dim]waiting for an operator… (`frontdesk inbox` in another terminal; Ctrl-C stops waiting, the thread stays "
        "open)[/]"
    )
    # Ctrl-C sets a flag the poll checks, rather than raising wherever it lands (inside a
    # checkpoint read it surfaced as a decoding error instead of a clean stop).
    stop = threading.Event()
    previous = signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        state = watch(graph, thread_id, poll_s=poll_s, until=lambda: stop.is_set() or _input_ended())
    finally:
        signal.signal(signal.SIGINT, previous)
    if stop.is_set() or _input_ended():
        console.print(
            "[yellow]stopped waiting; the operator's answer will be here when you come back "
            f"(`frontdesk chat --thread {thread_id}`)[/]"
        )
        return
    for message in state.values.get("messages", [])[seen:]:
        if isinstance(message, AIMessage) and message.content and not message.tool_calls:
            console.print(
                _reply_line(
                    str(message.name), str(message.content), "bold green" if message.name == "operator" else "bold cyan"
                )
            )
        elif isinstance(message, ToolMessage):
            console.print(_tool_line(str(message.name), message.status != "error", str(message.content)))


def _input_ended() -> bool:
    """Whether the chat's input has ended (a closed pipe, a file read to its end), without reading it.

    Waiting for an operator stops then: nobody is left to see the answer, and a chat fed from a
    script would otherwise wait for ever. Input still to come (a pipe kept open) keeps it waiting.
    """
    import fcntl
    import select
    import struct
    import termios

    try:
        fd = sys.stdin.fileno()
        if sys.stdin.isatty() or not select.select([fd], [], [], 0)[0]:
            return False
        waiting = struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0]
    except (OSError, ValueError):
        return False
    return bool(waiting == 0)


def _tool_line(name: str, ok: bool, content: str) -> Text:
    """A tool call's outcome in one line: ✓ or ✗, the tool, the start of its result (model and tool text, never
    markup)."""
    return Text.assemble(
        "  ",
        ("✓", "green") if ok else ("✗", "red"),
        " ",
        (printable(name), "bold"),
        " ",
        (printable(content[:100]), "dim"),
    )


def _reply_line(name: str, text: str, style: str) -> Text:
    """A reply as the customer reads it: who, then what."""
    return Text.assemble((printable(name), style), " › ", printable(text))


def _turn(stack: FrontdeskApp, thread_id: str, text: str) -> str | None:
    """One customer line through the thread's :class:`Conversation`: tool calls, handoffs and
    pauses as compact lines, then the replies once they are graded; returns the turn's trace id.

    Drafts are never shown as they stream: the grader may still hold one back (an invented
    discount, another customer's data), so the customer sees "writing…" until it passes.
    """
    conversation = Conversation(stack, thread_id, busy_wait_s=BUSY_WAIT_S)
    drafting: str | None = None
    done: TurnDone | None = None
    cancelled = threading.Event()  # Ctrl-C: the step still running on its worker makes no more model calls

    def cancel(number: int, frame: Any) -> None:
        cancelled.set()  # now: Ctrl-C surfaces here only once the running step has ended
        signal.default_int_handler(number, frame)

    previous = signal.signal(signal.SIGINT, cancel)
    try:
        for event in conversation.send(text, tokens=True, cancel=cancelled):
            if isinstance(event, Token):
                if drafting != event.agent:
                    drafting = event.agent
                    console.print(f"\n[dim]{escape(event.agent)} is writing…[/]", end="")
            elif isinstance(event, Waiting):
                _show_pause(event)
            elif isinstance(event, ToolResult):
                drafting = None
                console.print(Text.assemble("\n", _tool_line(event.name, event.ok, event.content)), end="")
            elif isinstance(event, Verdict) and event.verdict == "fail":
                drafting = None
                console.print("\n[yellow](the grader held that draft back; revising…)[/]", end="")
            elif isinstance(event, NotTaken):
                console.print(Text(f"your message was not sent: {printable(event.message)}", style="yellow"))
            elif isinstance(event, TurnDone):
                done = event
    except BadMessage as exc:
        console.print(Text(f"not sent: {exc}", style="yellow"))
        return None
    except ThreadBusy:
        console.print("\n[yellow]this conversation is answering in another window; try again when it has replied[/]")
        return None
    finally:
        signal.signal(signal.SIGINT, previous)
    if done is None:
        return None
    console.print()
    for said in done.replies:  # a turn a crash interrupted is finished first: its reply shows too
        console.print(_reply_line(str(said.name), said.text, "bold cyan"))
    return done.run_id


def _show_pause(event: Waiting) -> None:
    value = event.value
    if event.kind == "confirmation":
        console.print(f"\n[bold yellow]?[/] {escape(printable(str(value.get('question'))))}")
    elif event.kind == "approval":
        what = escape(printable(f"{value.get('tool')} ({value.get('approval_id')}): {value.get('reason')}"))
        console.print(f"\n[bold yellow]⏸ waiting for an operator to approve[/] {what}")
    else:
        console.print(
            f"\n[bold green]⇢ handed to a person[/] (ticket {value.get('ticket_id')}): "
            f"{escape(printable(str(value.get('reason'))))}"
        )


def _rate(stack: FrontdeskApp, thread_id: str, run_id: str | None, text: str) -> None:
    """``/rate up|down [comment]``: the customer's rating of the last reply, stored in its trace."""
    rating, _space, comment = text.partition(" ")
    if rating not in instrument.RATINGS:
        console.print("[yellow]write /rate up or /rate down, optionally with a comment[/]")
        return
    if run_id is None:
        console.print("[yellow]nothing to rate yet: send a message first[/]")
        return
    instrument.feedback(
        stack.tracing.tracer,
        run_id=run_id,
        thread_id=thread_id,
        rating=rating,
        comment=comment.strip() or None,
        capture_content=stack.context.capture_content,
    )
    console.print(f"[dim]thanks — rated {'👍' if rating == 'up' else '👎'}[/]")
