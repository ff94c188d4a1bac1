"""The DB session a tool call runs in.

Why its own module: a call's policies (ownership, approval) and the tool itself must read
through one session, so an order the ownership check loaded is the one the tool changes,
and a WRITE's transaction is that session. ``call_session`` opens it for the whole call;
``session_for`` opens one for a tool run on its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy import event
from sqlmodel import Session

if TYPE_CHECKING:
    from frontdesk.tools.base import ToolContext


@contextmanager
def session_for(ctx: ToolContext, *, commit: bool) -> Iterator[None]:
    """Open the call's DB session (if an engine is configured); commit or roll back."""
    if ctx.engine is None or ctx.session is not None:
        yield
        return
    with Session(ctx.engine, expire_on_commit=False) as session:
        ctx.session = session
        try:
            yield
            if commit:
                session.commit()
            else:
                session.rollback()
        except BaseException:
            session.rollback()
            raise
        finally:
            ctx.session = None


class CallSession(Session):
    """A tool call's session: what it loads stays loaded until the call ends.

    SQLAlchemy's identity map holds rows weakly, so an order the ownership check read
    would be gone (and read again) by the time the tool asks for it; the rows are kept in
    ``info`` for the call's short life instead.
    """


@event.listens_for(CallSession, "loaded_as_persistent")
def _keep_loaded(session: Session, instance: object) -> None:
    session.info.setdefault("frontdesk.loaded", []).append(instance)


@contextmanager
def call_session(ctx: ToolContext) -> Iterator[Session | None]:
    """One DB session for a whole tool call: the policies' lookups and the tool share it.

    Opened by the tool pipeline around a call, and by a check used without one (if none is
    open already, else that one is yielded): the ownership check's order is then in the
    session when the tool reads it again, and a WRITE's transaction is this session. Rolled
    back and closed at the end of the call; what a WRITE keeps, the pipeline committed before that.
    """
    if ctx.engine is None or ctx.session is not None:
        yield ctx.session
        return
    with CallSession(ctx.engine, expire_on_commit=False) as session:
        ctx.session = session
        try:
            yield session
        finally:
            ctx.session = None
