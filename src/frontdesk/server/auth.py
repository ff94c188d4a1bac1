"""Who may call what: operators by API key, customers by a per-thread token.

The customer token is an HMAC of the thread id under the server's secret, so it can be
checked without storing anything and cannot be forged for another thread.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path

from fastapi import Header, HTTPException


def server_secret(data_dir: Path, configured: str | None) -> bytes:
    """The configured secret, or one generated once and kept in the data dir."""
    if configured:
        return configured.encode()
    path = data_dir / "server-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip().encode()


def customer_token(secret: bytes, thread_id: str) -> str:
    return hmac.new(secret, thread_id.encode(), hashlib.sha256).hexdigest()


class Guards:
    """FastAPI dependencies checking the two kinds of caller."""

    def __init__(self, secret: bytes, api_key: str | None) -> None:
        self.secret = secret
        self.api_key = api_key

    def customer(self, thread_id: str, x_customer_token: str | None = Header(default=None)) -> str:
        if not x_customer_token:
            raise HTTPException(401, "missing X-Customer-Token header (returned when the thread was created)")
        if not _same(x_customer_token, customer_token(self.secret, thread_id)):
            raise HTTPException(403, "this token does not give access to this thread")
        return thread_id

    def operator(self, x_api_key: str | None = Header(default=None)) -> None:
        if self.api_key is None:
            raise HTTPException(403, "operator endpoints are disabled: set FRONTDESK_API_KEY on the server")
        if not x_api_key:
            raise HTTPException(401, "missing X-API-Key header")
        if not _same(x_api_key, self.api_key):
            raise HTTPException(403, "wrong API key")


def _same(given: str, expected: str) -> bool:
    """Constant-time comparison that also refuses (rather than crashes on) non-ASCII header values."""
    return hmac.compare_digest(given.encode("utf-8", "surrogateescape"), expected.encode("utf-8"))
