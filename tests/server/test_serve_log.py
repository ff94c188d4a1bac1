"""What ``frontdesk serve`` tells the person who started it: where it listens, one line per
request (never a body, a token or a query string), and why it stopped."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import httpx

from frontdesk.llm.openai_test_server import OpenAITestServer
from tests.net import frontdesk_serve
from tests.server.test_server import sse


def test_serve_logs_each_request_without_secrets_and_says_why_it_stopped(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "FRONTDESK_", "OTEL_"))}
    with OpenAITestServer(["Hello Ava, how can I help?", {"verdict": "pass"}]) as model:
        env.update(FRONTDESK_DATA_DIR=str(tmp_path), FRONTDESK_MODEL="m", OPENAI_BASE_URL=model.base_url)
        env.update(OPENAI_API_KEY="k", FRONTDESK_API_KEY="operator-key-123")
        with frontdesk_serve(env) as served:
            base = served.base
            thread = httpx.post(f"{base}/threads").json()
            headers = {"X-Customer-Token": thread["customer_token"]}
            url = f"{base}/threads/{thread['thread_id']}/messages?token=secret-in-query"
            with httpx.stream("POST", url, json={"text": "my card is 4111 1111 1111 1111"}, headers=headers) as r:
                events = sse(r)
            assert events[-1][0] == "done"
            httpx.get(f"{base}/inbox", headers={"X-API-Key": "wrong-key"})
            served.process.send_signal(signal.SIGTERM)
            served.process.wait(timeout=30)
            lines = served.stderr().splitlines()
            announced = served.stdout()
    server = served.process
    port = base.rsplit(":", 1)[1]
    assert server.returncode == 0
    assert f"frontdesk serve on http://127.0.0.1:{port}" in announced
    assert any(line.endswith(" ms") and "POST /threads 201" in line for line in lines), lines
    assert any(f"POST /threads/{thread['thread_id']}/messages 200" in line for line in lines), lines
    assert any("GET /inbox 403" in line for line in lines), lines
    assert not any("/healthz" in line for line in lines)  # probes are not logged
    text = "\n".join(lines)
    for secret in ("secret-in-query", "4111", thread["customer_token"], "wrong-key", "operator-key-123"):
        assert secret not in text
    assert lines[-1].endswith(tuple(f"stopped: SIGTERM, after {n} s" for n in range(0, 120))), lines[-1]
