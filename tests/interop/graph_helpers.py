"""A small StateGraph around one team node, for the node tests of both frameworks."""

from __future__ import annotations

from typing import Any

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, StateGraph

from frontdesk.graphs.human import make_human_node
from frontdesk.graphs.nodes import graph_node
from frontdesk.graphs.state import SupportState
from frontdesk.interop.nodes import HUMAN_NODE, route_after_team
from frontdesk.runtime import RunContext


def team_graph(node: Any, services: RunContext, name: str) -> Any:
    """START -> team -> (END | human_handoff), checkpointed in memory like a real thread."""
    graph = StateGraph(SupportState)
    graph.add_node(name, node)
    graph.add_node(HUMAN_NODE, graph_node(services, HUMAN_NODE, make_human_node()))
    graph.add_edge(START, name)
    graph.add_conditional_edges(name, route_after_team, [HUMAN_NODE, END])
    return graph.compile(checkpointer=InMemorySaver())
