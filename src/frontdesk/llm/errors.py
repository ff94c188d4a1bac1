"""Errors a model call can end in that frontdesk handles itself (never shown to a customer)."""

from __future__ import annotations

from frontdesk.errors import FrontdeskError


class IncompleteOutput(FrontdeskError, RuntimeError):
    """The model's output was cut off or unfinished; it must not be acted on."""
