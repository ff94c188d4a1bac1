"""A tiny app built on frontdesk's public API, used by graph tests (also run as a script).

It defines its own typed tools and agents, so these tests exercise build_graph, the
tools node, handoffs and persistence without depending on the shipped retail domain.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

from sqlmodel import Field, SQLModel, create_engine, func, select

from frontdesk import AgentSpec, Conversation, ToolContext, ToolKind, build_graph, tool
from frontdesk.domains.database import ensure_frontdesk_tables
from frontdesk.llm.scripted import Script, ScriptedModels, ScriptedStep
from frontdesk.persistence.checkpoint import open_checkpointer
from frontdesk.tools.handoff import HUMAN
from frontdesk.tools.memory import remember_customer_fact


@tool(kind=ToolKind.READ, authenticates=True)
def login(email: str) -> str:
    """Find the customer's id by email."""
    return email.split("@")[0]


@tool(kind=ToolKind.READ, requires_auth=True)
def whoami(ctx: ToolContext) -> str:
    """Tell who is authenticated."""
    return f"you are {ctx.customer_id}"


@tool(kind=ToolKind.GENERIC, handoff_to=HUMAN)
def ask_a_person(summary: str) -> str:
    """Hand the conversation to a person."""
    return "Transfer successful"


class CreditLedger(SQLModel, table=True):
    """A table the app's WRITE tool appends to: one row per credit granted."""

    __tablename__ = "test_credit_ledger"
    id: int | None = Field(default=None, primary_key=True)
    customer_id: str
    amount: int


@tool(kind=ToolKind.WRITE, requires_auth=True)
def add_credit(ctx: ToolContext, amount: int) -> str:
    """Grant store credit to the authenticated customer."""
    ctx.db.add(CreditLedger(customer_id=ctx.require_customer(), amount=amount))
    return f"added {amount}"


@tool(kind=ToolKind.READ)
def slow_check() -> str:
    """A slow read; pauses while the test's pause file exists (the test kills us then)."""
    pause = os.environ.get("SUPPORT_APP_PAUSE_FILE")
    while pause and os.path.exists(pause):
        time.sleep(0.05)
    return "checked"


def credits(engine) -> int:
    from sqlmodel import Session

    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(CreditLedger)).one())


def agents() -> list[AgentSpec]:
    return [
        AgentSpec(
            "customer_service",
            "front desk",
            "Help the customer.",
            (login, whoami, ask_a_person, remember_customer_fact, add_credit, slow_check),
        ),
        AgentSpec("researcher", "answers questions", "Answer questions.", ()),
    ]


def steps(**per_agent: list[Any]) -> dict[str, list[ScriptedStep]]:
    return {agent: [ScriptedStep.model_validate(s) for s in items] for agent, items in per_agent.items()}


def run_turn(
    db_url: str, turn: int, script_turns: list[dict[str, list[ScriptedStep]]], user: str | None, resume: Any = None
) -> dict[str, Any]:
    """Run one turn (or resume) of thread ``t1`` against the database at ``db_url``."""
    from langgraph.types import Command

    from frontdesk.persistence.urls import domain_url

    script = Script("support-app", script_turns, turn=turn)
    engine = create_engine(domain_url(db_url))
    ensure_frontdesk_tables(engine)
    CreditLedger.__table__.create(engine, checkfirst=True)
    with open_checkpointer(db_url) as saver:
        graph = build_graph(
            model=ScriptedModels(script),
            checkpointer=saver,
            agents=agents(),
            engine=engine,
            grade_replies=False,
            confirm_writes=False,
        )
        config = {"configurable": {"thread_id": "t1"}}
        if resume == "next-message":
            # What every entry point does with a customer's next message: finish an unfinished run first.
            for _event in Conversation(graph, "t1").send(str(user)):
                pass
        else:
            if resume == "continue":
                payload = None
            elif resume is not None:
                payload = Command(resume=resume)
            else:
                payload = {"messages": [("user", user)]}
            graph.invoke(payload, config, durability="sync")
        state = graph.get_state(config)
    engine.dispose()
    return {
        "messages": [[m.type, getattr(m, "name", None), str(m.content)] for m in state.values["messages"]],
        "customer_id": state.values.get("customer_id"),
        "tool_calls": [c["id"] for m in state.values["messages"] if m.type == "ai" for c in m.tool_calls],
        "tool_results": [m.tool_call_id for m in state.values["messages"] if m.type == "tool"],
        "interrupts": [i.value for i in state.interrupts],
        "credits": credits(create_engine(domain_url(db_url))),
    }


if __name__ == "__main__":
    db, turn_text, kind = sys.argv[1], sys.argv[2], sys.argv[3]
    scripts = json.loads(sys.argv[4])
    script_turns = [steps(**t) for t in scripts]
    if kind == "resume":
        print(json.dumps(run_turn(db, int(turn_text), script_turns, None, resume=json.loads(sys.argv[5]))))
    elif kind == "next-message":
        print(json.dumps(run_turn(db, int(turn_text), script_turns, sys.argv[5], resume="next-message")))
    else:
        print(json.dumps(run_turn(db, int(turn_text), script_turns, sys.argv[5])))
