"""``frontdesk model-server``: the scripted OpenAI-compatible test server, from the command line.

To try ``frontdesk serve`` or ``chat`` offline with a model that says exactly what a file
says: each response is a reply's text, ``{"tool_calls": [...]}`` or a grader verdict
``{"verdict": "pass"}``, served in order to whoever asks.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Annotated, Any

import typer

from frontdesk.cli.common import console, fail


def model_server(
    script: Annotated[Path, typer.Argument(help="A JSON list of responses, served in order")],
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (0: any free one)")] = 0,
) -> None:
    """Serve scripted chat completions over HTTP (OpenAI-compatible) until Ctrl-C."""
    from pydantic import ValidationError

    from frontdesk.testing import OpenAITestServer, ScriptedStep

    try:
        responses: Any = json.loads(script.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{script}: cannot read it ({exc.__class__.__name__}: {exc})")
    except json.JSONDecodeError as exc:
        fail(f"{script}: not JSON ({exc.msg} at line {exc.lineno})")
    if not isinstance(responses, list):
        fail(f"{script}: the script must be a JSON list of responses, not {type(responses).__name__}")
    for index, response in enumerate(responses):
        try:
            ScriptedStep.model_validate(response)
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(part) for part in error["loc"])
            fail(f"{script}: response {index}{'.' + where if where else ''}: {error['msg']}")
    try:
        server = OpenAITestServer(responses, port=port)
    except OSError as exc:
        fail(f"port {port}: {exc.strerror or exc}")
    with server:
        console.print(
            f"scripted model at {server.base_url} ({len(responses)} responses); use OPENAI_BASE_URL={server.base_url} "
            "FRONTDESK_MODEL=scripted",
            markup=False,
        )
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            console.print(f"stopped; {server.remaining} response(s) not served")
