"""Replaying a scenario through the real support graph with a scripted model.

Everything but the model is real: the compiled graph, a SQLite checkpointer, the domain
DB seeded from the fixture, the DuckDB knowledge base and the tracer. The runner streams
node updates to build a transcript, answers handoffs with the scripted operator, and
checks each turn's expectations and the DB's end state.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage
from langgraph.store.memory import InMemoryStore

from frontdesk.app import open_app
from frontdesk.config.settings import Settings
from frontdesk.conversation.events import Confirmation, ConversationEvent, NotTaken, TurnDone
from frontdesk.conversation.thread import Conversation
from frontdesk.domains import get_domain
from frontdesk.domains.base import Domain
from frontdesk.graphs.events import AgentMessage, OperatorReply, Summary, ToolResult, Verdict, Waiting
from frontdesk.llm.factory import ModelProvider
from frontdesk.llm.scripted import Script, ScriptedModels, ScriptError
from frontdesk.persistence.checkpoint import open_checkpointer
from frontdesk.replay.checks import ArgumentsAsUnderstood, MayAlsoCall, check_db_changes, check_memory, check_turn
from frontdesk.replay.environment import ReplayEnvironment
from frontdesk.replay.results import Event, Failure, ScenarioResult, ToolCallRecord, TurnRecord
from frontdesk.replay.schema import Scenario, Turn
from frontdesk.tools.base import ToolError, ToolKind
from frontdesk.tools.knowledge import search_knowledge_base
from frontdesk.tracing.setup import TracingHandle


def run_scenario(
    scenario: Scenario, path: Path, env: ReplayEnvironment, *, models: ModelProvider | None = None
) -> ScenarioResult:
    """Replay ``scenario`` and return its transcript and failures (never raises for script faults).

    With ``models`` (a real model), the scripted outputs are ignored and every model
    output is captured in ``TurnRecord.script`` instead — what ``record`` writes back and
    ``--live`` runs on.
    """
    started = time.perf_counter()
    slug = path.stem
    thread_id = f"scenario-{slug}-{uuid.uuid4().hex[:8]}"
    result = ScenarioResult(name=scenario.name, path=str(path), thread_id=thread_id)
    script = Script(scenario.name, [turn.script for turn in scenario.turns])
    fixture = scenario.fixture if scenario.fixture == "demo" else (path.parent / scenario.fixture.tau2).resolve()
    domain = get_domain(str(scenario.settings.get("domain") or env.domain.name))
    engine = env.fresh_domain_db(slug, fixture, domain)
    before = env.snapshot(engine, domain)
    store = InMemoryStore()
    with ExitStack() as stack:
        saver = stack.enter_context(open_checkpointer(f"sqlite:///{env.workdir / f'{slug}-threads.sqlite'}"))
        settings = Settings(data_dir=env.workdir, **{**env.settings, **scenario_settings(scenario, path)})
        parts = {
            "engine": engine,
            "knowledge": env.knowledge_for(domain),
            "tracing": TracingHandle(tracer=env.tracer),
            "meter": env.meter,
            "checkpointer": saver,
            "store": store,
        }
        app = stack.enter_context(
            open_app(settings, model=models or ScriptedModels(script), grade_replies=True, **parts)
        )
        conversation = Conversation(app, thread_id)
        live = models is not None
        asking: Confirmation | None = (
            None  # live: a confirmation the thread asked, answered by the next customer message
        )
        for index, turn in enumerate(scenario.turns):
            if index:
                script.next_turn()
            record = TurnRecord(index=index, user=turn.user, events=[Event(kind="user", text=turn.user)])
            result.turns.append(record)
            try:
                with env.turn_span(thread_id=thread_id, scenario=scenario.name, turn=index + 1, labels=app.labels):
                    outcome = _play_turn(conversation, turn, record, scenario.name, live=live, answering=asking)
            except ScriptError as exc:
                record.events.append(Event(kind="error", text=exc.detail))
                result.failures.append(
                    Failure(scenario=scenario.name, turn=index + 1, expectation="script", message=exc.detail)
                )
                break
            except Exception as exc:  # a crash in the graph fails this scenario, not the whole replay
                text = f"{type(exc).__name__}: {exc}"
                record.events.append(Event(kind="error", text=text))
                result.failures.append(Failure(scenario=scenario.name, turn=index + 1, expectation="run", message=text))
                break
            leftovers = script.leftovers(index) if not live else {}
            if leftovers:
                left = ", ".join(f"{agent}: {count} step(s)" for agent, count in leftovers.items())
                result.failures.append(
                    Failure(
                        scenario=scenario.name,
                        turn=index + 1,
                        expectation="script",
                        message=f"scripted outputs never used ({left})",
                    )
                )
            _finish_record(conversation.graph.get_state(conversation.config).values, record)
            asking = outcome if isinstance(outcome, Confirmation) else None
            if record.events[-1].kind == "not_taken":
                record.reply = record.events[-1].text  # what the customer was shown
            elif asking is not None:
                record.reply = asking.question
            if live:
                result.failures += check_turn(
                    scenario.name,
                    record,
                    turn.expect,
                    understood=as_understood(app.domain),
                    may_also_call=reads(app.domain),
                )
            else:
                result.failures += check_turn(scenario.name, record, turn.expect)
            if outcome is True and index + 1 < len(scenario.turns):
                left = (
                    f"turn(s) {index + 2}-{len(scenario.turns)} not run: the thread is waiting for a person the "
                    "scenario did not script"
                )
                result.failures.append(Failure(scenario=scenario.name, turn=index + 2, expectation="run", message=left))
                break
    result.db_changes = env.diff(before, env.snapshot(engine, domain))
    if scenario.expect.db_changes is not None:
        result.failures += check_db_changes(scenario.name, result.db_changes, scenario.expect.db_changes)
    result.failures += check_memory(scenario.name, store, scenario.expect.memory)
    engine.dispose()
    result.duration_s = time.perf_counter() - started
    return result


def _play_turn(
    conversation: Conversation,
    turn: Turn,
    record: TurnRecord,
    scenario: str,
    *,
    live: bool = False,
    answering: Confirmation | None = None,
) -> bool | Confirmation:
    """Run one customer message to the end through ``conversation``, answering each pause: a
    confirmation with the turn's next ``confirm``, a handoff or approval with its next operator action.

    Returns ``True`` when the thread is left waiting for a person: in a live run a real model
    may hand off where the scenario scripted no operator, and that is the customer's outcome
    (judged by the expectations), not a fault of the script. In a live run a model may also
    ask for a confirmation a turn earlier than the script did; then the pending confirmation
    is returned, the customer is shown its question, and the next turn's message answers it —
    as in chat, where the customer's next line is the answer. ``answering`` is such a pause.
    """
    operator = list(turn.operator)
    confirmations = list(turn.confirm)

    def fault(detail: str) -> ScriptError:
        return ScriptError(f"scenario {scenario!r}, turn {record.index + 1}: {detail}", detail)

    events: Iterator[ConversationEvent]
    # asked last turn, answered in this one: scripted, or the customer's own words (as in chat)
    if answering is not None:
        answer = confirmations.pop(0) if confirmations else None
        _record_confirmation(record, answering, answer)
        events = conversation.answer(answer) if answer is not None else conversation.send(record.user)
    else:
        events = conversation.send(record.user)
    while True:
        done = _observe_turn(events, record)
        if isinstance(done, NotTaken):  # the thread could not take the message: the customer is told why
            record.events.append(Event(kind="not_taken", text=done.message, data={"reason": done.reason}))
            waiting = conversation.pending
            return waiting if isinstance(waiting, Confirmation) else waiting is not None
        pending = done.pending
        if pending is None:
            # live: a scripted yes the model never asked for is judged by the expectations (the write did not happen)
            unused = [f"{len(operator)} scripted operator action(s)"] * bool(operator)
            unused += [f"{len(confirmations)} scripted confirmation(s)"] * bool(confirmations and not live)
            if unused:
                raise fault(f"{' and '.join(unused)} never used")
            return False
        if isinstance(pending, Confirmation):
            if not confirmations:
                if live:
                    return pending
                raise fault(
                    f"the thread asks the customer to confirm ({pending.question}) but the turn scripts no "
                    "confirmation: add confirm: [yes]"
                )
            answer = confirmations.pop(0)
            _record_confirmation(record, pending, answer)
            events = conversation.answer(answer)
            continue
        if not operator:
            if live:
                return True
            raise fault(
                f"the thread waits for a person ({pending.kind}) but the turn scripts no operator action for it"
            )
        action = operator.pop(0)
        if (pending.kind == "approval") != (action.decision is not None):
            waits, given = (
                ("an approval" if pending.kind == "approval" else "a reply"),
                ("a reply" if action.reply is not None else "a decision"),
            )
            raise fault(f"the thread waits for {waits} but the next operator action is {given}")
        if pending.kind == "approval":
            status = {"approve": "approved", "reject": "rejected", "edit": "edited"}[action.decision or "approve"]
            record.approvals.append(status)
            record.events.append(
                Event(
                    kind="approval",
                    text=action.reason or "",
                    data={**pending.details, "status": status, "operator": action.operator},
                )
            )
        events = conversation.resolve(action.as_action())


def _record_confirmation(record: TurnRecord, pending: Confirmation, answer: bool | None) -> None:
    """The customer's answer to ``pending`` (``None``: in their own words, read by the conversation)."""
    call = {"id": pending.call_id, "name": pending.tool, "args": pending.args}
    record.events.append(
        Event(kind="confirmation", text=pending.question, data={"confirmed": answer, "tool_calls": [call]})
    )


