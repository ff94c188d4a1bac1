"""How frontdesk starts llama.cpp's server: loopback only, bounded memory, a clear error when it cannot start."""

from __future__ import annotations

import signal
import sys
import types
from pathlib import Path

import pytest

from frontdesk.llm.local.server import PORTABLE_BUILD, RAM_CACHE_BYTES, LocalModelServer, crash_message
from frontdesk.llm.local.weights import LocalModelError


def option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def test_the_server_listens_on_loopback_with_bounded_memory(tmp_path: Path) -> None:
    command = LocalModelServer(tmp_path / "m.gguf", threads=1, batch_threads=2).command()
    assert option(command, "--host") == "127.0.0.1"
    assert (option(command, "--n_threads"), option(command, "--n_threads_batch")) == ("1", "2")
    # Logits for the whole context are 5 GB per cached state with a 152k vocabulary.
    assert option(command, "--logits_all") == "false"
    assert (
        option(command, "--cache_type") == "ram"
        and int(option(command, "--cache_size")) == RAM_CACHE_BYTES <= 512 * 1024 * 1024
    )
    assert "--chat_format" not in command, "the model's own chat template is used"


def test_a_server_that_dies_while_starting_is_one_error_naming_its_log(tmp_path: Path) -> None:
    pytest.importorskip("llama_cpp")
    log = tmp_path / "server.log"
    server = LocalModelServer(tmp_path / "missing.gguf", threads=1, log=log)
    with pytest.raises(LocalModelError, match=r"exited with code \d+ while starting; its log is .*server\.log"):
        server.start(timeout_s=60)
    assert log.read_text().strip(), "the server's own output is kept for the user"
    assert sys.executable in server.command()


def test_requests_carry_what_llama_cpp_reads() -> None:
    from langchain_core.messages import AIMessage, HumanMessage

    from frontdesk.llm.local.client import LlamaCppChatOpenAI

    client = LlamaCppChatOpenAI(model="local", base_url="http://127.0.0.1:9/v1", api_key="local")
    calling = AIMessage("", tool_calls=[{"name": "f", "args": {}, "id": "c1"}])
    payload = client._get_request_payload([HumanMessage("hi"), calling], max_tokens=1)
    assert payload["max_tokens"] == 1 and "max_completion_tokens" not in payload, (
        "llama.cpp ignores max_completion_tokens"
    )
    assert payload["messages"][1]["content"] == "", "llama.cpp refuses null content"


FAKE_SERVER = """
import http.server, json, os, signal, sys

class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        self._answer(200, {"object": "list", "data": [{"id": "local"}]})

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if sys.argv[2] == "crash":
            print("computing...", flush=True)
            os.kill(os.getpid(), signal.SIGILL)
        self._answer(200 if sys.argv[2] == "ok" else 500, {"choices": [{"text": "k"}]})

    def _answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
"""


class ScriptedServer(LocalModelServer):
    """The server's process, with an HTTP server of the test's in place of llama.cpp (which
    would need a CPU missing an instruction to crash this way)."""

    def __init__(self, tmp_path: Path, behaviour: str) -> None:
        super().__init__(tmp_path / "m.gguf", threads=1, log=tmp_path / "server.log")
        self.behaviour = behaviour

    def command(self) -> list[str]:
        return [sys.executable, "-c", FAKE_SERVER, str(self.port), self.behaviour]


@pytest.fixture
def llama_cpp_importable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "llama_cpp", types.ModuleType("llama_cpp"))


@pytest.mark.usefixtures("llama_cpp_importable")
def test_a_server_that_dies_on_its_first_completion_fails_at_start_saying_how_to_rebuild(tmp_path: Path) -> None:
    server = ScriptedServer(tmp_path, "crash")
    with pytest.raises(LocalModelError) as failed:
        server.start(timeout_s=30)
    message = str(failed.value)
    assert "crashed on its first completion (SIGILL)" in message
    assert f'CMAKE_ARGS="{PORTABLE_BUILD}"' in message and "--no-cache-dir llama-cpp-python" in message
    assert message.endswith(f"its log is {tmp_path / 'server.log'}")
    assert "computing..." in (tmp_path / "server.log").read_text()


@pytest.mark.usefixtures("llama_cpp_importable")
@pytest.mark.parametrize("behaviour", ["ok", "error"])
def test_a_server_that_answers_its_first_completion_or_survives_an_error_starts(tmp_path: Path, behaviour: str) -> None:
    server = ScriptedServer(tmp_path, behaviour).start(timeout_s=30)
    try:
        assert server._process is not None and server._process.poll() is None
    finally:
        server.stop()


def test_a_crash_by_another_signal_or_exit_code_is_named() -> None:
    assert crash_message(-signal.SIGSEGV) == "the local model server crashed on its first completion (SIGSEGV)"
    assert crash_message(3) == "the local model server exited with code 3 on its first completion"


def test_the_portable_build_turns_off_native_instructions() -> None:
    assert "-DGGML_NATIVE=OFF" in PORTABLE_BUILD and "AMX" not in PORTABLE_BUILD
    ci = (Path(__file__).resolve().parents[2] / ".ci" / "run").read_text()
    readme = (Path(__file__).resolve().parents[2] / "docs" / "guides" / "local-model.md").read_text()
    assert f'CMAKE_ARGS="{PORTABLE_BUILD}"' in ci and f'CMAKE_ARGS="{PORTABLE_BUILD}"' in readme, (
        "CI and the docs build llama.cpp this way"
    )
