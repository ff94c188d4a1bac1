"""What frontdesk remembers about a customer across threads.

Facts live in the LangGraph store under ``("customers", <customer_id>)``, one item per
kind of fact, so a newer value replaces an older one and a new thread can load everything
known about the customer in one call once they authenticate.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Literal

from langgraph.store.base import BaseStore
from pydantic import BaseModel

MemoryKind = Literal["preferred_contact", "last_issue", "sentiment", "preference", "note"]


class MemoryEntry(BaseModel):
    """One remembered fact about a customer."""

    kind: str
    value: str
    updated_at: str
    thread_id: str = ""


def namespace(customer_id: str) -> tuple[str, ...]:
    return ("customers", customer_id)


def remember(store: BaseStore, customer_id: str, kind: str, value: str, *, thread_id: str = "") -> MemoryEntry:
    """Store (or replace) the customer's fact of this kind."""
    entry = MemoryEntry(
        kind=kind, value=value, updated_at=datetime.now(UTC).isoformat(timespec="seconds"), thread_id=thread_id
    )
    store.put(namespace(customer_id), kind, entry.model_dump())
    return entry


def recall(store: BaseStore, customer_id: str, query: str | None = None, limit: int = 20) -> list[MemoryEntry]:
    """The customer's facts, newest first; with ``query``, only those mentioning all its words."""
    items = store.search(namespace(customer_id), limit=limit)
    entries = [MemoryEntry.model_validate(item.value) for item in items]
    if query:
        words = [w.lower() for w in query.split()]
        entries = [e for e in entries if all(w in f"{e.kind} {e.value}".lower() for w in words)]
    return sorted(entries, key=lambda e: e.updated_at, reverse=True)


def describe(entries: Sequence[MemoryEntry]) -> str:
    """Facts as prompt text: ``preferred_contact: email (2026-11-24)``."""
    return "; ".join(f"{e.kind}: {e.value} ({e.updated_at[:10]})" for e in entries)
