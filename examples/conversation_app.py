"""An app that embeds a whole frontdesk deployment and talks to it through ``Conversation``.

A customer asks to cancel an order worth 129.00: the agent asks them to confirm the exact
action, the refund is above the 100.00 approval limit so an operator approves it, and the
app reads the reply. Nothing here builds a LangGraph command or reads an interrupt id.

Runs offline (the model is scripted; pass any LangChain chat model in a real app) in a
temporary data directory. Only frontdesk's public API is used. Run:
``python examples/conversation_app.py``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from frontdesk import (
    Confirmation,
    NotTaken,
    OperatorWait,
    Script,
    ScriptedModels,
    ScriptedStep,
    Settings,
    TurnDone,
    open_app,
)


def scripted_model() -> ScriptedModels:
    """What the agents' model says in this demo, in order (a real app passes its chat model instead)."""
    login = {"tool_calls": [{"name": "find_user_id_by_email", "args": {"email": "ava.chen@example.com"}}]}
    cancel = {
        "tool_calls": [{"name": "cancel_pending_order", "args": {"order_id": "#D1001", "reason": "no longer needed"}}]
    }
    steps = [login, cancel, "Order #D1001 is cancelled; 129.00 goes back to your card."]
    turn = {
        "customer_service": [ScriptedStep.model_validate(s) for s in steps],
        "grader": [ScriptedStep.model_validate({"verdict": "pass"})],
    }
    return ScriptedModels(Script("conversation-app", [turn]))


def main(data_dir: Path) -> list[str]:
    """The demo, returning what it printed."""
    shown: list[str] = []
    # --8<-- [start:conversation]
    settings = Settings(data_dir=data_dir, demo=True, approval_limit=100.0)
    with open_app(settings, model=scripted_model()) as app:
        conversation = app.conversation("customer-42")

        for event in conversation.send("Hi, I'm ava.chen@example.com. Please cancel #D1001."):
            if isinstance(event, TurnDone) and isinstance(event.pending, Confirmation):
                shown.append(f"asked: {event.pending.question}")

        # not a yes: nothing happens, the customer is asked again
        for event in conversation.send("what would that cost me?"):
            if isinstance(event, NotTaken):
                shown.append(f"not taken ({event.reason})")

        for event in conversation.answer(True):  # the customer pressed "Yes"
            if isinstance(event, TurnDone) and isinstance(event.pending, OperatorWait):
                shown.append(f"waiting for an operator: {event.pending.kind}")

        inbox = app.inbox()
        [request] = inbox.items()
        inbox.approve(request.id, operator="maya")
        shown.append(f"reply: {conversation.reply}")
    # --8<-- [end:conversation]
    for line in shown:
        print(line)
    return shown


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        main(Path(folder))
