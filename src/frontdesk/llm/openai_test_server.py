"""A small OpenAI-compatible chat-completions server on 127.0.0.1 that answers from a script.

It lets the real-model path (ChatOpenAI → HTTP → JSON/SSE → tool calls) be tested with no
network: tests and ``frontdesk record`` point ``OPENAI_BASE_URL`` at it. Responses are
served in order; each is a :class:`ScriptedStep` (text, tool calls or a structured output,
which is returned as a call of the single tool the request offers). Every request body is
kept in ``requests`` for assertions.
"""

from __future__ import annotations

import json
import sys
import threading
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

from frontdesk.llm.scripted import ScriptedStep


@dataclass(frozen=True)
class StreamFault:
    """A scripted step the server streams wrongly on purpose.

    ``cut_arguments``: each tool call's JSON arguments stop half-way (the stream still
    finishes normally); ``no_finish_reason``: the stream stops after the content, with no
    ``finish_reason`` and no ``[DONE]``. Non-streaming requests get the step unharmed.
    """

    step: ScriptedStep | str | dict[str, Any]
    mode: Literal["cut_arguments", "no_finish_reason"]


@dataclass(frozen=True)
class Delayed:
    """A scripted step answered only after ``seconds`` (a slow model, or one a test kills the caller during)."""

    step: ScriptedStep | str | dict[str, Any]
    seconds: float


@dataclass(frozen=True)
class HttpError:
    """Answer one request with an HTTP error (500, 503, 429 with ``Retry-After``...) instead of a step."""

    status: int = 500
    retry_after: float | None = None
    message: str = "the test server failed on purpose"


Response = ScriptedStep | str | dict[str, Any] | StreamFault | Delayed | HttpError
"""One entry of the server's script."""


