"""A tiny app built on frontdesk's public API, used by graph tests (also run as a script).

It defines its own typed tools and agents, so these tests exercise build_graph, the
tools node, handoffs and persistence without depending on the shipped retail domain.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from sqlmodel import create_engine

from frontdesk import AgentSpec, ToolContext, ToolKind, build_graph, tool
from frontdesk.llm.scripted import Script, ScriptedModels, ScriptedStep
from frontdesk.memory.checkpoint import open_checkpointer
from frontdesk.memory.tickets import ensure_tables
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


def agents() -> list[AgentSpec]:
    return [
        AgentSpec("customer_service", "front desk", "Help the customer.", (login, whoami, ask_a_person, remember_customer_fact)),
        AgentSpec("researcher", "answers questions", "Answer questions.", ()),
    ]


def steps(**per_agent: list[Any]) -> dict[str, list[ScriptedStep]]:
    return {agent: [ScriptedStep.model_validate(s) for s in items] for agent, items in per_agent.items()}


def run_turn(db_url: str, turn: int, script_turns: list[dict[str, list[ScriptedStep]]], user: str | None, resume: Any = None) -> dict[str, Any]:
    """Run one turn (or resume) of thread ``t1`` against the database at ``db_url``."""
    from langgraph.types import Command

    from frontdesk.memory.urls import domain_url

    script = Script("support-app", script_turns, turn=turn)
    engine = create_engine(domain_url(db_url))
    ensure_tables(engine)
    with open_checkpointer(db_url) as saver:
        graph = build_graph(model=ScriptedModels(script), checkpointer=saver, agents=agents(), engine=engine, grade_replies=False)
        config = {"configurable": {"thread_id": "t1"}}
        payload = Command(resume=resume) if resume is not None else {"messages": [("user", user)]}
        graph.invoke(payload, config)
        state = graph.get_state(config)
    engine.dispose()
    return {
        "messages": [[m.type, getattr(m, "name", None), str(m.content)] for m in state.values["messages"]],
        "customer_id": state.values.get("customer_id"),
        "interrupts": [i.value for i in state.interrupts],
    }


if __name__ == "__main__":
    db, turn_text, kind = sys.argv[1], sys.argv[2], sys.argv[3]
    scripts = json.loads(sys.argv[4])
    script_turns = [steps(**t) for t in scripts]
    if kind == "resume":
        print(json.dumps(run_turn(db, int(turn_text), script_turns, None, resume=json.loads(sys.argv[5]))))
    else:
        print(json.dumps(run_turn(db, int(turn_text), script_turns, sys.argv[5])))
