"""Warming a local model's prompt cache with the part of the prompt every conversation shares.

A model on the user's own CPU reads a prompt at ~40-60 tokens/s, and a conversation's
first prompt starts with ~600 tokens that never change: the entry agent's instructions
and the schemas of the tools offered whatever the request (see ``usable_tools``' order).
Evaluated once when the app opens — while the customer is still typing — llama.cpp's
prompt cache holds them, and the first reply only reads what is new. Hosted APIs cache
repeated prefixes on their own and bill for every call, so only the bundled local model
is warmed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import BaseMessage

from frontdesk.agents.base import AgentSpec
from frontdesk.agents.intents import Intent
from frontdesk.graphs.agent_prompt import instructions_message
from frontdesk.graphs.offered_tools import always_offered, schemas_of


def shared_prefix(spec: AgentSpec, intents: Sequence[Intent] = ()) -> tuple[list[BaseMessage], list[dict[str, Any]]]:
    """The messages and tools every first prompt of ``spec``'s agent starts with."""
    tools = tuple(tool for tool in spec.tools if not tool.requires_auth and always_offered(tool, intents))
    return [instructions_message(spec)], schemas_of(tools)


@dataclass
class PromptWarmup:
    """A background call that evaluates the shared prefix once; ``wait`` for it, or don't."""

    done: threading.Event = field(default_factory=threading.Event)
    seconds: float | None = None
    error: str | None = None

    def wait(self, timeout: float | None = None) -> bool:
        return self.done.wait(timeout)


def warm_prompt_cache(
    model: Any, spec: AgentSpec, intents: Sequence[Intent] = (), *, first: Callable[[], object] | None = None
) -> PromptWarmup:
    """Send the shared prefix to ``model`` with a one-token answer, in a daemon thread
    (after ``first``: other one-time work, such as embedding the intents' examples).

    A failure only costs the first reply its head start (the model server logs it; the
    first real call reports any real problem), so it is kept on the handle, not raised.
    """
    warmup = PromptWarmup()
    messages, tools = shared_prefix(spec, intents)

    def run() -> None:
        started = time.perf_counter()
        try:
            if first is not None:
                first()
            (model.bind_tools(tools) if tools else model).invoke(messages, max_tokens=1)
        except Exception as exc:  # any failure: see the docstring
            warmup.error = f"{type(exc).__name__}: {exc}"
        finally:
            warmup.seconds = time.perf_counter() - started
            warmup.done.set()

    threading.Thread(target=run, name="frontdesk-prompt-warmup", daemon=True).start()
    return warmup
