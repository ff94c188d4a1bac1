"""Session tokens: which customer an MCP client acts for.

An operator issues a token for one customer (``frontdesk mcp token issue CUSTOMER``) and
hands it to the client; every MCP session presents it (``Authorization: Bearer`` over
HTTP, ``--token``/``FRONTDESK_MCP_TOKEN`` for stdio) and every call in that session acts
for that customer only, whatever its arguments say. Only a hash of the token is stored,
so a copy of the database does not give anyone a session; tokens expire and can be revoked.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, select

from frontdesk.persistence.clock import as_utc, utc_now

PREFIX = "fdmcp_"


class McpSessionToken(SQLModel, table=True):
    """An issued token (its hash), the customer it acts for, and until when."""

    __tablename__ = "frontdesk_mcp_tokens"

    token_hash: str = Field(primary_key=True)
    customer_id: str = Field(index=True)
    label: str = ""
    created_at: datetime = Field(default_factory=utc_now)
    expires_at: datetime | None = None
    revoked_at: datetime | None = None


def ensure_tables(engine: Engine) -> None:
    McpSessionToken.__table__.create(engine, checkfirst=True)  # type: ignore[attr-defined]


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue(
    engine: Engine, customer_id: str, *, label: str = "", valid_for: timedelta | None = timedelta(days=30)
) -> str:
    """A new token for ``customer_id`` (shown once; only its hash is kept)."""
    ensure_tables(engine)
    token = PREFIX + secrets.token_urlsafe(32)
    expires = utc_now() + valid_for if valid_for is not None else None
    with Session(engine) as session:
        session.add(McpSessionToken(token_hash=_hash(token), customer_id=customer_id, label=label, expires_at=expires))
        session.commit()
    return token


def customer_for(engine: Engine, token: str) -> tuple[str, datetime | None] | None:
    """``(customer id, expiry)`` of a valid token; None for an unknown, expired or revoked one."""
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    ensure_tables(engine)
    with Session(engine) as session:
        row = session.get(McpSessionToken, _hash(token))
    if row is None or row.revoked_at is not None:
        return None
    expires = as_utc(row.expires_at) if row.expires_at is not None else None
    if expires is not None and expires <= utc_now():
        return None
    return row.customer_id, expires


def revoke(engine: Engine, token: str) -> bool:
    """Revoke ``token``; False when it was not issued here (or already revoked)."""
    ensure_tables(engine)
    with Session(engine) as session:
        row = session.get(McpSessionToken, _hash(token))
        if row is None or row.revoked_at is not None:
            return False
        row.revoked_at = utc_now()
        session.add(row)
        session.commit()
    return True


def revoke_customer(engine: Engine, customer_id: str) -> int:
    """Revoke every live token of ``customer_id``; how many were revoked."""
    ensure_tables(engine)
    with Session(engine) as session:
        rows = session.exec(
            select(McpSessionToken).where(
                McpSessionToken.customer_id == customer_id,
                McpSessionToken.revoked_at.is_(None),  # type: ignore[union-attr]
            )
        ).all()
        for row in rows:
            row.revoked_at = utc_now()
            session.add(row)
        session.commit()
    return len(rows)
