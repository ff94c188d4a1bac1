"""One circuit breaker per endpoint, shared by every conversation in the process.

An endpoint failing again and again is skipped while its breaker is open (no conversation
waits on it), gets one trial call after the cool-down, and is used again once that call
succeeds. Only the endpoint being down counts (see :mod:`.transient`): a bad request is the
caller's problem, and a 429 says the endpoint is up but busy (its rate limit and
``Retry-After`` handle that). Every change of state is a span event and the
``frontdesk.gateway.breaker.open`` metric (1 open, 0 closed) per endpoint.

``pybreaker.CircuitBreaker.call`` holds the breaker's lock for the whole call, which would
let one model call at a time reach an endpoint from the whole process; :func:`guarded_call`
keeps pybreaker's state machine but holds the lock only to consult and update it, except
for the single trial call of a half-open breaker.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import pybreaker
from opentelemetry import metrics

from frontdesk.gateway.transient import is_transient, status_of
from frontdesk.tracing import instrument

_meter = metrics.get_meter("frontdesk.gateway")
_open_gauge = _meter.create_up_down_counter(
    "frontdesk.gateway.breaker.open", description="1 while an endpoint's circuit breaker is open"
)


class _Report(pybreaker.CircuitBreakerListener):
    def state_change(self, cb: pybreaker.CircuitBreaker, old_state: Any, new_state: Any) -> None:
        old, new = getattr(old_state, "name", str(old_state)), getattr(new_state, "name", str(new_state))
        instrument.event(
            "frontdesk.gateway.breaker",
            **{"frontdesk.gateway.endpoint": cb.name, "frontdesk.gateway.breaker.state": new},
        )
        if new == pybreaker.STATE_OPEN and old != pybreaker.STATE_OPEN:
            _open_gauge.add(1, {"frontdesk.gateway.endpoint": str(cb.name)})
        elif old == pybreaker.STATE_OPEN and new != pybreaker.STATE_OPEN:
            _open_gauge.add(-1, {"frontdesk.gateway.endpoint": str(cb.name)})


class Breakers:
    """The process's breakers by endpoint key (a model at a base URL)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_key: dict[str, pybreaker.CircuitBreaker] = {}

    def for_endpoint(self, key: str, *, failures: int, cooldown_s: float) -> pybreaker.CircuitBreaker:
        with self._lock:
            breaker = self._by_key.get(key)
            if breaker is None:
                breaker = pybreaker.CircuitBreaker(
                    fail_max=failures,
                    reset_timeout=cooldown_s,
                    exclude=[lambda exc: not is_transient(exc) or status_of(exc) == 429],
                    listeners=[_Report()],
                    name=key,
                    throw_new_error_on_trip=False,
                )
                self._by_key[key] = breaker
            return breaker

    def state(self, key: str) -> str:
        breaker = self._by_key.get(key)
        return "closed" if breaker is None else str(breaker.current_state)

    def reset(self) -> None:
        """Forget every breaker (tests; a deployment never needs it)."""
        with self._lock:
            self._by_key.clear()


T = TypeVar("T")


def _nothing() -> None:
    return None


def guarded_call(breaker: pybreaker.CircuitBreaker, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)`` under ``breaker``, concurrently with other calls while it is closed.

    Open: refused at once (``CircuitBreakerError``) until the cool-down ends. Half-open:
    the trial goes through ``breaker.call`` (one at a time, as it should). Closed: the call
    runs outside the breaker and its outcome is recorded afterwards, a failure counting
    exactly as it would inside (the same exception, the same exclusions).
    """
    if breaker.current_state != pybreaker.STATE_CLOSED:
        return breaker.call(fn, *args, **kwargs)
    try:
        result = fn(*args, **kwargs)
    except BaseException as exc:
        failure = exc

        def fail() -> None:
            raise failure

        # the breaker re-raises what it recorded (or a breaker error); the caller gets the original
        with contextlib.suppress(BaseException):
            breaker.call(fail)
        raise
    # another call opened it meanwhile; this one still succeeded
    with contextlib.suppress(pybreaker.CircuitBreakerError):
        breaker.call(_nothing)
    return result


BREAKERS = Breakers()
"""Shared by all conversations of the process: an endpoint that is down is down for everyone."""
