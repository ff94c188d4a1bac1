"""``Conversation``: one thread as an embedding app meets it, with only ``frontdesk``'s exports.

It owns the protocol: a message while a confirmation waits is the answer when it is a
clear yes or no and a documented refusal otherwise (never silently dropped), a message
while a person has the thread is refused the same way, and every turn is a root span the
dashboard and ``traces stats`` count.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from frontdesk import (
    ApprovalDecision,
    Confirmation,
    Conversation,
    FrontdeskError,
    HandoffReply,
    MessageNotTaken,
    NotTaken,
    OperatorWait,
    Script,
    ScriptedModels,
    ScriptedStep,
    Settings,
    ThreadBusy,
    ToolResult,
    TurnDone,
    Waiting,
    build_graph,
    open_app,
    open_domain_db,
)

REPO = Path(__file__).resolve().parents[2]
LOGIN = {"tool_calls": [{"name": "find_user_id_by_email", "args": {"email": "ava.chen@example.com"}}]}
CANCEL = {
    "tool_calls": [{"name": "cancel_pending_order", "args": {"order_id": "#D1001", "reason": "no longer needed"}}]
}
DONE = "Order #D1001 is cancelled."


def scripted(*steps: Any) -> ScriptedModels:
    turn = {
        "customer_service": [ScriptedStep.model_validate(s) for s in steps],
        "grader": [ScriptedStep.model_validate({"verdict": "pass"})] * 3,
    }
    return ScriptedModels(Script("conversation", [turn]))


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Any]:
    with open_app(
        Settings(data_dir=tmp_path, demo=True, approval_limit=1000.0), model=scripted(LOGIN, CANCEL, DONE)
    ) as opened:
        yield opened


def test_a_write_is_confirmed_and_the_reply_read_without_touching_langgraph(app: Any) -> None:
    conversation = app.conversation("t1")
    events = list(conversation.send("I'm ava.chen@example.com, cancel #D1001"))
    assert isinstance(events[-1], TurnDone) and events[-1].reply is None
    assert any(isinstance(e, Waiting) and e.kind == "confirmation" for e in events)
    pending = conversation.pending
    assert (
        isinstance(pending, Confirmation)
        and pending.tool == "cancel_pending_order"
        and pending.args["order_id"] == "#D1001"
    )
    done = list(conversation.answer(True))
    assert any(isinstance(e, ToolResult) and e.name == "cancel_pending_order" and e.ok for e in done)
    assert isinstance(done[-1], TurnDone) and done[-1].reply == DONE and done[-1].pending is None and done[-1].run_id
    assert conversation.reply == DONE and conversation.pending is None
    assert [s.role for s in conversation.history] == ["customer", "agent"]


def test_a_message_while_a_confirmation_waits_is_refused_with_the_documented_event_not_dropped(app: Any) -> None:
    conversation = Conversation(app, "t2")
    list(conversation.send("I'm ava.chen@example.com, cancel #D1001"))
    before = conversation.graph.get_state(conversation.config).values["messages"]
    refused = list(conversation.send("hmm, what would that cost me?"))
    assert refused == [NotTaken("awaiting_confirmation", refused[0].message)]  # type: ignore[union-attr]
    assert refused[0].message.startswith('You wrote "hmm, what would that cost me?". I need a clear yes or no')  # type: ignore[union-attr]
    assert conversation.graph.get_state(conversation.config).values["messages"] == before, "nothing ran"
    assert isinstance(conversation.pending, Confirmation)
    done = list(conversation.send("yes, go ahead"))  # a clear yes as text is the answer
    assert isinstance(done[-1], TurnDone) and done[-1].reply == DONE


def test_a_message_while_a_person_has_the_thread_is_refused_and_answer_with_nothing_to_answer_raises(
    tmp_path: Path,
) -> None:
    with open_app(
        Settings(data_dir=tmp_path, demo=True, approval_limit=100.0), model=scripted(LOGIN, CANCEL, DONE)
    ) as opened:
        conversation = opened.conversation("t3")
        list(conversation.send("I'm ava.chen@example.com, cancel #D1001"))
        ended = list(conversation.answer(True))[-1]
        assert (
            isinstance(ended, TurnDone) and isinstance(ended.pending, OperatorWait) and ended.pending.kind == "approval"
        )
        [refused] = list(conversation.send("hello? anyone?"))
        assert isinstance(refused, NotTaken) and refused.reason == "awaiting_operator"
        with pytest.raises(MessageNotTaken) as raised:
            list(conversation.answer(True))
        assert raised.value.reason == "awaiting_operator" and isinstance(raised.value, FrontdeskError)
        [request] = opened.inbox().items()
        opened.inbox().approve(request.id, operator="maya")
        assert conversation.reply == DONE
        with pytest.raises(MessageNotTaken, match="Nothing in this conversation is waiting for a yes or no"):
            list(conversation.answer(False))


def test_an_operator_answers_through_resolve_and_a_wrong_answer_changes_nothing(tmp_path: Path) -> None:
    """An app's own console decides an approval with ``resolve``: a reply cannot approve a refund,
    a decision for another approval id is refused, and the right one runs as a turn with its reply."""
    with open_app(
        Settings(data_dir=tmp_path, demo=True, approval_limit=100.0), model=scripted(LOGIN, CANCEL, DONE)
    ) as opened:
        conversation = opened.conversation("t5")
        list(conversation.send("I'm ava.chen@example.com, cancel #D1001"))
        list(conversation.answer(True))
        waiting = conversation.pending
        assert isinstance(waiting, OperatorWait) and waiting.kind == "approval"
        before = conversation.graph.get_state(conversation.config).values["messages"]
        with pytest.raises(MessageNotTaken, match="no handoff waiting; it waits for: approval") as raised:
            list(conversation.resolve(HandoffReply("sure, done", operator="maya")))
        assert raised.value.reason == "nothing_to_resolve"
        with pytest.raises(MessageNotTaken, match="no approval A-nope waiting"):
            list(conversation.resolve(ApprovalDecision("approve", operator="maya"), waiting_id="A-nope"))
        assert conversation.graph.get_state(conversation.config).values["messages"] == before, "nothing ran"
        assert conversation.pending == waiting
        events = list(
            conversation.resolve(
                ApprovalDecision("approve", operator="maya"), waiting_id=waiting.details["approval_id"]
            )
        )
        assert any(isinstance(e, ToolResult) and e.name == "cancel_pending_order" and e.ok for e in events)
        assert (
            isinstance(events[-1], TurnDone)
            and events[-1].reply == DONE
            and events[-1].pending is None
            and events[-1].run_id
        )
        with pytest.raises(MessageNotTaken, match="nothing waits in it"):
            list(conversation.resolve(ApprovalDecision("approve", operator="maya")))


def test_a_second_message_while_a_turn_runs_is_thread_busy(app: Any) -> None:
    conversation = app.conversation("t4")
    running = conversation.send("I'm ava.chen@example.com, cancel #D1001")
    next(running)  # the first turn holds the thread
    with pytest.raises(ThreadBusy):
        list(Conversation(app, "t4", busy_wait_s=0.1).send("and another thing"))
    list(running)


def test_the_async_twins_take_the_same_path_on_a_bare_graph() -> None:
    graph = build_graph(
        model=scripted(LOGIN, CANCEL, DONE),
        checkpointer=InMemorySaver(),
        engine=open_domain_db("sqlite://", "retail", seed_demo=True),
    )
    conversation = Conversation(graph, "t5")

    async def run() -> list[Any]:
        first = [e async for e in conversation.asend("I'm ava.chen@example.com, cancel #D1001")]
        refused = [e async for e in conversation.asend("maybe later?")]
        done = [e async for e in conversation.aanswer(True)]
        return [first[-1], refused, done[-1]]

    first, refused, done = asyncio.run(run())
    assert isinstance(first, TurnDone) and isinstance(first.pending, Confirmation)
    assert len(refused) == 1 and isinstance(refused[0], NotTaken)
    assert (
        isinstance(done, TurnDone) and isinstance(done.pending, OperatorWait) and done.pending.kind == "approval"
    )  # 129.00 > the default 100.00


def test_an_embedded_apps_turns_are_on_the_dashboard_and_in_traces_stats(tmp_path: Path) -> None:
    """Each send and answer is one frontdesk.turn root span in the deployment's span store."""
    with open_app(
        Settings(data_dir=tmp_path, demo=True, approval_limit=1000.0), model=scripted(LOGIN, CANCEL, DONE)
    ) as opened:
        conversation = opened.conversation("t6")
        list(conversation.send("I'm ava.chen@example.com, cancel #D1001"))
        list(conversation.answer(True))
    from frontdesk.tracing.queries import stats

    assert stats(tmp_path / "traces.duckdb").runs == 2
    env = {"FRONTDESK_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "COLUMNS": "200"}
    shown = subprocess.run(
        [sys.executable, "-m", "frontdesk.cli.app", "traces", "stats"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert shown.returncode == 0 and "2 runs" in shown.stdout.replace("\n", " "), shown.stdout + shown.stderr


def test_the_embedding_example_runs_and_type_checks() -> None:
    example = REPO / "examples" / "conversation_app.py"
    done = subprocess.run([sys.executable, str(example)], capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "asked: Please confirm: cancel order #D1001 (reason: no longer needed). Shall I go ahead? (yes/no)",
        "not taken (awaiting_confirmation)",
        "waiting for an operator: approval",
        "reply: Order #D1001 is cancelled; 129.00 goes back to your card.",
    ]
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", str(example)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=REPO,
    )
    assert checked.returncode == 0, checked.stdout
