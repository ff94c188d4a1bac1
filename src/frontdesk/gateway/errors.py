"""What the gateway raises when a call cannot be answered; the graph's nodes turn these into a handoff."""

from __future__ import annotations

from frontdesk.config.gateway import DEFAULT_FALLBACK_REPLY
from frontdesk.errors import FrontdeskError


class ModelUnavailable(FrontdeskError, RuntimeError):
    """No model in the chain answered in time (all failed, their breakers open, or the deadline passed).

    The message is for operators (it lands on the ticket); the customer reads
    ``fallback_reply`` instead, never the reason.
    """

    def __init__(self, reason: str, *, fallback_reply: str = DEFAULT_FALLBACK_REPLY) -> None:
        super().__init__(reason)
        self.fallback_reply = fallback_reply


class BudgetExceeded(ModelUnavailable):
    """This conversation, or the deployment today, has spent what it may."""
