"""Alert rules from the config file: `frontdesk alerts check` fires once, resolves once, and tells a webhook."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from frontdesk.config.settings import ConfigError, Settings
from tests.operations.recorded import record_turns

FRONTDESK = str(Path(sys.executable).with_name("frontdesk"))

RULES = """
alert_webhook = "{webhook}"

[[alerts]]
name = "too many handoffs"
metric = "handoff_rate"
window = "1h"
above = 0.3
min_turns = 5

[[alerts]]
name = "slow turns"
metric = "p95_latency_s"
window = "1h"
above = 8
"""


@contextmanager
def webhook_receiver() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    received: list[dict[str, Any]] = []

    class Receiver(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    finally:
        server.shutdown()


def check(data_dir: Path, config: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRONTDESK_")}
    env.update(FRONTDESK_DATA_DIR=str(data_dir), FRONTDESK_CONFIG=str(config), COLUMNS="200")
    return subprocess.run([FRONTDESK, "alerts", "check"], capture_output=True, text=True, env=env, timeout=120)


def test_a_rule_fires_once_and_resolves_once(tmp_path: Path) -> None:
    data, config = tmp_path / "data", tmp_path / "config.toml"
    traces = data / "traces.duckdb"
    with webhook_receiver() as (url, received):
        config.write_text(RULES.format(webhook=url), encoding="utf-8")
        record_turns(traces, 3, handoffs=3, thread="early")
        quiet = check(data, config)
        assert quiet.returncode == 0, quiet.stdout + quiet.stderr  # 3 turns: under min_turns, however bad
        record_turns(traces, 7, handoffs=3, thread="busy")  # 6 of 10 handed off
        fired = check(data, config)
        assert fired.returncode == 1 and "FIRING" in fired.stdout
        assert [(n["alert"], n["status"]) for n in received] == [("too many handoffs", "firing")]
        assert (
            received[0]["value"] == pytest.approx(0.6)
            and received[0]["threshold"] == 0.3
            and received[0]["turns"] == 10
        )
        again = check(data, config)
        assert again.returncode == 1 and len(received) == 1  # still firing: not announced again
        record_turns(traces, 20, thread="calm")  # 6 of 30 = 20%
        resolved = check(data, config)
        assert resolved.returncode == 0, resolved.stdout
        assert [(n["alert"], n["status"]) for n in received] == [
            ("too many handoffs", "firing"),
            ("too many handoffs", "resolved"),
        ]
        assert check(data, config).returncode == 0 and len(received) == 2
    assert "alert too many handoffs firing: handoff_rate = 0.6" in fired.stderr  # the log line


def test_an_unreachable_webhook_is_a_log_line_not_a_failure(tmp_path: Path) -> None:
    data, config = tmp_path / "data", tmp_path / "config.toml"
    config.write_text(RULES.format(webhook="http://127.0.0.1:9/hook"), encoding="utf-8")
    record_turns(data / "traces.duckdb", 10, handoffs=10)
    fired = check(data, config)
    assert fired.returncode == 1
    assert "did not take the firing notice" in fired.stderr and "Traceback" not in fired.stderr


def test_a_bad_rule_is_one_line_naming_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[[alerts]]\nname = "x"\nmetric = "happiness"\nabove = 1\n', encoding="utf-8")
    monkeypatch.setenv("FRONTDESK_CONFIG", str(config))
    with pytest.raises(
        ConfigError, match=r"alerts\.0\.metric='happiness' is not valid: Value error, unknown metric 'happiness'"
    ):
        Settings.from_env()
    config.write_text('[[alerts]]\nname = "x"\nmetric = "turns"\nwindow = "soon"\nabove = 1\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"alerts\.0\.window='soon'"):
        Settings.from_env()


def test_the_server_evaluates_the_rules_on_its_own_schedule(tmp_path: Path) -> None:
    from frontdesk.llm.openai_test_server import OpenAITestServer
    from tests.server.test_server import running_server, sse

    config = tmp_path / "config.toml"
    with webhook_receiver() as (url, received), OpenAITestServer(["Hello!", {"verdict": "pass"}]) as model:
        config.write_text(
            f'alert_webhook = "{url}"\n[[alerts]]\nname = "any traffic"\nmetric = "turns"\nwindow = "1h"\nabove = 0\n',
            encoding="utf-8",
        )
        with running_server(
            tmp_path / "data", model, FRONTDESK_CONFIG=str(config), FRONTDESK_ALERT_INTERVAL="0.5"
        ) as base:
            import httpx

            created = httpx.post(f"{base}/threads").json()
            headers = {"X-Customer-Token": created["customer_token"]}
            with httpx.stream(
                "POST",
                f"{base}/threads/{created['thread_id']}/messages",
                json={"text": "hi"},
                headers=headers,
                timeout=60,
            ) as response:
                assert sse(response)[-1][0] == "done"
            deadline = time.monotonic() + 30
            while not received and time.monotonic() < deadline:
                time.sleep(0.2)
    assert [(n["alert"], n["status"], n["turns"]) for n in received] == [("any traffic", "firing", 1)]
