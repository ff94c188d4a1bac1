"""Which model-call failures are worth another attempt, and how long the endpoint asked us to wait.

Timeouts, refused connections, 429 and 5xx are the endpoint's trouble and pass; a 400 or a
401 will fail the same way every time, so it goes straight to the next model in the chain
instead of being retried. An incomplete stream (cut arguments, no ``finish_reason``) is
retried: the next attempt usually arrives whole.
"""

from __future__ import annotations

import email.utils
import time
from typing import Any

from frontdesk.llm.errors import IncompleteOutput

TRANSIENT_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504, 529})


def causes(exc: BaseException) -> list[BaseException]:
    """``exc`` and what it wraps (clients re-raise transport errors as their own)."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain and len(chain) < 8:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def status_of(exc: BaseException) -> int | None:
    for error in causes(exc):
        status = getattr(error, "status_code", None)
        if isinstance(status, int):
            return status
    return None


NETWORK_ERRORS = frozenset(
    {
        "APITimeoutError",
        "APIConnectionError",
        "ConnectError",
        "ReadTimeout",
        "ConnectTimeout",
        "RemoteProtocolError",
        "ReadError",
    }
)


def is_transient(exc: BaseException) -> bool:
    """True for failures another attempt may not hit: network trouble, overload, an incomplete stream."""
    for error in causes(exc):
        if (
            isinstance(error, IncompleteOutput | TimeoutError | ConnectionError)
            or type(error).__name__ in NETWORK_ERRORS
        ):
            return True
        status = status_of(error)
        if status is not None:
            return status in TRANSIENT_STATUS
    return False


def retry_after_s(exc: BaseException) -> float | None:
    """Seconds the endpoint asked for in ``Retry-After`` (seconds or an HTTP date), if any."""
    response: Any = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    value = headers.get("retry-after-ms")
    if value is not None:
        try:
            return max(0.0, float(value) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        moment = email.utils.parsedate_to_datetime(value) if value else None
        return None if moment is None else max(0.0, moment.timestamp() - time.time())


def reason_of(exc: BaseException) -> str:
    """A short, content-free label for spans and tickets: ``http_429``, ``timeout``, ``APIConnectionError``."""
    status = status_of(exc)
    if status is not None:
        return f"http_{status}"
    chain = causes(exc)
    if any(isinstance(error, IncompleteOutput) for error in chain):
        return "incomplete_output"
    if any(isinstance(error, TimeoutError) or "Timeout" in type(error).__name__ for error in chain):
        return "timeout"
    if any(isinstance(error, ConnectionError) or "Connect" in type(error).__name__ for error in chain):
        return "connection_error"
    return type(exc).__name__


def is_endpoint_failure(exc: BaseException) -> bool:
    """The endpoint's fault (network, HTTP status), so another model may answer; anything else is a bug and is
    raised."""
    return is_transient(exc) or status_of(exc) is not None