class _BurstServer(ThreadingHTTPServer):
    """Takes hundreds of connections at once, as a model endpoint does: with the standard
    library's listen backlog of 5, a burst of conversations asking at the same moment had
    connections dropped, and the framework was measured against a server that refused it."""

    request_queue_size = 1024

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up mid-exchange (a pooled keep-alive connection closed, a load
        client done) is not the server's error: only anything else prints its traceback."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class OpenAITestServer:
    """Serve scripted chat completions over real HTTP until stopped (also a context manager)."""

    def __init__(
        self,
        responses: Iterable[Response] = (),
        *,
        model: str = "scripted-http",
        delay_s: float = 0.0,
        routes: Mapping[str, Iterable[Response]] | None = None,
        port: int = 0,
    ) -> None:
        """``responses`` are served in order to every request; ``routes`` give each conversation a script of its own.

        A request whose messages contain a route's key (say the customer's email) takes that
        route's next response, so many conversations can run at once against one server, each
        getting its own script however their calls interleave."""
        self.responses = [_fault_or_step(r) for r in responses]
        self.routes = {key: [_fault_or_step(r) for r in script] for key, script in (routes or {}).items()}
        self.model = model
        self.delay_s = delay_s
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._httpd = _BurstServer(("127.0.0.1", port), self._handler())
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else str(host)
        return f"http://{name}:{port}/v1"

    def start(self) -> OpenAITestServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> OpenAITestServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def remaining(self) -> int:
        return len(self.responses)

    def _next(self, body: dict[str, Any]) -> tuple[dict[str, Any], str | None] | HttpError | None:
        with self._lock:
            self.requests.append(body)
            said = json.dumps(body.get("messages") or [], ensure_ascii=False) if self.routes else ""
            queue = next((script for key, script in self.routes.items() if key in said), self.responses)
            if not queue:
                return None
            step = queue.pop(0)
        while isinstance(step, Delayed):
            time.sleep(step.seconds)
            step = _fault_or_step(step.step)
        if isinstance(step, HttpError):
            return step
        if isinstance(step, StreamFault):
            return _assistant_message(_fault_or_step(step.step), body.get("tools") or []), step.mode  # type: ignore[arg-type]
        return _assistant_message(step, body.get("tools") or []), None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            # Keep-alive, as model endpoints do: with HTTP/1.0 every call was a new connection
            # (and a new thread here), which no client meets in production.
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output clean
                return

            def do_GET(self) -> None:
                if self.path.rstrip("/").endswith("/models"):
                    self._json(200, {"object": "list", "data": [{"id": server.model, "object": "model"}]})
                else:
                    self._json(404, {"error": {"message": f"no route {self.path}"}})

            def do_POST(self) -> None:
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._json(404, {"error": {"message": f"no route {self.path}"}})
                    return
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                scripted = server._next(body)
                if server.delay_s:
                    time.sleep(server.delay_s)
                if scripted is None:
                    self._json(
                        500, {"error": {"message": "the test server's script is exhausted", "type": "server_error"}}
                    )
                    return
                if isinstance(scripted, HttpError):
                    extra = {"Retry-After": f"{scripted.retry_after:g}"} if scripted.retry_after is not None else {}
                    self._json(scripted.status, {"error": {"message": scripted.message, "type": "server_error"}}, extra)
                    return
                message, fault = scripted
                if body.get("stream"):
                    self._stream(message, body, fault)
                else:
                    self._json(200, _completion(message, server.model, body))

            def _json(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, message: dict[str, Any], body: dict[str, Any], fault: str | None = None) -> None:
                """Server-sent events in chunked encoding (the connection stays open for the next
                call); a stream the fault cuts short ends the connection instead, mid-stream."""
                cut = fault == "no_finish_reason"
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection" if cut else "Transfer-Encoding", "close" if cut else "chunked")
                self.end_headers()

                def send(data: bytes) -> None:
                    self.wfile.write(data if cut else b"%x\r\n%s\r\n" % (len(data), data))
                    self.wfile.flush()

                if fault == "cut_arguments":
                    for call in message.get("tool_calls", []):
                        text = call["function"]["arguments"]
                        call["function"]["arguments"] = text[: max(1, len(text) // 2)]
                for chunk in _chunks(message, server.model, body):
                    if cut and any(c.get("finish_reason") for c in chunk.get("choices", [])):
                        self.close_connection = True
                        return
                    send(f"data: {json.dumps(chunk)}\n\n".encode())
                send(b"data: [DONE]\n\n")
                if not cut:
                    self.wfile.write(b"0\r\n\r\n")

        return Handler


def _fault_or_step(response: Response) -> ScriptedStep | StreamFault | Delayed | HttpError:
    if isinstance(response, ScriptedStep | StreamFault | Delayed | HttpError):
        return response
    return ScriptedStep.model_validate(response)


def _assistant_message(step: ScriptedStep, tools: list[dict[str, Any]]) -> dict[str, Any]:
    calls = [(c.name, c.raw_arguments if c.raw_arguments is not None else json.dumps(c.args)) for c in step.tool_calls]
    if step.structured is not None:
        name = tools[0]["function"]["name"] if tools else "structured_output"
        calls = [(name, json.dumps(step.structured))]
    message: dict[str, Any] = {"role": "assistant", "content": step.text or None}
    if calls:
        message["tool_calls"] = [
            {
                "id": f"call_{uuid.uuid4().hex[:12]}",
                "type": "function",
                "function": {"name": name, "arguments": arguments},
            }
            for name, arguments in calls
        ]
    return message


def _usage(message: dict[str, Any], body: dict[str, Any]) -> dict[str, int]:
    prompt = sum(len(str(m.get("content") or "").split()) for m in body.get("messages", []))
    completion = len(str(message.get("content") or "").split()) + 8 * len(message.get("tool_calls", []))
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _completion(message: dict[str, Any], model: str, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {"index": 0, "message": message, "finish_reason": "tool_calls" if message.get("tool_calls") else "stop"}
        ],
        "usage": _usage(message, body),
    }


def _chunks(message: dict[str, Any], model: str, body: dict[str, Any]) -> Iterable[dict[str, Any]]:
    base = {
        "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
    }
    yield {**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]}
    words = str(message.get("content") or "").split(" ")
    for index, word in enumerate(words if message.get("content") else []):
        piece = word if index == 0 else " " + word
        yield {**base, "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
    for index, call in enumerate(message.get("tool_calls", [])):
        delta = {"tool_calls": [{"index": index, "id": call["id"], "type": "function", "function": call["function"]}]}
        yield {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}
    finish = "tool_calls" if message.get("tool_calls") else "stop"
    yield {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": finish}]}
    if (body.get("stream_options") or {}).get("include_usage"):
        yield {**base, "choices": [], "usage": _usage(message, body)}
