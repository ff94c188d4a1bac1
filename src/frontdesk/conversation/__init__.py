"""Talking to one thread: :class:`Conversation` and what its turns report.

``thread`` holds :class:`Conversation` (the protocol of a customer's message), ``operator``
what a person answers a waiting thread with, ``prepared``
the server's two-part form of a turn (decide under the lock, then stream), ``events`` the
events and states a turn reports besides the graph's own.
"""

from __future__ import annotations

from frontdesk.conversation.events import (
    Confirmation,
    ConversationEvent,
    NotTaken,
    OperatorWait,
    Pending,
    Said,
    TurnDone,
)
from frontdesk.conversation.operator import ApprovalDecision, HandoffReply, OperatorAction
from frontdesk.conversation.prepared import PreparedTurn
from frontdesk.conversation.thread import Conversation

__all__ = [
    "ApprovalDecision",
    "Confirmation",
    "Conversation",
    "ConversationEvent",
    "HandoffReply",
    "NotTaken",
    "OperatorAction",
    "OperatorWait",
    "Pending",
    "PreparedTurn",
    "Said",
    "TurnDone",
]
