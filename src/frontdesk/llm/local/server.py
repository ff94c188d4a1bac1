"""The local model behind an OpenAI-compatible server that frontdesk starts on 127.0.0.1.

Serving the model over HTTP, rather than calling llama.cpp in process, keeps one model
path for every model: agents talk to ``ChatOpenAI`` whether the endpoint is a hosted API,
Ollama or this. The server is ``llama_cpp.server`` (from llama-cpp-python) in a child
process with the model's own chat template. Measured with Qwen2.5-Coder-1.5B: its template
made real tool calls (written as ``<tools>{...}</tools>`` text, which the agent node
recovers), and a forced tool choice — the grader's verdict — comes back grammar-constrained
as a proper ``tool_calls`` entry; ``chatml-function-calling`` ignored tools unless
``tool_choice`` was sent and then often answered with nothing. It listens on a free
loopback port and is stopped when the process exits.
"""

from __future__ import annotations

import atexit
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from frontdesk.llm.local_errors import LocalModelError

MODEL_ALIAS = "local"
CHAT_FORMAT: str | None = None
"""``None``: the model's own chat template (from the GGUF), which it was trained to call tools with."""


RAM_CACHE_BYTES = 320 * 1024 * 1024
"""Room for three saved prompt states as llama.cpp counts them (~100 MB each at 8k context).

The count leaves out each state's copy of the logits buffer (311 MB with ``--logits_all
false``; 5 GB with the server's default), so the defaults together let one server grow
past 21 GB in a tau2 run until the machine killed it.
"""


PORTABLE_BUILD = "-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"
"""``CMAKE_ARGS`` for a llama.cpp build that runs on any x86-64 CPU with AVX2 (``.ci/run`` and the README use it).

A native build compiles in every instruction set the CPU advertises. A virtual machine's CPU
may advertise AMX that its kernel or hypervisor never enables: llama.cpp then loads and
serves ``/models``, and dies with SIGILL on its first completion.
"""


FIRST_PROMPT = "Reply with one word: is the support desk ready to answer customers today?"
"""What the server is asked when it starts (see ``LocalModelServer._first_completion``)."""


def default_threads() -> int:
    """One thread per core but one, at most four: on a busy 2-core machine a second thread slows generation sharply."""
    return max(1, min(4, (os.cpu_count() or 2) - 1))


def default_batch_threads() -> int:
    """Prompt evaluation is batched and scales with cores (2,700 prompt tokens: 67 s on one thread, 47 s on two)."""
    return max(1, min(4, os.cpu_count() or 2))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LocalModelServer:
    """``llama_cpp.server`` serving one GGUF file on 127.0.0.1 (a context manager, or start/stop)."""

    def __init__(
        self,
        model: Path,
        *,
        threads: int | None = None,
        batch_threads: int | None = None,
        context: int = 8192,
        log: Path | None = None,
        chat_format: str | None = CHAT_FORMAT,
    ) -> None:
        self.model = model
        self.chat_format = chat_format
        self.threads = threads or default_threads()
        self.batch_threads = batch_threads or self.threads
        self.context = context
        self.port = _free_port()
        self.log = log
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(self.model),
            "--model_alias",
            MODEL_ALIAS,
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--n_threads",
            str(self.threads),
            "--n_threads_batch",
            str(self.batch_threads),
            "--n_ctx",
            str(self.context),
            # The server keeps logits for every context position by default: 8k positions ×
            # a 152k-token vocabulary is 5 GB, copied again into every cached prompt state.
            "--logits_all",
            "false",
            # Agents alternate (customer service, grader, researcher, a simulated customer):
            # a RAM cache of evaluated prompts lets each one's long prefix (instructions +
            # tool schemas) be evaluated once instead of on every switch (~50 s → ~6-13 s).
            "--cache",
            "true",
            "--cache_type",
            "ram",
            "--cache_size",
            str(RAM_CACHE_BYTES),
            *(["--chat_format", self.chat_format] if self.chat_format else []),
        ]

    def start(self, timeout_s: float = 180.0) -> LocalModelServer:
        try:
            import llama_cpp  # noqa: PLC0415, F401 — optional (extra local)
        except ImportError:
            raise LocalModelError(
                "the local model needs llama-cpp-python: install it with pip install 'frontdesk[local]'"
            ) from None
        output = self.log.open("ab") if self.log else subprocess.DEVNULL
        self._process = subprocess.Popen(self.command(), stdout=output, stderr=subprocess.STDOUT)
        atexit.register(self.stop)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                where = f"; its log is {self.log}" if self.log else ""
                raise LocalModelError(
                    f"the local model server exited with code {self._process.returncode} while starting{where}"
                )
            try:
                with urllib.request.urlopen(f"{self.base_url}/models", timeout=2) as response:
                    if response.status == 200:
                        self._first_completion(max(5.0, deadline - time.monotonic()))
                        return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.5)
        self.stop()
        raise LocalModelError(f"the local model server did not answer on {self.base_url} within {timeout_s:.0f} s")

    def _first_completion(self, timeout_s: float) -> None:
        """Ask for one token now, so a server that cannot compute fails here, in one clear error,
        and not as a "connection error" on the first customer's message."""
        # A prompt of a dozen tokens: llama.cpp evaluates it as one batch, through the same
        # matrix kernels as a real prompt (a one-token prompt skipped them and passed on a
        # build that then crashed on every real message).
        payload = json.dumps({"prompt": FIRST_PROMPT, "max_tokens": 1}).encode()
        request = urllib.request.Request(
            f"{self.base_url}/completions", data=payload, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout_s) as response:
                response.read()
            return
        except urllib.error.HTTPError:
            return  # it answered: an endpoint's error is the calls' business
        except (urllib.error.URLError, OSError):
            pass  # no answer: did it die?
        process = self._process
        try:
            code = process.wait(timeout=5) if process is not None else None
        except subprocess.TimeoutExpired:
            return
        where = f"; its log is {self.log}" if self.log else ""
        raise LocalModelError(crash_message(code) + where)

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def __enter__(self) -> LocalModelServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def crash_message(code: int | None) -> str:
    """What a server's exit on its first completion means, and for SIGILL what to do."""
    name = _signal_name(code)
    if name is not None:
        if name == "SIGILL":
            return (
                "the local model server crashed on its first completion (SIGILL): llama.cpp was built for CPU "
                "instructions this machine "
                f'does not run; rebuild it portable: CMAKE_ARGS="{PORTABLE_BUILD}" pip install --force-reinstall '
                "--no-deps --no-cache-dir llama-cpp-python"
            )
        return f"the local model server crashed on its first completion ({name})"
    return f"the local model server exited with code {code} on its first completion"


def _signal_name(code: int | None) -> str | None:
    """``SIGILL`` for a child killed by it (``Popen`` gives ``-signal``), ``None`` for an exit code."""
    if code is None or code >= 0:
        return None
    try:
        return signal.Signals(-code).name
    except ValueError:
        return None
