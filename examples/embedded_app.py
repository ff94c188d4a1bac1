"""An app that embeds frontdesk: its own typed tool joins the customer-service agent.

Runs offline: the model is scripted here; in a real app pass any LangChain chat model
(e.g. ``ChatOpenAI``) instead. Only frontdesk's public API is used. Run:
``python examples/embedded_app.py``.
"""

from __future__ import annotations

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.store.memory import InMemoryStore

from frontdesk import Script, ScriptedModels, ScriptedStep, ToolContext, ToolKind, build_graph, open_domain_db, tool

LOYALTY_POINTS = {"ava_chen_1001": 420}


@tool(kind=ToolKind.READ, requires_auth=True)
def loyalty_points(ctx: ToolContext) -> int:
    """How many loyalty points the authenticated customer has."""
    return LOYALTY_POINTS.get(ctx.require_customer(), 0)


def main() -> str:
    engine = open_domain_db("sqlite://", "retail", seed_demo=True)
    script = Script(
        "embedded-app",
        [
            {
                "customer_service": [
                    ScriptedStep.model_validate({"tool_calls": [{"name": "find_user_id_by_email", "args": {"email": "ava.chen@example.com"}}]}),
                    ScriptedStep.model_validate({"tool_calls": [{"name": "loyalty_points"}]}),
                    ScriptedStep(text="You have 420 loyalty points, Ava."),
                ],
                "grader": [ScriptedStep.model_validate({"verdict": "pass"})],
            }
        ],
    )
    graph = build_graph(model=ScriptedModels(script), checkpointer=InMemorySaver(), store=InMemoryStore(), engine=engine, tools=[loyalty_points])
    result = graph.invoke({"messages": [("user", "I'm ava.chen@example.com — how many points do I have?")]}, {"configurable": {"thread_id": "app-1"}})
    reply = result["messages"][-1].content
    print(reply)
    return str(reply)


if __name__ == "__main__":
    main()
