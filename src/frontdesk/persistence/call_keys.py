"""Which tool call is which: an identity frontdesk owns, never the model's id alone.

A model chooses its tool-call ids, and a model can reuse one — by mistake or on purpose —
in a later turn, or for another action in the same message. Everything keyed by a call
(the WRITE's once-only row, the customer's kept yes or no, the operator's approval, the
refund ledger) is keyed by :func:`call_key` instead: the model's id within the *scope* the
call was made in (the turn and the model message, set by the host) and a digest of the
exact action (tool and normalised arguments). So a kept "yes" can only ever apply to the
action it was given for, a reused id in a later message is a new call, and a re-run of the
same step after a crash finds the same key (the scope and the arguments are in the
checkpoint).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

ACTION_SEPARATOR = "#"
"""Between a call's scope part (the model's id, scoped) and its action digest in a key."""


def action_digest(tool: str, args: Mapping[str, Any]) -> str:
    """A short digest of ``tool`` with ``args`` in a normal form (key order and spacing do not matter)."""
    normal = json.dumps([tool, dict(args)], sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(normal.encode()).hexdigest()[:16]


def scoped_id(scope: str, model_call_id: str) -> str:
    """The model's id within ``scope`` (empty scope: the id as given, for hosts with their own unique ids)."""
    if not scope:
        return model_call_id
    return f"{model_call_id}@{hashlib.sha256(scope.encode()).hexdigest()[:12]}"


def call_key(scope: str, model_call_id: str, tool: str, args: Mapping[str, Any]) -> str:
    """The call's identity; ``""`` when the host gave no id (such a call cannot be recognised again)."""
    if not model_call_id:
        return ""
    return f"{scoped_id(scope, model_call_id)}{ACTION_SEPARATOR}{action_digest(tool, args)}"


def id_part(key: str) -> str:
    """The scoped-id part of a key (what two keys for different actions under one id share)."""
    return key.rpartition(ACTION_SEPARATOR)[0] if ACTION_SEPARATOR in key else key
