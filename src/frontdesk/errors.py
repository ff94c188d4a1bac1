"""One base for the errors an application embedding frontdesk can meet: ``except FrontdeskError``.

Each error keeps the built-in base callers already catch (``ValueError`` for bad input,
``RuntimeError`` for a state the call cannot proceed in, ``LookupError`` for an unknown
name) as a second base, so ``except ValueError`` around a message still works. This module
imports nothing: every layer can raise these, and importing it costs nothing.
"""

from __future__ import annotations


class FrontdeskError(Exception):
    """Any error frontdesk raises on purpose (a bug in frontdesk is not one)."""


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