def _observe_turn(events: Iterator[ConversationEvent], record: TurnRecord) -> TurnDone | NotTaken:
    """Record a turn's events; returns how it ended."""
    for event in events:
        if isinstance(event, TurnDone | NotTaken):
            return event
        _observe(event, record)
    raise RuntimeError(
        "a conversation turn ended without TurnDone"
    )  # pragma: no cover - Conversation always ends with one


def _observe(event: ConversationEvent, record: TurnRecord) -> None:
    """Turn one stream event into transcript events and facts."""
    if isinstance(event, Waiting):
        if event.kind == "handoff":
            record.handoff = True
            record.events.append(Event(kind="handoff", text=str(event.value.get("reason", "")), data=event.value))
    elif isinstance(event, Summary):
        record.script.setdefault("summarizer", []).append({"text": event.text})
    elif isinstance(event, Verdict):
        grade = event.grade
        record.script.setdefault("grader", []).append(
            {"verdict": grade["verdict"], "score": grade.get("score", 1.0), "reasons": grade.get("reasons", [])}
        )
        record.grades.append(grade["verdict"])
        if grade["verdict"] == "fail":
            _withdraw_last_draft(record)
        record.events.append(
            Event(
                kind="grade",
                agent="grader",
                text="; ".join(grade.get("reasons", [])),
                data={"verdict": grade["verdict"], "score": grade.get("score")},
            )
        )
    elif isinstance(event, ToolResult):
        _record_tool(event, record)
    elif isinstance(event, OperatorReply):
        record.events.append(Event(kind="operator", agent=event.operator, text=event.text))
    elif isinstance(event, AgentMessage):
        step: dict[str, Any] = {"text": event.text} if event.text else {}
        if event.tool_calls:
            step["tool_calls"] = [{"name": c["name"], "args": c["args"]} for c in event.tool_calls]
        record.script.setdefault(event.agent, []).append(step)
        if not record.agents or record.agents[-1] != event.agent:
            record.agents.append(event.agent)
        record.events.append(
            Event(kind="agent", agent=event.agent, text=event.text, data={"tool_calls": event.tool_calls})
        )


