"""The operator workflow across processes: chat waits, `frontdesk inbox` answers, on Postgres too."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from frontdesk.llm.openai_test_server import OpenAITestServer

FRONTDESK = [sys.executable, "-m", "frontdesk.cli.app"]


def env_for(tmp_path: Path, server: OpenAITestServer | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "FRONTDESK_", "OTEL_"))}
    env.update(FRONTDESK_DEMO="1", FRONTDESK_DATA_DIR=str(tmp_path / "data"), COLUMNS="200", **extra)
    if server is not None:
        env.update(FRONTDESK_MODEL="m", OPENAI_BASE_URL=server.base_url, OPENAI_API_KEY="k")
    return env


def frontdesk(args: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*FRONTDESK, *args], input=stdin, capture_output=True, text=True, env=env, timeout=120, check=False
    )


def waiting_id(env: dict[str, str], prefix: str) -> str:
    listing = frontdesk(["inbox"], env)
    assert listing.returncode == 0, listing.stderr
    return next(word for line in listing.stdout.splitlines() for word in line.split() if word.startswith(prefix))


@pytest.fixture(params=["sqlite", "postgres"])
def db_env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    if request.param == "sqlite":
        return {}
    return {"FRONTDESK_DATABASE_URL": request.getfixturevalue("postgres_url")}


def test_chat_waits_for_the_operator_and_shows_the_reply(tmp_path: Path, db_env: dict[str, str]) -> None:
    script = [{"tool_calls": [{"name": "transfer_to_human_agents", "args": {"summary": "Customer wants a person"}}]}]
    with OpenAITestServer(script) as server:
        env = env_for(tmp_path, server, **db_env)
        chat = subprocess.Popen(
            [*FRONTDESK, "chat", "--thread", "c1"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert chat.stdin is not None and chat.stdout is not None
        chat.stdin.write("I want a human\n")
        chat.stdin.flush()
        lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any("waiting for an operator" in line for line in lines):
            line = chat.stdout.readline()
            if not line and chat.poll() is not None:
                break
            lines.append(line)
        assert any("handed to a person" in line for line in lines), "".join(lines) + (
            chat.stderr.read() if chat.poll() is not None else ""
        )
        ticket = waiting_id(env_for(tmp_path, **db_env), "T-")
        replied = frontdesk(
            ["inbox", "reply", ticket, "Hello, this is Maya from support.", "-o", "maya"], env_for(tmp_path, **db_env)
        )
        assert replied.returncode == 0, replied.stderr
        out, err = chat.communicate("/quit\n", timeout=60)
    assert "operator › Hello, this is Maya from support." in out, out + err
    again = frontdesk(["inbox", "reply", ticket, "twice"], env_for(tmp_path, **db_env))
    assert again.returncode == 2 and f"ticket {ticket} was already resolved by maya" in again.stderr


def read_until(process: subprocess.Popen, marker: str, timeout_s: float = 60) -> str:
    lines: list[str] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and not any(marker in line for line in lines):
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        lines.append(line)
    return "".join(lines)


def test_approve_and_reject_from_the_inbox(tmp_path: Path) -> None:
    script = [
        {"tool_calls": [{"name": "find_user_id_by_email", "args": {"email": "ava.chen@example.com"}}]},
        {
            "tool_calls": [
                {"name": "cancel_pending_order", "args": {"order_id": "#D1001", "reason": "no longer needed"}}
            ]
        },
        "Sorry — the cancellation was declined by our team.",
        {"verdict": "pass"},
    ]
    with OpenAITestServer(script) as server:
        env = env_for(tmp_path, server)
        chat = subprocess.Popen(
            [*FRONTDESK, "chat", "--thread", "c2"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        chat.stdin.write("I'm ava.chen@example.com, cancel #D1001 please, yes\n")
        chat.stdin.flush()
        asked = read_until(chat, "Shall I go ahead?")
        assert "Please confirm: cancel order #D1001 (reason: no longer needed)" in asked, asked
        chat.stdin.write("yes\n")
        chat.stdin.flush()
        seen = read_until(chat, "waiting for an operator…")
        assert "waiting for an operator to approve" in seen, seen
        approval = waiting_id(env, "A-")
        no_model = frontdesk(["inbox", "reject", approval, "--reason", "packed"], env_for(tmp_path))
        assert no_model.returncode == 2 and "needs a model" in no_model.stderr
        bad = frontdesk(["inbox", "edit", approval, "--args", '{"order_id": 5}'], env)
        assert bad.returncode == 2 and "order_id: Input should be a valid string" in bad.stderr
        rejected = frontdesk(["inbox", "reject", approval, "--reason", "Order already packed", "-o", "sam"], env)
        assert rejected.returncode == 0, rejected.stderr
        assert server.remaining == 0
        out, _err = chat.communicate("/quit\n", timeout=60)
    assert "customer_service › Sorry — the cancellation was declined by our team." in out
    shown = frontdesk(["threads", "show", "c2"], env_for(tmp_path))
    assert "The operator rejected this action: Order already packed" in shown.stdout
    assert frontdesk(["inbox"], env_for(tmp_path)).stdout.strip() == "Nothing is waiting for a person."
    unknown = frontdesk(["inbox", "switch-customer", "c2", "mallory_0000", "--reason", "said so"], env_for(tmp_path))
    assert (
        unknown.returncode == 2 and "no customer 'mallory_0000'" in unknown.stderr and "Traceback" not in unknown.stderr
    )
    moved = frontdesk(
        ["inbox", "switch-customer", "c2", "ben_ortiz_1002", "--reason", "verified by phone", "-o", "sam"],
        env_for(tmp_path),
    )
    assert moved.returncode == 0 and "Thread c2 now belongs to ben_ortiz_1002" in moved.stdout, moved.stderr
    assert "customer: ben_ortiz_1002" in frontdesk(["threads", "show", "c2"], env_for(tmp_path)).stdout


def test_an_unreachable_database_is_one_line(tmp_path: Path) -> None:
    env = env_for(tmp_path, FRONTDESK_DATABASE_URL="postgresql://fd:s3cret@127.0.0.1:1/nowhere")
    done = frontdesk(["inbox"], env)
    assert done.returncode == 2
    assert "cannot open postgresql://fd:***@127.0.0.1:1/nowhere" in done.stderr
    assert "s3cret" not in done.stderr and "Traceback" not in done.stderr
