"""Requests and tokens per minute per endpoint: calls wait their turn rather than fail.

One limiter per endpoint, shared by the process's conversations, first come first served
(pyrate-limiter's blocking acquire), so one busy conversation cannot starve the rest and an
endpoint's quota is never overrun into 429s. Tokens are counted before the call from the
prompt (about four characters a token) plus the reply budget; a wait longer than the call's
deadline gives up and the next model in the chain answers.
"""

from __future__ import annotations

import threading
from typing import Any

from pyrate_limiter import Duration, Limiter, Rate

from frontdesk.tracing import instrument

CHARS_PER_TOKEN = 4
REPLY_TOKENS = 512
"""Tokens reserved for the reply when counting a call against tokens per minute."""


def estimate_tokens(messages: Any) -> int:
    return sum(len(str(getattr(m, "content", m))) for m in messages or []) // CHARS_PER_TOKEN + REPLY_TOKENS


class EndpointLimits:
    """The limiters of one endpoint (either may be absent)."""

    def __init__(self, key: str, rpm: int | None, tpm: int | None) -> None:
        self.key = key
        self.requests = Limiter(Rate(rpm, Duration.MINUTE)) if rpm else None
        self.tokens = Limiter(Rate(tpm, Duration.MINUTE)) if tpm else None
        self.tpm = tpm

    def wait_turn(self, messages: Any, timeout_s: float) -> bool:
        """Wait (at most ``timeout_s``) until this call fits the endpoint's limits; False if it does not in time."""
        if self.requests is not None and not self.requests.try_acquire(self.key, 1, blocking=True, timeout=timeout_s):
            instrument.event(
                "frontdesk.gateway.rate_limited",
                **{"frontdesk.gateway.endpoint": self.key, "frontdesk.gateway.limit": "rpm"},
            )
            return False
        if self.tokens is not None and self.tpm is not None:
            weight = min(estimate_tokens(messages), self.tpm)
            if not self.tokens.try_acquire(self.key, weight, blocking=True, timeout=timeout_s):
                instrument.event(
                    "frontdesk.gateway.rate_limited",
                    **{"frontdesk.gateway.endpoint": self.key, "frontdesk.gateway.limit": "tpm"},
                )
                return False
        return True


class Limits:
    """The process's endpoint limiters by key."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_key: dict[str, EndpointLimits] = {}

    def for_endpoint(self, key: str, rpm: int | None, tpm: int | None) -> EndpointLimits | None:
        if not rpm and not tpm:
            return None
        with self._lock:
            limits = self._by_key.get(key)
            if limits is None:
                limits = self._by_key[key] = EndpointLimits(key, rpm, tpm)
            return limits


LIMITS = Limits()
