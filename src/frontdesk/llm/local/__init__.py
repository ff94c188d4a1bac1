"""A real model with no network and no key: the ``local`` extra.

``local_chat_model`` joins the weight parts on first use (with a progress bar), starts the
OpenAI-compatible server on 127.0.0.1 once per process, and returns a ``ChatOpenAI`` that
talks to it — the same client every other endpoint gets.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from pydantic import SecretStr
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

from frontdesk.llm.http_clients import model_async_client
from frontdesk.llm.local.client import LlamaCppChatOpenAI
from frontdesk.llm.local.server import MODEL_ALIAS, LocalModelServer, default_batch_threads, default_threads
from frontdesk.llm.local.weights import QWEN_1_5B
from frontdesk.llm.local_errors import LocalModelError
from frontdesk.terminal import err_console

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from frontdesk.config.settings import Settings

__all__ = ["LocalModelError", "LocalModelServer", "default_threads", "local_chat_model", "local_server"]

REPLY_TOKENS = 384
"""The longest output the local model may write per call. A customer-service reply or a tool
call needs far less; a small model that starts repeating itself would otherwise generate
until its context is full (minutes at ~7 tokens/s on one core)."""

_server: LocalModelServer | None = None
_lock = threading.Lock()


def _assemble_with_progress(settings: Settings) -> None:

    with Progress(
        TextColumn("Preparing the local model"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task("assemble", total=None)
        QWEN_1_5B.assemble(settings.data_dir, lambda done, total: bar.update(task, completed=done, total=total))


def local_server(settings: Settings) -> LocalModelServer:
    """The process's local model server, started on first use."""
    global _server
    with _lock:
        if _server is None:
            if not QWEN_1_5B.is_assembled(settings.data_dir):
                _assemble_with_progress(settings)
            model = QWEN_1_5B.assemble(settings.data_dir)
            log = settings.data_dir / "local-model.log"
            threads = settings.local_threads
            _server = LocalModelServer(
                model, threads=threads, batch_threads=threads or default_batch_threads(), log=log
            ).start()
        return _server


def local_chat_model(settings: Settings, *, streaming: bool = False) -> BaseChatModel:
    """``ChatOpenAI`` on the local model (deterministic: temperature 0; ``streaming`` is ignored, see below)."""

    server = local_server(settings)
    return LlamaCppChatOpenAI(
        model=MODEL_ALIAS,
        base_url=server.base_url,
        api_key=SecretStr("local"),
        timeout=max(settings.request_timeout, 600.0),
        http_async_client=model_async_client(max(settings.request_timeout, 600.0)),
        max_retries=0,
        temperature=0,
        max_completion_tokens=REPLY_TOKENS,  # sent as max_tokens (see client)
        # Not streamed, whatever ``streaming`` asks: a small model's tool call arrives as text
        # that is recovered only once complete (streamed, the customer would watch raw JSON),
        # and llama.cpp's streamed forced calls repeat the function name in every chunk.
        # Replies arrive whole, a few seconds each.
        streaming=False,
    )
