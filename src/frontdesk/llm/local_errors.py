"""The local model's one error type, in a module of its own: the CLI names these errors to the
user as they are, and importing them must not load the model client (the CLI starts faster)."""

from __future__ import annotations

from frontdesk.errors import FrontdeskError


class LocalModelError(FrontdeskError, RuntimeError):
    """The local model cannot be used; the message says which part or file and what to do."""
