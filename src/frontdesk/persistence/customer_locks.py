"""One customer's money-moving calls, one at a time: the approval check and the write's commit together.

The approval gate reads the refund ledger to decide whether a call needs an operator, and
the call's own ledger row is written only when its write commits. Two refunds for one
customer running at once (two threads, two server processes, an MCP client and the chat)
would each read the ledger without the other and both pass under the limit. So the gate
takes this lock in the call's own transaction before it reads the ledger: a row per
customer, updated — a row lock on Postgres (every process on the database waits on it)
and the database's write lock on SQLite — held until the write commits or rolls back.
The second call then reads a ledger that has the first one's refund.
"""

from __future__ import annotations

from sqlalchemy import Table, update
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel


class CustomerLock(SQLModel, table=True):
    """The row a customer's money-moving calls take turns on."""

    __tablename__ = "frontdesk_customer_locks"

    customer_id: str = Field(primary_key=True)
    taken: int = 0
    """How often the lock was taken (the update that takes it has to change something)."""


def ensure_tables(engine: Engine) -> None:
    CustomerLock.__table__.create(engine, checkfirst=True)  # type: ignore[attr-defined]


def hold(session: Session, customer_id: str) -> None:
    """Take ``customer_id``'s lock in ``session``'s transaction (waits while another holds it).

    Released by the transaction's commit or rollback; callers must not write through another
    connection while holding it (on SQLite that write would wait for this one)."""
    table: Table = CustomerLock.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    if dialect in {"sqlite", "postgresql"}:
        insert = sqlite_insert if dialect == "sqlite" else postgres_insert
        session.execute(insert(table).values(customer_id=customer_id, taken=0).on_conflict_do_nothing())
    elif session.get(CustomerLock, customer_id) is None:
        try:
            with session.begin_nested():
                session.add(CustomerLock(customer_id=customer_id))
        except IntegrityError:
            pass  # another process made it first: the update below waits for it
    session.execute(update(table).where(table.c.customer_id == customer_id).values(taken=table.c.taken + 1))
