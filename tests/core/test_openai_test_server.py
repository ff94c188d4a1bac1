"""The scripted OpenAI-compatible server keeps quiet about clients that hang up, and only about those."""

from __future__ import annotations

import json
import socket
import struct
import time

import pytest

from frontdesk.llm.openai_test_server import OpenAITestServer


def _hang_up_mid_request(host: str, port: int) -> None:
    """Send a chat request and reset the connection (RST, not FIN) before the answer comes."""
    body = json.dumps({"model": "m", "messages": [{"role": "user", "content": "hi"}]}).encode()
    with socket.create_connection((host, port)) as client:
        head = f"POST /v1/chat/completions HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        client.sendall(head.encode() + body)
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def test_a_client_that_hangs_up_prints_no_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    with OpenAITestServer(["one", "two"], delay_s=0.2) as model:
        host, port = model.base_url.split("//")[1].split("/")[0].split(":")
        _hang_up_mid_request(host, int(port))
        time.sleep(0.6)  # the server answers after its delay, into the reset connection
        assert model.requests, "the request reached the server"
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
