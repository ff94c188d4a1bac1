"""The gateway's async path: one model of the chain, awaited, so waiting holds no thread.

The same policy as the sync path (:mod:`frontdesk.gateway.attempts`, whose decisions it calls) — rate limits, the
endpoint's breaker, retries with backoff on transient failures only, one deadline — with
the model awaited (``_agenerate``/``_astream``) and tenacity's ``AsyncRetrying``. What
blocks by nature runs in a worker thread only when it is configured: waiting under rate
limits, and a half-open breaker's single trial (pybreaker's state machine is synchronous;
the trial holds its lock so that it stays the only call, as on the sync path).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import TYPE_CHECKING, Any, TypeVar

import pybreaker
from langchain_core.language_models import BaseChatModel
from langchain_core.language_models.chat_models import agenerate_from_stream
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatResult
from opentelemetry import trace
from tenacity import AsyncRetrying

from frontdesk.config.gateway import GatewayConfig
from frontdesk.gateway.attempts import Route, attempt_options, guards_of, note_failure, patience_s, retry_policy

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

T = TypeVar("T")


async def acall_model(
    model: BaseChatModel, messages: list[BaseMessage], stop: Any, run_manager: Any, **kwargs: Any
) -> ChatResult:
    """One awaited request; a streaming model streams (tokens reach the caller's callbacks)."""
    if getattr(model, "streaming", False):
        return await agenerate_from_stream(model._astream(messages, stop=stop, run_manager=run_manager, **kwargs))
    return await model._agenerate(messages, stop=stop, run_manager=run_manager, **kwargs)


def _nothing() -> None:
    return None


async def guarded_acall(
    breaker: pybreaker.CircuitBreaker, fn: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any
) -> T:
    """``await fn(...)`` under ``breaker``: concurrent while closed, outcome recorded afterwards."""
    if breaker.current_state != pybreaker.STATE_CLOSED:
        loop = asyncio.get_running_loop()

        def trial() -> T:  # in a worker thread, inside breaker.call; the coroutine itself runs on the loop
            return asyncio.run_coroutine_threadsafe(fn(*args, **kwargs), loop).result()  # type: ignore[arg-type]

        return await asyncio.to_thread(breaker.call, trial)
    try:
        result = await fn(*args, **kwargs)
    except BaseException as exc:
        failure = exc

        def fail() -> None:
            raise failure

        with contextlib.suppress(BaseException):
            breaker.call(fail)
        raise
    with contextlib.suppress(pybreaker.CircuitBreakerError):
        breaker.call(_nothing)
    return result


async def try_route(
    config: GatewayConfig,
    attempts: int,
    route: Route,
    messages: list[BaseMessage],
    stop: list[str] | None,
    run_manager: Any,
    kwargs: dict[str, Any],
    ends: float,
    failures: list[str],
    *,
    last: bool,
) -> ChatResult | None:
    """One model's attempts, awaited; None (with the reason noted) when it cannot answer."""
    breaker, limits = guards_of(route, config)
    if limits is not None and not await asyncio.to_thread(limits.wait_turn, messages, patience_s(ends, last=last)):
        failures.append(f"{route.name}: rate limit wait past the deadline")
        return None
    made = 0

    async def attempt() -> ChatResult:
        nonlocal made
        made += 1
        options = attempt_options(kwargs, route, ends)
        left = max(0.1, ends - time.monotonic())
        return await asyncio.wait_for(
            guarded_acall(breaker, acall_model, route.model, messages, stop, run_manager, **options), timeout=left + 1.0
        )

    result: ChatResult | None = None
    try:
        async for trying in AsyncRetrying(**retry_policy(config, attempts, route, ends)):
            with trying:
                result = await attempt()
        trace.get_current_span().set_attribute("frontdesk.gateway.attempts", made)
        return result
    except Exception as exc:
        note_failure(route, exc, made, failures)
    return None
