"""A customer the host site has already signed in: a signed identity starts the thread as theirs.

The host's server signs ``customer_id`` and an expiry with a secret it shares with frontdesk
(``FRONTDESK_IDENTITY_SECRET``, never the key that signs customer sessions):
``hex(HMAC-SHA256(secret, "<customer_id>:<expires_at>"))``, ``expires_at`` in Unix seconds.
The widget passes the three values when it opens a thread. frontdesk refuses a signature that
does not match, one past its expiry or more than an hour ahead, and one already used (a copied
page cannot open a second thread as that customer). Used signatures are kept in the domain
database until they expire, so every process and machine refuses the same replay.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import UTC, datetime

from fastapi import HTTPException
from pydantic import BaseModel, Field
from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field as Column
from sqlmodel import Session, SQLModel

MAX_AHEAD_S = 3600
"""How far ahead an expiry may be: a signature is for opening one chat now, not a standing pass."""


class SignedIdentity(BaseModel):
    """What the host site hands the widget for a signed-in customer."""

    customer_id: str = Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_.@+-]+$")
    expires_at: int = Field(description="Unix seconds after which the signature is refused")
    signature: str = Field(min_length=64, max_length=64, pattern=r"^[0-9a-f]+$")


class UsedIdentity(SQLModel, table=True):
    """A signature that has opened a thread (kept until it expires)."""

    __tablename__ = "frontdesk_used_identities"
    signature: str = Column(primary_key=True)
    customer_id: str
    expires_at: datetime


def identity_signature(secret: bytes, customer_id: str, expires_at: int) -> str:
    """What the host's server computes (the same in any language: HMAC-SHA256, hex)."""
    return hmac.new(secret, f"{customer_id}:{expires_at}".encode(), hashlib.sha256).hexdigest()


def verified_customer(identity: SignedIdentity, secret: bytes | None, engine: Engine | None) -> str:
    """The customer ``identity`` vouches for, or a 403 naming why (also when no identity secret is configured)."""
    if secret is None:
        raise HTTPException(403, "identity: signed identities are off on this server (FRONTDESK_IDENTITY_SECRET)")
    expected = identity_signature(secret, identity.customer_id, identity.expires_at)
    if not hmac.compare_digest(expected, identity.signature):
        raise HTTPException(403, "identity: the signature does not match")
    now = int(time.time())
    if identity.expires_at < now:
        raise HTTPException(403, "identity: the signature has expired")
    if identity.expires_at > now + MAX_AHEAD_S:
        raise HTTPException(403, f"identity: the expiry is more than {MAX_AHEAD_S} s ahead")
    if engine is not None:
        _use_once(engine, identity)
    return identity.customer_id


def create_identity_table(engine: Engine) -> None:
    """The table of used signatures, made once when the server opens (safe on every start)."""
    SQLModel.metadata.create_all(engine, tables=[UsedIdentity.__table__])  # type: ignore[attr-defined]


def _use_once(engine: Engine, identity: SignedIdentity) -> None:
    expires = datetime.fromtimestamp(identity.expires_at, UTC)
    with Session(engine) as session:
        now = datetime.now(UTC)
        session.exec(delete(UsedIdentity).where(UsedIdentity.expires_at < now))  # type: ignore[arg-type]
        session.add(UsedIdentity(signature=identity.signature, customer_id=identity.customer_id, expires_at=expires))
        try:
            session.commit()
        except IntegrityError:
            raise HTTPException(403, "identity: this signature has already been used") from None
