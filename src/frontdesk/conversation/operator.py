"""A person's answer to a thread that waits for one: a reply to a handoff, a decision on an approval.

These are what :meth:`frontdesk.Conversation.resolve` takes. The operator inbox (which
also claims the item and logs who decided), the replay of a scenario's scripted operator
and an app's own console all answer a waiting thread through them, so none of them builds
the LangGraph resume value itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from frontdesk.errors import MessageNotTaken


@dataclass(frozen=True)
class HandoffReply:
    """An operator's reply to a handed-off thread; the customer sees ``text`` from ``operator``.

    ``return_to_bot`` gives the thread back to the agents (default: the deployment's setting)."""

    text: str
    operator: str = "operator"
    return_to_bot: bool | None = None

    kind: ClassVar[str] = "handoff"

    def resume_value(self) -> dict[str, Any]:
        value: dict[str, Any] = {"reply": self.text, "operator": self.operator}
        if self.return_to_bot is not None:
            value["return_to_bot"] = self.return_to_bot
        return value


@dataclass(frozen=True)
class ApprovalDecision:
    """An operator's decision on a write that waits for approval: approve, reject (with
    ``reason``) or edit (approve with changed ``args``, which the tool validates again)."""

    decision: Literal["approve", "reject", "edit"]
    operator: str = "operator"
    reason: str | None = None
    args: dict[str, Any] | None = field(default=None)

    kind: ClassVar[str] = "approval"

    def resume_value(self) -> dict[str, Any]:
        return {"decision": self.decision, "reason": self.reason, "args": self.args, "operator": self.operator}


OperatorAction = HandoffReply | ApprovalDecision

_ID_KEY = {"handoff": "ticket_id", "approval": "approval_id"}


def operator_pause(pauses: Sequence[Any], action: OperatorAction, waiting_id: str | None) -> Any:
    """The pause ``action`` answers: the one for ticket or approval ``waiting_id``, else the
    first of the action's kind. :class:`MessageNotTaken` (``nothing_to_resolve``) when none
    waits, and when the thread waits for the other kind — a reply never approves a refund."""
    kinds = [p for p in pauses if (p.value or {}).get("type") == action.kind]
    if waiting_id is not None:
        kinds = [p for p in kinds if (p.value or {}).get(_ID_KEY[action.kind]) == waiting_id]
    if kinds:
        return kinds[0]
    waits = sorted({str((p.value or {}).get("type")) for p in pauses})
    named = f" {waiting_id}" if waiting_id is not None else ""
    now = f"it waits for: {', '.join(waits)}" if waits else "nothing waits in it"
    raise MessageNotTaken("nothing_to_resolve", f"the thread has no {action.kind}{named} waiting; {now}")
