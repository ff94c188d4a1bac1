"""The support graph end to end with an app's own tools: auth, persistence, handoff."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import Session, create_engine, select

from frontdesk.operators.tickets import Ticket
from frontdesk.persistence.urls import domain_url

HERE = Path(__file__).parents[1]  # tests/, where support_app.py lives

TURN_1 = {
    "customer_service": [
        {"tool_calls": [{"name": "login", "args": {"email": "ava@example.com"}}]},
        "Hi Ava, you're signed in.",
    ]
}
TURN_2 = {"customer_service": [{"tool_calls": [{"name": "whoami"}]}, "You are ava."]}
HANDOFF = {"customer_service": [{"tool_calls": [{"name": "ask_a_person", "args": {"summary": "wants a person"}}]}]}


def in_new_process(db: str, turn: int, scripts: list[dict], kind: str, arg: str) -> dict:
    """Run a turn in a separate Python process, as a restarted app would."""
    done = subprocess.run(
        [sys.executable, str(HERE / "support_app.py"), str(db), str(turn), kind, json.dumps(scripts), arg],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'frontdesk.sqlite'}"
    return request.getfixturevalue("postgres_url")


def test_a_thread_resumes_in_a_new_process(db_url: str) -> None:
    db = db_url
    first = in_new_process(db, 0, [TURN_1, TURN_2], "turn", "Hi, I'm ava@example.com")
    assert first["customer_id"] == "ava"
    second = in_new_process(db, 1, [TURN_1, TURN_2], "turn", "Who am I?")
    texts = [m[2] for m in second["messages"]]
    assert texts[0] == "Hi, I'm ava@example.com"
    assert "you are ava" in texts
    assert texts[-1] == "You are ava."
    assert second["customer_id"] == "ava"
    assert [m[1] for m in second["messages"] if m[0] == "ai"] == ["customer_service"] * 4


def test_handoff_pauses_writes_one_ticket_and_resumes_from_another_process(db_url: str) -> None:
    db = db_url
    paused = in_new_process(db, 0, [HANDOFF], "turn", "Get me a human")
    assert paused["interrupts"][0]["type"] == "handoff"
    assert paused["interrupts"][0]["reason"] == "wants a person"
    ticket_id = paused["interrupts"][0]["ticket_id"]
    resumed = in_new_process(
        db, 0, [HANDOFF], "resume", json.dumps({"reply": "Hello, this is Maya.", "operator": "maya"})
    )
    assert resumed["interrupts"] == []
    assert resumed["messages"][-1] == ["ai", "operator", "Hello, this is Maya."]
    engine = create_engine(domain_url(db))
    with Session(engine) as session:
        tickets = list(session.exec(select(Ticket)))
    assert [(t.id, t.status, t.operator, t.reason) for t in tickets] == [
        (ticket_id, "resolved", "maya", "wants a person")
    ]


def test_a_process_killed_during_a_write_resumes_and_writes_exactly_once(db_url: str, tmp_path: Path) -> None:
    """SIGKILL after a WRITE tool committed but before the turn finished: nothing lost, nothing doubled."""
    kill_after_the_write(db_url, tmp_path)
    resumed = in_new_process(
        db_url, 0, [{"customer_service": ["Your $5 credit is on your account."]}], "resume", json.dumps("continue")
    )
    assert_resumed_once(resumed)


def assert_resumed_once(resumed: dict) -> None:
    assert resumed["credits"] == 1
    assert resumed["messages"][0] == ["human", None, "Please add my $5 credit, I'm ava@example.com"]
    assert resumed["messages"][-1] == ["ai", "customer_service", "Your $5 credit is on your account."]
    tool_results = [m[2] for m in resumed["messages"] if m[0] == "tool"]
    assert tool_results == ["ava", "added 5", "checked"]
    assert resumed["customer_id"] == "ava"


def test_after_a_kill_the_customers_next_message_finishes_the_turn_first(db_url: str, tmp_path: Path) -> None:
    """The way a person resumes (a new message, as chat and the server send it): the interrupted
    turn completes exactly once, no tool call is left without a result, the customer stays
    authenticated, and the new message is taken after it."""
    kill_after_the_write(db_url, tmp_path)
    script = [{"customer_service": ["Your $5 credit is on your account.", "You're welcome!"]}]
    after = in_new_process(db_url, 0, script, "next-message", "Thanks!")
    assert after["credits"] == 1
    texts = [m for m in after["messages"] if m[0] == "human"]
    assert texts == [["human", None, "Please add my $5 credit, I'm ava@example.com"], ["human", None, "Thanks!"]]
    calls = [m for m in after["messages"] if m[0] == "tool"]
    assert [m[2] for m in calls] == ["ava", "added 5", "checked"], "every tool call has its result"
    assert after["customer_id"] == "ava"


def kill_after_the_write(db_url: str, tmp_path: Path) -> None:
    """Start a turn that adds a credit and then pauses in a slow READ; SIGKILL it once the credit is committed."""
    import os
    import signal
    import time

    from tests.support_app import credits

    pause = tmp_path / "pause"
    pause.touch()
    first_script = [
        {
            "customer_service": [
                {"tool_calls": [{"name": "login", "args": {"email": "ava@example.com"}}]},
                {
                    "tool_calls": [
                        {"name": "add_credit", "args": {"amount": 5}, "id": "call-credit-1"},
                        {"name": "slow_check", "id": "call-check-1"},
                    ]
                },
            ]
        }
    ]
    process = subprocess.Popen(
        [
            sys.executable,
            str(HERE / "support_app.py"),
            db_url,
            "0",
            "turn",
            json.dumps(first_script),
            "Please add my $5 credit, I'm ava@example.com",
        ],
        env={**os.environ, "SUPPORT_APP_PAUSE_FILE": str(pause)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    engine = create_engine(domain_url(db_url))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if credits(engine) == 1:
                break
        except Exception:  # the tables may not exist yet
            pass
        time.sleep(0.05)
    assert credits(engine) == 1, (
        process.stderr.read().decode()[-2000:] if process.poll() is not None and process.stderr else "no write seen"
    )
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    pause.unlink()
    engine.dispose()
