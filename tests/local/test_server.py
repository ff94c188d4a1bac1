"""How frontdesk starts llama.cpp's server: loopback only, bounded memory, a clear error when it cannot start."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from frontdesk.llm.local.server import RAM_CACHE_BYTES, LocalModelServer
from frontdesk.llm.local.weights import LocalModelError


def option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def test_the_server_listens_on_loopback_with_bounded_memory(tmp_path: Path) -> None:
    command = LocalModelServer(tmp_path / "m.gguf", threads=1, batch_threads=2).command()
    assert option(command, "--host") == "127.0.0.1"
    assert (option(command, "--n_threads"), option(command, "--n_threads_batch")) == ("1", "2")
    # Logits for the whole context are 5 GB per cached state with a 152k vocabulary.
    assert option(command, "--logits_all") == "false"
    assert option(command, "--cache_type") == "ram" and int(option(command, "--cache_size")) == RAM_CACHE_BYTES <= 512 * 1024 * 1024
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
    assert payload["max_tokens"] == 1 and "max_completion_tokens" not in payload, "llama.cpp ignores max_completion_tokens"
    assert payload["messages"][1]["content"] == "", "llama.cpp refuses null content"
