"""N concurrent conversations on frontdesk's async path, with a durable saver.

Every conversation is the lookup task (order-status: three customer-service model calls
and one grader call per turn) on one compiled support graph, driven with ``ainvoke`` and
checkpointed by LangGraph's ``SqliteSaver`` on a thread of its own
(``open_async_checkpointer``, a SQLite file in a temporary folder) with frontdesk's
``durability="sync"``.

The ideal is what a framework with zero overhead would reach: all N turns waiting on the
model at once, so N turns per *one* turn's model time. Under ``ainvoke`` the agent nodes
(which grade their drafts in the same step) are coroutines that await the model, so waiting
conversations hold no thread; the nodes without a coroutine form (tools, handoff: short
database work) run on the event loop's default thread pool. ``threads`` sets its size:
``0`` = asyncio's own default (``min(32, cpus + 4)``), ``None`` = one thread per
conversation, any other number as given.

Each conversation needs its own script (its own step counters); one graph serves them
all, so the model provider picks the script of the conversation that is calling from a
context variable set by the conversation's task (contexts follow LangGraph into its
worker threads).
"""

from __future__ import annotations

import asyncio
import contextvars
import gc
import os
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage
from langchain_core.outputs import ChatResult
from langgraph.store.memory import InMemoryStore

from frontdesk.app import open_app
from frontdesk.benchmarks.measure import percentile
from frontdesk.benchmarks.model import ModelClock, TimedScriptedChatModel
from frontdesk.benchmarks.tasks import BenchTask, load_tasks
from frontdesk.config.settings import SERVER_GC_THRESHOLDS, Settings
from frontdesk.llm.scripted import Script
from frontdesk.persistence.checkpoint import DURABILITY, open_async_checkpointer
from frontdesk.replay.environment import ReplayEnvironment
from frontdesk.tracing.setup import TracingHandle

_SCRIPT: contextvars.ContextVar[Script] = contextvars.ContextVar("frontdesk_bench_script")


@dataclass
class ConcurrencyResult:
    """Throughput and latency of N concurrent one-turn conversations."""

    conversations: int
    latency_ms: float
    threads: int
    gc_thresholds: tuple[int, int, int] | None = None
    """The collector's thresholds during the run (``None``: Python's own, as they were)."""
    finished: int = 0
    succeeded: int = 0
    wall_s: float = 0.0
    model_calls_per_turn: float = 0.0
    throughput: float = 0.0
    ideal_throughput: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    errors: list[str] = field(default_factory=list)

    @property
    def efficiency(self) -> float:
        """Measured throughput as a share of the ideal."""
        return self.throughput / self.ideal_throughput if self.ideal_throughput else 0.0


class _ConversationModel(TimedScriptedChatModel):
    """One agent's model for every conversation, replaying the calling conversation's script.

    One object per agent, as a deployment has (see ``TimedScriptedModels``); each call
    reads the script of the conversation that makes it from a context variable.
    """

    def _own(self) -> TimedScriptedChatModel:
        return TimedScriptedChatModel(
            script=_SCRIPT.get(), agent=self.agent, latency_s=self.latency_s, clock=self.clock
        )

    def _generate(
        self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager: Any = None, **kwargs: Any
    ) -> ChatResult:
        return self._own()._generate(messages, stop, run_manager, **kwargs)

    async def _agenerate(
        self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager: Any = None, **kwargs: Any
    ) -> ChatResult:
        return await self._own()._agenerate(messages, stop, run_manager, **kwargs)


class _PerConversationModels:
    """A model provider whose scripted models replay the calling conversation's script."""

    def __init__(self, latency_s: float, clock: ModelClock) -> None:
        self.latency_s = latency_s
        self.clock = clock
        self._models: dict[str, BaseChatModel] = {}

    def for_agent(self, agent: str) -> BaseChatModel:
        model = self._models.get(agent)
        if model is None:
            placeholder = Script("conversation", [])  # never read: each call uses its conversation's
            model = self._models[agent] = _ConversationModel(
                script=placeholder, agent=agent, latency_s=self.latency_s, clock=self.clock
            )
        return model


