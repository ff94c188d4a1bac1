"""The gateway's async path: one model of the chain, awaited, so waiting holds no thread.

The same policy as the sync path in :mod:`frontdesk.gateway.model` — rate limits, the
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
from tenacity import AsyncRetrying, retry_if_exception

from frontdesk.gateway.breakers import BREAKERS
from frontdesk.gateway.limits import LIMITS
from frontdesk.gateway.transient import is_endpoint_failure, is_transient, reason_of
from frontdesk.tracing import instrument

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from frontdesk.gateway.model import GatewayChatModel, Route

T = TypeVar("T")


async def acall_model(model: BaseChatModel, messages: list[BaseMessage], stop: Any, run_manager: Any, **kwargs: Any) -> ChatResult:
    """One awaited request; a streaming model streams (tokens reach the caller's callbacks)."""
    if getattr(model, "streaming", False):
        return await agenerate_from_stream(model._astream(messages, stop=stop, run_manager=run_manager, **kwargs))
    return await model._agenerate(messages, stop=stop, run_manager=run_manager, **kwargs)


def _nothing() -> None:
    return None


async def guarded_acall(breaker: pybreaker.CircuitBreaker, fn: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
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
    gateway: GatewayChatModel,
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
    settings = gateway.gateway
    breaker = BREAKERS.for_endpoint(route.key, failures=settings.breaker_failures, cooldown_s=settings.breaker_cooldown_s)
    limits = LIMITS.for_endpoint(route.key, route.rpm, route.tpm)
    patience = max(0.0, ends - time.monotonic()) * (1.0 if last else 0.5)
    if limits is not None and not await asyncio.to_thread(limits.wait_turn, messages, patience):
        failures.append(f"{route.name}: rate limit wait past the deadline")
        return None
    options = dict(kwargs)
    attempts = 0

    async def attempt() -> ChatResult:
        nonlocal attempts
        attempts += 1
        left = max(0.1, ends - time.monotonic())
        own = getattr(route.model, "request_timeout", None)
        if own is not None or route.timeout_s is not None:
            options["timeout"] = min(route.timeout_s or (own if isinstance(own, int | float) else left), left)
        return await asyncio.wait_for(guarded_acall(breaker, acall_model, route.model, messages, stop, run_manager, **options), timeout=left + 1.0)

    result: ChatResult | None = None
    try:
        async for trying in AsyncRetrying(
            stop=gateway._stop(ends),
            wait=gateway._wait(ends),
            retry=retry_if_exception(is_transient),
            before_sleep=lambda state: gateway._retrying(route, state),
            reraise=True,
        ):
            with trying:
                result = await attempt()
        trace.get_current_span().set_attribute("frontdesk.gateway.attempts", attempts)
        return result
    except pybreaker.CircuitBreakerError:
        instrument.event("frontdesk.gateway.skipped", **{"frontdesk.gateway.model": route.name, "frontdesk.gateway.breaker.state": "open"})
        failures.append(f"{route.name}: breaker open")
    except Exception as exc:
        if not is_endpoint_failure(exc):
            raise
        instrument.event(
            "frontdesk.gateway.failed",
            **{"frontdesk.gateway.model": route.name, "frontdesk.gateway.reason": reason_of(exc), "frontdesk.gateway.attempts": attempts},
        )
        failures.append(f"{route.name}: {reason_of(exc)} after {attempts} attempt(s)")
    return None
