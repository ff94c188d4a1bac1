"""``frontdesk model-server``: the scripted OpenAI-compatible server from the command line, for trying things
offline."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import httpx

FRONTDESK = [sys.executable, "-m", "frontdesk.cli.app"]


def test_it_serves_the_scripted_responses_in_order_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    script = tmp_path / "script.json"
    script.write_text(
        json.dumps(["Hello from the script.", {"tool_calls": [{"name": "lookup", "args": {"id": 7}}]}, "unused"])
    )
    server = subprocess.Popen(
        [*FRONTDESK, "model-server", str(script)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={"COLUMNS": "300", "PATH": "/usr/bin:/bin"},
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        base = line.split("scripted model at ", 1)[1].split(" ", 1)[0]
        tools = [
            {
                "type": "function",
                "function": {
                    "name": "lookup",
                    "parameters": {"type": "object", "properties": {"id": {"type": "integer"}}},
                },
            }
        ]
        first = httpx.post(
            f"{base}/chat/completions", json={"model": "m", "messages": [{"role": "user", "content": "hi"}]}, timeout=10
        ).json()
        second = httpx.post(
            f"{base}/chat/completions", json={"model": "m", "messages": [], "tools": tools}, timeout=10
        ).json()
        assert first["choices"][0]["message"]["content"] == "Hello from the script."
        call = second["choices"][0]["message"]["tool_calls"][0]["function"]
        assert call["name"] == "lookup" and json.loads(call["arguments"]) == {"id": 7}
    finally:
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=30)
    assert "stopped; 1 response(s) not served" in out and "Traceback" not in err


def test_a_bad_script_is_one_line_naming_the_file_and_the_response(tmp_path: Path) -> None:
    script = tmp_path / "script.json"
    for text, expected in [
        ("[1, 2", "not JSON"),
        ('{"a": 1}', "must be a JSON list of responses, not dict"),
        ('["ok", {"tool_calls": "lookup"}]', "response 1.tool_calls"),
    ]:
        script.write_text(text)
        done = subprocess.run(
            [*FRONTDESK, "model-server", str(script)], capture_output=True, text=True, timeout=60, check=False
        )
        assert (
            done.returncode == 2
            and done.stderr.count("\n") == 1
            and str(script) in done.stderr
            and expected in done.stderr
        ), done.stderr


def test_the_testing_package_exports_what_apps_test_with() -> None:
    import frontdesk.testing

    assert all(getattr(frontdesk.testing, name, None) is not None for name in frontdesk.testing.__all__)
    assert {"OpenAITestServer", "Script", "ScriptedModels", "ScriptedStep"} <= set(frontdesk.testing.__all__)