def pool_size(conversations: int, threads: int | None) -> int:
    """The thread-pool size ``threads`` stands for (see the module docstring)."""
    if threads is None:
        return max(conversations, 1)
    return threads or min(32, (os.cpu_count() or 1) + 4)


async def _converse(graph: Any, task: BenchTask) -> tuple[float, bool, str]:
    script = task.frontdesk_script()
    _SCRIPT.set(script)
    config = {"configurable": {"thread_id": f"bench-concurrent-{uuid.uuid4().hex}"}}
    started = time.perf_counter()
    try:
        values = await graph.ainvoke(
            {"messages": [HumanMessage(task.scenario.turns[0].user)]}, config, durability=DURABILITY
        )
    except Exception as exc:  # one failed conversation is counted, not fatal
        return time.perf_counter() - started, False, f"{type(exc).__name__}: {exc}"
    elapsed = time.perf_counter() - started
    reply = str(values["messages"][-1].content)
    ok = task.scenario.turns[0].expect.reply_holds(reply) and not script.leftovers(0)
    return elapsed, ok, "" if ok else f"unexpected end: {reply[:80]!r}, leftovers {script.leftovers(0)}"


async def run_concurrency(
    conversations: int,
    latency_ms: float,
    workdir: Path,
    *,
    threads: int | None = None,
    env: ReplayEnvironment | None = None,
    gc_thresholds: tuple[int, int, int] | None = SERVER_GC_THRESHOLDS,
) -> ConcurrencyResult:
    """Run ``conversations`` lookup conversations at once and measure throughput and p95.

    The process runs with ``gc_thresholds`` meanwhile, as a ``frontdesk serve`` process does
    (default: the server's; ``None`` leaves the interpreter's), and gets its own back after.
    """
    [task] = load_tasks(names=["lookup"])
    size = pool_size(conversations, threads)
    result = ConcurrencyResult(
        conversations=conversations, latency_ms=latency_ms, threads=size, gc_thresholds=gc_thresholds
    )
    own_thresholds = gc.get_threshold()
    loop = asyncio.get_running_loop()
    executor = ThreadPoolExecutor(max_workers=size, thread_name_prefix="bench-node")
    loop.set_default_executor(executor)
    owned = env is None
    env = env or ReplayEnvironment(workdir=workdir / "env")
    engine = env.fresh_domain_db(f"concurrency-{uuid.uuid4().hex[:8]}")
    clock = ModelClock()
    try:
        async with open_async_checkpointer(f"sqlite:///{workdir / 'threads.sqlite'}") as saver:
            parts = {
                "engine": engine,
                "knowledge": env.knowledge,
                "tracing": TracingHandle(tracer=env.tracer),
                "checkpointer": saver,
                "store": InMemoryStore(),
            }
            with open_app(
                Settings(data_dir=workdir),
                model=_PerConversationModels(latency_ms / 1000, clock),
                grade_replies=True,
                **parts,
            ) as app:
                graph = app.graph
                if gc_thresholds is not None:
                    gc.set_threshold(*gc_thresholds)
                started = time.perf_counter()
                outcomes = await asyncio.gather(*(_converse(graph, task) for _ in range(conversations)))
                result.wall_s = time.perf_counter() - started
    finally:
        gc.set_threshold(*own_thresholds)
        engine.dispose()
        if owned:
            env.close()
    latencies = [elapsed * 1000 for elapsed, _ok, _error in outcomes]
    result.finished = len(outcomes)
    result.succeeded = sum(ok for _elapsed, ok, _error in outcomes)
    result.errors = sorted({error for _elapsed, _ok, error in outcomes if error})[:5]
    result.model_calls_per_turn = clock.calls / max(conversations, 1)
    result.throughput = conversations / result.wall_s if result.wall_s else 0.0
    turn_model_s = result.model_calls_per_turn * latency_ms / 1000
    result.ideal_throughput = conversations / turn_model_s if turn_model_s else 0.0
    result.p50_ms, result.p95_ms = percentile(latencies, 50), percentile(latencies, 95)
    return result
