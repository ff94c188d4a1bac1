"""The scripted OpenAI-compatible server keeps quiet about clients that hang up, and only about those."""

from __future__ import annotations

import json
import socket
import struct
import time

import pytest

from frontdesk.llm.openai_test_server import OpenAITestServer


def _hang_up_mid_request(model: OpenAITestServer) -> None:
    """Send a chat request and, once the server has read it, reset the connection (RST, not FIN)
    while the server is still waiting to answer."""
    host, port = model.base_url.split("//")[1].split("/")[0].split(":")
    body = json.dumps({"model": "m", "messages": [{"role": "user", "content": "hi"}]}).encode()
    with socket.create_connection((host, int(port))) as client:
        head = (
            f"POST /v1/chat/completions HTTP/1.1\r\nHost: {host}\r\nContent-Type: "
            f"application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        client.sendall(head.encode() + body)
        waited = time.monotonic() + 10
        while not model.requests and time.monotonic() < waited:
            time.sleep(0.01)
        assert model.requests, "the request reached the server"
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def test_a_client_that_hangs_up_prints_no_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    with OpenAITestServer(["one", "two"], delay_s=0.5) as model:
        _hang_up_mid_request(model)
        time.sleep(1.5)  # the server answers after its delay, into the reset connection
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "Exception occurred" not in captured.err, captured.err


def test_any_other_error_still_prints(capsys: pytest.CaptureFixture[str]) -> None:
    with OpenAITestServer([]) as model:
        server = model._httpd  # the HTTP server the test model runs
        try:
            raise ValueError("a handler bug")
        except ValueError:
            server.handle_error(None, ("127.0.0.1", 1))
    assert "ValueError: a handler bug" in capsys.readouterr().err
