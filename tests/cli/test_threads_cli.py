"""``frontdesk threads``: list, show, history, fork and delete against a real SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from frontdesk.cli.threads import app
from tests.support_app import run_turn, steps

runner = CliRunner()

TURNS = [
    steps(customer_service=[{"tool_calls": [{"name": "login", "args": {"email": "ava@example.com"}}]}, "Hi Ava."]),
    steps(customer_service=["Second answer."]),
]


def make_thread(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'frontdesk.sqlite'}"
    run_turn(url, 0, TURNS, "hello, I'm ava@example.com")
    run_turn(url, 1, TURNS, "second question")
    return url


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    return result.exit_code, result.output


def test_list_show_and_history(tmp_path: Path) -> None:
    url = make_thread(tmp_path)
    code, out = invoke("list", "--db", url)
    assert code == 0 and "t1" in out
    code, out = invoke("show", "t1", "--db", url)
    assert code == 0
    assert "customer: ava" in out and "Second answer." in out and "customer › second question" in out
    code, out = invoke("history", "t1", "--db", url)
    assert code == 0 and out.count("customer_service: Hi Ava.") >= 1


def test_fork_from_an_earlier_checkpoint_keeps_the_original(tmp_path: Path) -> None:
    from frontdesk.cli.threads import _opened
    from frontdesk.persistence.threads import history

    url = make_thread(tmp_path)
    with _opened(url) as (_saver, graph):
        entries = history(graph, "t1")
        after_first_turn = next(
            e for e in entries if e.last_message == "customer_service: Hi Ava." and not e.next_nodes
        )
    code, out = invoke("fork", "t1", "--checkpoint", after_first_turn.checkpoint_id, "--to", "t1-branch", "--db", url)
    assert code == 0, out
    _, branch = invoke("show", "t1-branch", "--db", url)
    assert "Hi Ava." in branch and "Second answer." not in branch and "customer: ava" in branch
    _, original = invoke("show", "t1", "--db", url)
    assert "Second answer." in original
    continued = run_turn(url.replace("frontdesk.sqlite", "frontdesk.sqlite"), 1, TURNS, "second question")
    assert continued["messages"][-1][2] == "Second answer."


def test_delete_and_unknown_threads(tmp_path: Path) -> None:
    url = make_thread(tmp_path)
    assert invoke("delete", "t1", "--db", url)[0] == 0
    code, out = invoke("show", "t1", "--db", url)
    assert code == 2 and "no thread 't1'" in out
    code, out = invoke("fork", "t1", "--checkpoint", "nope", "--db", url)
    assert code == 2 and "no checkpoint" in out


def test_a_bad_database_url_is_one_clear_line() -> None:
    code, out = invoke("list", "--db", "postgresql://fd:s3cret@127.0.0.1:1/nowhere")
    assert code == 2
    assert "cannot open postgresql://fd:***@127.0.0.1:1/nowhere" in out
    assert "s3cret" not in out and "Traceback" not in out
    code, out = invoke("list", "--db", "oracle://x")
    assert code == 2 and "Cannot use database URL oracle://x" in out


def test_show_tells_a_finished_thread_from_one_with_steps_left(tmp_path: Path) -> None:
    """A run killed after a step's results were saved, before the step's checkpoint, has no
    next node, only a finished task: `show` must not call that thread finished."""
    from langgraph.checkpoint.sqlite import SqliteSaver

    from frontdesk import Conversation, build_graph
    from frontdesk.domains.database import open_domain_db
    from frontdesk.llm.scripted import Script, ScriptedModels, ScriptedStep
    from tests.graphs.test_crash_between_steps import LOGIN, SIGNED_IN, Killed, KilledAfterToolStep, drain

    engine = open_domain_db(f"sqlite:///{tmp_path / 'domain.sqlite'}", seed_demo=True)
    agent = [ScriptedStep.model_validate(step) for step in [LOGIN, SIGNED_IN]]
    script = Script(
        "killed", [{"customer_service": agent, "grader": [ScriptedStep.model_validate({"verdict": "pass"})]}]
    )
    url = f"sqlite:///{tmp_path / 'threads.sqlite'}"
    with SqliteSaver.from_conn_string(str(tmp_path / "threads.sqlite")) as plain:
        graph = build_graph(model=ScriptedModels(script), checkpointer=KilledAfterToolStep(plain.conn), engine=engine)
        with pytest.raises(Killed):
            drain(Conversation(graph, "killed").send("I'm ava.chen@example.com"))
    engine.dispose()
    code, out = invoke("show", "killed", "--db", url)
    assert code == 0, out
    assert "status: steps left (tools)" in out and "finished" not in out.splitlines()[0]
    (tmp_path / "other").mkdir()
    make_thread(tmp_path / "other")
    code, out = invoke("show", "t1", "--db", f"sqlite:///{tmp_path / 'other' / 'frontdesk.sqlite'}")
    assert code == 0 and "status: finished" in out.splitlines()[0]


def test_show_names_what_a_paused_thread_waits_for(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'frontdesk.sqlite'}"
    handoff = steps(
        customer_service=[{"tool_calls": [{"name": "ask_a_person", "args": {"summary": "wants a person"}}]}]
    )
    run_turn(url, 0, [handoff], "a person, please")
    code, out = invoke("show", "t1", "--db", url)
    assert code == 0 and "status: waiting for handoff" in out.splitlines()[0], out
