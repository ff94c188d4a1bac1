"""Schema-driven fuzzing of the HTTP API (schemathesis) against a real server on 127.0.0.1:
whatever a client sends, the server answers with a 4xx or a success, never a 500."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from frontdesk.llm.openai_test_server import OpenAITestServer
from tests.server.test_server import running_server


def test_no_generated_request_gets_a_server_error(tmp_path: Path) -> None:
    with OpenAITestServer([]) as model, running_server(tmp_path, model) as base:
        done = subprocess.run(
            [
                str(Path(sys.executable).with_name("schemathesis")),
                "run",
                f"{base}/openapi.json",
                "--checks",
                "not_a_server_error",
                "--max-examples",
                "40",
                "--header",
                "X-API-Key: operator-key",
                "--no-color",
            ],
            capture_output=True,
            text=True,
            timeout=600,
            cwd=tmp_path,  # schemathesis keeps a cache folder in its working directory
            check=False,
        )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "passed" in done.stdout.lower(), done.stdout[-2000:]
    print(done.stdout[-1500:])
