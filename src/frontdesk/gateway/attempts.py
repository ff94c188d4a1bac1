"""One model of a chain and its attempts: the retry policy both call paths share.

Why its own module: the sync path (``try_route`` here) and the async path
(:mod:`frontdesk.gateway.aio`) must take the same decisions — how long one request may take,
when to stop retrying (attempts spent, the deadline reached, or ``Retry-After`` asking to
wait past it), how long to back off, and what a failed model leaves on the span. Kept
beside the ``Route`` they act on, they need nothing from the chat model that runs the chain.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pybreaker
from langchain_core.language_models import BaseChatModel
from langchain_core.language_models.chat_models import generate_from_stream
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatResult
from opentelemetry import trace
from tenacity import RetryCallState, Retrying, retry_if_exception
from tenacity.wait import wait_exponential_jitter

from frontdesk.config.gateway import GatewayConfig
from frontdesk.gateway.breakers import BREAKERS, guarded_call
from frontdesk.gateway.limits import LIMITS, EndpointLimits
from frontdesk.gateway.transient import is_endpoint_failure, is_transient, reason_of, retry_after_s
from frontdesk.tracing import instrument


@dataclass(frozen=True)
class Route:
    """One model of a chain: its name (for spans), its endpoint key (breaker, limits) and the model."""

    name: str
    key: str
    model: BaseChatModel
    rpm: int | None = None
    tpm: int | None = None
    timeout_s: float | None = None


def call_model(
    model: BaseChatModel, messages: list[BaseMessage], stop: Any, run_manager: Any, **kwargs: Any
) -> ChatResult:
    """One request to a model; a streaming one streams (its tokens reach the caller's callbacks) and is assembled."""
    if getattr(model, "streaming", False):
        return generate_from_stream(model._stream(messages, stop=stop, run_manager=run_manager, **kwargs))
    return model._generate(messages, stop=stop, run_manager=run_manager, **kwargs)


def guards_of(route: Route, config: GatewayConfig) -> tuple[pybreaker.CircuitBreaker, EndpointLimits | None]:
    """The endpoint's breaker and rate limits, shared by every chain that uses the endpoint."""
    breaker = BREAKERS.for_endpoint(route.key, failures=config.breaker_failures, cooldown_s=config.breaker_cooldown_s)
    return breaker, LIMITS.for_endpoint(route.key, route.rpm, route.tpm)


def patience_s(ends: float, *, last: bool) -> float:
    """How long a call may wait its turn under rate limits: until the deadline for the chain's
    last model, at most half the time left while another model could still answer."""
    return max(0.0, ends - time.monotonic()) * (1.0 if last else 0.5)


def request_timeout(route: Route, ends: float) -> float | None:
    """The request timeout of one attempt: the route's or model's own, never past the call's deadline."""
    left = max(0.1, ends - time.monotonic())
    own = getattr(route.model, "request_timeout", None)
    if own is None and route.timeout_s is None:
        return None
    return min(route.timeout_s or (own if isinstance(own, int | float) else left), left)


def stop_after(attempts: int, ends: float) -> Callable[[RetryCallState], bool]:
    """Stop when the attempts are spent, the deadline has passed, or the endpoint asked to wait past it."""

    def stop(state: RetryCallState) -> bool:
        if state.attempt_number >= attempts or ends - time.monotonic() <= 0:
            return True
        exc = state.outcome.exception() if state.outcome else None
        asked = retry_after_s(exc) if exc else None
        return asked is not None and asked >= ends - time.monotonic()  # asked to wait past the deadline: next model now

    return stop


def backoff(config: GatewayConfig, ends: float) -> Callable[[RetryCallState], float]:
    """Exponential backoff with jitter, at least what ``Retry-After`` asked, never past the deadline."""
    exponential = wait_exponential_jitter(
        multiplier=config.backoff_s, max=config.max_backoff_s, jitter=config.backoff_s
    )

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        asked = retry_after_s(exc) if exc else None
        chosen = exponential(state) if asked is None else max(asked, 0.0)
        return max(0.0, min(chosen, ends - time.monotonic()))

    return wait


def note_retry(route: Route, state: RetryCallState) -> None:
    """A retry event on the call's span: which model, which attempt, why."""
    exc = state.outcome.exception() if state.outcome else None
    instrument.event(
        "frontdesk.gateway.retry",
        **{
            "frontdesk.gateway.model": route.name,
            "frontdesk.gateway.attempt": state.attempt_number,
            "frontdesk.gateway.reason": reason_of(exc) if exc else "?",
        },
    )


def note_failure(route: Route, exc: Exception, attempts: int, failures: list[str]) -> None:
    """Note why ``route`` could not answer (its breaker is open, or its endpoint failed); re-raise anything else, a
    bug."""
    if isinstance(exc, pybreaker.CircuitBreakerError):
        instrument.event(
            "frontdesk.gateway.skipped",
            **{"frontdesk.gateway.model": route.name, "frontdesk.gateway.breaker.state": "open"},
        )
        failures.append(f"{route.name}: breaker open")
        return
    if not is_endpoint_failure(exc):
        raise exc
    instrument.event(
        "frontdesk.gateway.failed",
        **{
            "frontdesk.gateway.model": route.name,
            "frontdesk.gateway.reason": reason_of(exc),
            "frontdesk.gateway.attempts": attempts,
        },
    )
    failures.append(f"{route.name}: {reason_of(exc)} after {attempts} attempt(s)")


def retry_policy(config: GatewayConfig, attempts: int, route: Route, ends: float) -> dict[str, Any]:
    """tenacity's arguments for one model's attempts: the same for the blocking and the awaited loop."""
    return {
        "stop": stop_after(attempts, ends),
        "wait": backoff(config, ends),
        "retry": retry_if_exception(is_transient),
        "before_sleep": lambda state: note_retry(route, state),
        "reraise": True,
    }


def attempt_options(kwargs: dict[str, Any], route: Route, ends: float) -> dict[str, Any]:
    """The call's options for one attempt, with its request timeout when the route or model has one."""
    timeout = request_timeout(route, ends)
    return {**kwargs, "timeout": timeout} if timeout is not None else dict(kwargs)


def try_route(
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
    """One model's attempts, blocking; None (with the reason noted) when it cannot answer."""
    breaker, limits = guards_of(route, config)
    if limits is not None and not limits.wait_turn(messages, patience_s(ends, last=last)):
        failures.append(f"{route.name}: rate limit wait past the deadline")
        return None
    made = 0

    def attempt() -> ChatResult:
        nonlocal made
        made += 1
        options = attempt_options(kwargs, route, ends)
        result: ChatResult = guarded_call(breaker, call_model, route.model, messages, stop, run_manager, **options)
        return result

    try:
        for trying in Retrying(**retry_policy(config, attempts, route, ends)):
            with trying:
                result = attempt()
        trace.get_current_span().set_attribute("frontdesk.gateway.attempts", made)
        return result
    except Exception as exc:
        note_failure(route, exc, made, failures)
    return None
