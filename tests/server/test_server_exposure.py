"""What a customer-facing server must not let through: hoarded connections, the agents' working, tracebacks."""

from __future__ import annotations

import contextlib
import socket
import time
from pathlib import Path

import httpx

from frontdesk.llm.openai_test_server import OpenAITestServer
from tests.cli.test_operator_cli import env_for, frontdesk
from tests.server.test_server import running_server


def closed_by_server(sock: socket.socket, within_s: float) -> bool:
    """True when the server closes ``sock`` (EOF or reset) within ``within_s`` seconds."""
    sock.settimeout(within_s)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def test_silent_half_sent_and_trickling_connections_are_closed_and_customers_still_served(tmp_path: Path) -> None:
    with (
        OpenAITestServer([]) as model,
        running_server(tmp_path, model, FRONTDESK_HEADER_TIMEOUT="1", FRONTDESK_MAX_CONNECTIONS="40") as base,
    ):
        port = int(base.rsplit(":", 1)[1])
        silent = socket.create_connection(("127.0.0.1", port))
        half = socket.create_connection(("127.0.0.1", port))
        half.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        trickle = socket.create_connection(("127.0.0.1", port))
        trickle.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert b"200 OK" in trickle.recv(4096)
        started = time.monotonic()
        with contextlib.suppress(
            OSError
        ):  # a byte a quarter second: uvicorn's idle timer restarts on each, ours does not
            while time.monotonic() - started < 5:
                trickle.sendall(b"G")
                time.sleep(0.25)
        assert time.monotonic() - started < 4, "the trickling connection was closed at its head deadline"
        hoard = [socket.create_connection(("127.0.0.1", port)) for _ in range(60)]
        refused = sum(closed_by_server(s, 0.5) for s in hoard[45:])
        assert refused == 15, "connections above the cap are closed at once"
        waiting = [("silent", silent), ("half a head", half), *((f"idle {i}", h) for i, h in enumerate(hoard[:30]))]
        assert [name for name, s in waiting if not closed_by_server(s, 5)] == []
        assert httpx.get(f"{base}/healthz", timeout=5).status_code == 200
        for s in (silent, half, trickle, *hoard):
            s.close()


HANDOFF = [
    {
        "tool_calls": [
            {"name": "transfer_to_human_agents", "args": {"summary": "flagged for fraud review, do not refund"}}
        ]
    }
]


def test_a_customer_sees_their_messages_and_replies_not_the_agents_working(tmp_path: Path) -> None:
    with OpenAITestServer(HANDOFF) as model, running_server(tmp_path, model) as base:
        created = httpx.post(f"{base}/threads").json()
        headers = {"X-Customer-Token": created["customer_token"]}
        thread = created["thread_id"]
        with httpx.stream(
            "POST",
            f"{base}/threads/{thread}/messages",
            json={"text": "I want my money back"},
            headers=headers,
            timeout=60,
        ) as response:
            response.read()
        shown = httpx.get(f"{base}/threads/{thread}", headers=headers).json()
        assert "messages" in shown, shown
        history = httpx.get(f"{base}/threads/{thread}/history", headers=headers).json()
    assert shown["messages"][0] == {"role": "human", "name": None, "content": "I want my money back"}
    assert all(message["role"] in {"human", "ai"} and "tool_calls" not in message for message in shown["messages"])
    assert "fraud" not in str(shown) and "fraud" not in str(history)
    assert shown["waiting_for"] and shown["waiting_for"][0]["type"] == "handoff"


def test_serve_with_an_unreachable_database_is_one_line(tmp_path: Path) -> None:
    with OpenAITestServer([]) as model:
        env = env_for(tmp_path, model, FRONTDESK_DATABASE_URL="postgresql://fd:s3cret@127.0.0.1:1/nowhere")
        done = frontdesk(["serve", "--port", "1"], env)
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert (
        done.stderr.startswith("error: cannot open postgresql://fd:***@127.0.0.1:1/nowhere")
        and "s3cret" not in done.stderr
    )


def test_a_bad_connection_limit_is_one_line(tmp_path: Path) -> None:
    with OpenAITestServer([]) as model:
        done = frontdesk(["serve", "--demo", "--port", "1"], env_for(tmp_path, model, FRONTDESK_MAX_CONNECTIONS="many"))
    assert done.returncode == 2 and done.stderr.strip() == "error: FRONTDESK_MAX_CONNECTIONS='many' is not a number"


def test_serve_says_where_it_listens(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.net import free_port

    port = free_port()
    with OpenAITestServer([]) as model:
        env = env_for(tmp_path, model)
        server = subprocess.Popen(
            [sys.executable, "-m", "frontdesk.cli.app", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.stdout is not None
            lines = [server.stdout.readline() for _ in range(3)]
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert lines[0].startswith(f"frontdesk serve on http://127.0.0.1:{port} — retail domain, model m;")
    assert (
        f"http://127.0.0.1:{port}/demo" in lines[1] and f'<script src="http://127.0.0.1:{port}/widget.js">' in lines[1]
    )
    assert f"http://127.0.0.1:{port}/console" in lines[2] and "/dashboard" in lines[2]
