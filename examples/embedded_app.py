"""An app that embeds frontdesk: its own typed tool, with its own typed dependency, joins the customer-service agent.

The tool reads the app's loyalty service from ``ctx.deps`` (``ToolContext[Loyalty]``: a
type checker knows what ``deps`` is), handed to the graph once with ``build_graph(deps=...)``;
a conversation may hand its own (``Conversation(..., deps=...)``: a signed-in user's client).

Runs offline: the model is scripted here; in a real app pass any LangChain chat model
(e.g. ``ChatOpenAI``) instead. Only frontdesk's public API is used. Run:
``python examples/embedded_app.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.store.memory import InMemoryStore

from frontdesk import (
    Conversation,
    RunContext,
    Script,
    ScriptedModels,
    ScriptedStep,
    ToolContext,
    ToolKind,
    build_graph,
    open_domain_db,
    tool,
)


@dataclass
class Loyalty:
    """The app's own loyalty service (a client of another system in a real app)."""

    points: dict[str, int]

    def balance(self, customer_id: str) -> int:
        return self.points.get(customer_id, 0)


# --8<-- [start:tool]
@tool(kind=ToolKind.READ, requires_auth=True)
def loyalty_points(ctx: ToolContext[Loyalty]) -> int:
    """How many loyalty points the authenticated customer has."""
    return ctx.deps.balance(ctx.require_customer())


# --8<-- [end:tool]


def scripted_model() -> ScriptedModels:
    """What the agents' model says in this demo (a real app passes its chat model instead)."""
    login = {"tool_calls": [{"name": "find_user_id_by_email", "args": {"email": "ava.chen@example.com"}}]}
    steps = [login, {"tool_calls": [{"name": "loyalty_points"}]}, "You have 420 loyalty points, Ava."]
    turn = {
        "customer_service": [ScriptedStep.model_validate(s) for s in steps],
        "grader": [ScriptedStep.model_validate({"verdict": "pass"})],
    }
    return ScriptedModels(Script("embedded-app", [turn]))


def main() -> str:
    engine = open_domain_db("sqlite://", "retail", seed_demo=True)
    loyalty = Loyalty({"ava_chen_1001": 420})
    # --8<-- [start:graph]
    context = RunContext(engine=engine, deps=loyalty)
    graph = build_graph(
        model=scripted_model(),
        checkpointer=InMemorySaver(),
        store=InMemoryStore(),
        context=context,
        tools=[loyalty_points],
    )
    # --8<-- [end:graph]
    conversation = Conversation(graph, "app-1", context=context)
    for _event in conversation.send("I'm ava.chen@example.com — how many points do I have?"):
        pass
    tool_output = [m.content for m in graph.get_state(conversation.config).values["messages"] if m.type == "tool"]
    assert tool_output[-1] == "420", tool_output  # the tool read the app's service, not a global
    reply = conversation.reply or ""
    print(reply)
    return reply


if __name__ == "__main__":
    main()