def _record_tool(result: ToolResult, record: TurnRecord) -> None:
    fallback: tuple[str | None, dict[str, Any]] = (None, {"name": result.name, "args": {}})
    agent, tool_call = next(
        (
            (event.agent, c)
            for event in reversed(record.events)
            if event.kind in ("agent", "confirmation")
            for c in event.data.get("tool_calls", [])
            if c["id"] == result.call_id
        ),
        fallback,
    )
    record.tools.append(
        ToolCallRecord(
            agent=agent or "?", name=tool_call["name"], args=tool_call["args"], ok=result.ok, content=result.content
        )
    )
    record.events.append(
        Event(
            kind="tool", agent=agent, name=tool_call["name"], args=tool_call["args"], ok=result.ok, text=result.content
        )
    )


def _withdraw_last_draft(record: TurnRecord) -> None:
    for event in reversed(record.events):
        if event.kind == "agent" and not event.data.get("tool_calls"):
            event.kind = "withdrawn"
            return


def _finish_record(values: dict[str, Any], record: TurnRecord) -> None:
    """Fill in the reply the customer actually saw and who is authenticated."""
    record.customer_id = values.get("customer_id")
    for message in reversed(values.get("messages", [])):
        if isinstance(message, HumanMessage):
            break
        if isinstance(message, AIMessage) and message.content and not message.tool_calls:
            record.reply, record.reply_by = str(message.content), message.name
            break


def as_understood(domain: Domain) -> ArgumentsAsUnderstood:
    """Arguments as the domain's tools read them (validated and normalised); raw when they do not validate."""
    tools = domain.tools_by_name

    def understood(name: str, args: dict[str, Any]) -> dict[str, Any]:
        tool = tools.get(name)
        if tool is None:
            return args
        try:
            return {**args, **tool.validate(args).model_dump()}
        except ToolError:
            return args

    return understood


def reads(domain: Domain) -> MayAlsoCall:
    """Live runs accept extra calls to tools that only read (the domain's and the knowledge base's)."""
    readers = {tool.name for tool in (*domain.tools, search_knowledge_base) if tool.kind is ToolKind.READ}
    return readers.__contains__


def scenario_settings(scenario: Scenario, path: Path) -> dict[str, Any]:
    """The scenario's settings; an MCP server started by it runs in the scenario's folder (relative paths work)."""
    settings = dict(scenario.settings)
    if settings.get("mcp_servers"):
        settings["mcp_servers"] = [{"cwd": str(path.parent), **server} for server in settings["mcp_servers"]]
    return settings
