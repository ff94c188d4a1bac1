"""The scripted model with simulated latency, and the clock that tells model time apart.

Why latency lives here and not in the frameworks: the benchmark reports *framework*
overhead per turn as turn wall time minus model time. If the wait were a ``sleep`` in each
framework's code, every framework would need its own hook and could account for it
differently; inside the model, every framework pays it exactly where a real model call
would be paid, and the model itself records how long it waited.

The sync path (``invoke``) blocks with ``time.sleep`` like a blocking HTTP client; the
async path (``ainvoke``) awaits ``asyncio.sleep`` like an async client, so a framework
that calls the model asynchronously can overlap many conversations on one thread.
"""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatResult
from pydantic import Field

from frontdesk.llm.scripted import Script, ScriptedChatModel


@dataclass
class ModelClock:
    """Model calls made and seconds spent waiting on the (simulated) model.

    Shared by all models of one run; thread-safe because frameworks call models from
    worker threads (CrewAI, LangGraph's sync nodes under ``ainvoke``).
    """

    calls: int = 0
    seconds: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, seconds: float) -> None:
        with self._lock:
            self.calls += 1
            self.seconds += seconds

    def reading(self) -> tuple[int, float]:
        """``(calls, seconds)`` so far; subtract two readings to get one turn's share."""
        with self._lock:
            return self.calls, self.seconds


class TimedScriptedChatModel(ScriptedChatModel):
    """:class:`ScriptedChatModel` that waits ``latency_s`` per call and records it on ``clock``.

    The recorded time is the measured wait (not the nominal latency), so a sleep that
    overshoots is counted as model time rather than blamed on the framework.
    """

    latency_s: float = 0.0
    clock: Any = Field(default=None, exclude=True)

    def _generate(
        self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager: Any = None, **kwargs: Any
    ) -> ChatResult:
        started = time.perf_counter()
        if self.latency_s > 0:
            time.sleep(self.latency_s)
        self._record(time.perf_counter() - started if self.latency_s > 0 else 0.0)
        return super()._generate(messages, stop, run_manager, **kwargs)

    async def _agenerate(
        self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager: Any = None, **kwargs: Any
    ) -> ChatResult:
        started = time.perf_counter()
        if self.latency_s > 0:
            await asyncio.sleep(self.latency_s)
        self._record(time.perf_counter() - started if self.latency_s > 0 else 0.0)
        return super()._generate(messages, stop, None, **kwargs)

    def _record(self, seconds: float) -> None:
        if self.clock is not None:
            self.clock.add(seconds)


def timed_model(script: Script, agent: str, latency_s: float, clock: ModelClock | None) -> BaseChatModel:
    """One agent's view of ``script``, with latency and clock."""
    return TimedScriptedChatModel(script=script, agent=agent, latency_s=latency_s, clock=clock)


class TimedScriptedModels:
    """A frontdesk model provider (``for_agent``) handing out timed scripted models.

    One model per agent, kept: an app is built with its model objects once, so a new
    object per call would charge frontdesk for binding tools and LangChain's serialising
    of a model on every step, which no deployment pays.
    """

    def __init__(self, script: Script, latency_s: float, clock: ModelClock | None) -> None:
        self.script = script
        self.latency_s = latency_s
        self.clock = clock
        self._models: dict[str, BaseChatModel] = {}

    def for_agent(self, agent: str) -> BaseChatModel:
        model = self._models.get(agent)
        if model is None:
            model = self._models[agent] = timed_model(self.script, agent, self.latency_s, self.clock)
        return model
