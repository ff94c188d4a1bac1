"""One base for the errors an application embedding frontdesk can meet: ``except FrontdeskError``.

Each error keeps the built-in base callers already catch (``ValueError`` for bad input,
``RuntimeError`` for a state the call cannot proceed in, ``LookupError`` for an unknown
name) as a second base, so ``except ValueError`` around a message still works. This module
imports nothing at load: every layer can raise these, and importing it costs nothing. The
errors raised by one part (``ThreadBusy`` by the thread locks, ``ModelUnavailable`` by the
model gateway...) live beside the code that raises them and are reachable from here too,
imported when first named: ``from frontdesk.errors import ThreadBusy``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass

_RAISED_ELSEWHERE = {
    "BadDatabaseURL": "frontdesk.persistence.urls",
    "BadMessage": "frontdesk.inputs",
    "BudgetExceeded": "frontdesk.gateway.errors",
    "DataFileBusy": "frontdesk.persistence.duckdb_files",
    "GuardrailLoadError": "frontdesk.guardrails.loading",
    "InboxError": "frontdesk.conversation.inbox",
    "LocalModelError": "frontdesk.llm.local_errors",
    "McpUnavailable": "frontdesk.mcp.connection",
    "ModelNotConfiguredError": "frontdesk.llm.factory",
    "ModelUnavailable": "frontdesk.gateway.errors",
    "NoTraces": "frontdesk.tracing.queries",
    "RetrievalError": "frontdesk.knowledge.search",
    "ScenarioFileError": "frontdesk.replay.loader",
    "ThreadBusy": "frontdesk.persistence.thread_locks",
    "ToolError": "frontdesk.tools.base",
    "UnknownDomain": "frontdesk.domains",
}

__all__ = ["ConfigError", "FrontdeskError", "MessageNotTaken", *_RAISED_ELSEWHERE]


def __getattr__(name: str) -> type[FrontdeskError]:
    """An error defined beside the code that raises it, imported on first use."""
    if name in _RAISED_ELSEWHERE:
        found: type[FrontdeskError] = getattr(importlib.import_module(_RAISED_ELSEWHERE[name]), name)
        return found
    raise AttributeError(f"module 'frontdesk.errors' has no attribute {name!r}")


class FrontdeskError(Exception):
    """Any error frontdesk raises on purpose (a bug in frontdesk is not one)."""


class ConfigError(FrontdeskError, ValueError):
    """A setting, option or config file cannot be used; the message names where and what."""


class MessageNotTaken(FrontdeskError, RuntimeError):
    """A customer's message the thread cannot take now: it waits for a yes or no, or for a person.

    ``reason`` is ``awaiting_confirmation``, ``awaiting_operator``, ``nothing_to_answer`` or
    ``nothing_to_resolve``; ``message`` is what to tell the customer (or the operator). Raised by
    :meth:`frontdesk.Conversation.answer` with nothing to answer and by ``resolve`` with nothing
    for the operator's action; ``send`` reports the same as a :class:`frontdesk.NotTaken` event instead."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
