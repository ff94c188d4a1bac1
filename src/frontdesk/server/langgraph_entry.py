"""The graph factory LangGraph's own server and CLI load (see ``langgraph.json``).

LangGraph's server brings its own checkpointer and store (the store reaches the nodes as
``Runtime.store``, so long-term memory works there too); the model, domain DB and
knowledge base come from the environment exactly as for ``frontdesk chat``.
"""

from __future__ import annotations

from typing import Any

from langgraph.graph.state import CompiledStateGraph

from frontdesk.app import open_engine, open_knowledge
from frontdesk.config.settings import Settings
from frontdesk.domains import get_domain
from frontdesk.graphs.support import build_graph


def make_graph(config: Any = None) -> CompiledStateGraph[Any, Any, Any, Any]:
    """Build the support graph for a LangGraph server deployment."""
    settings = Settings.from_env()
    domain = get_domain(settings.domain)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return build_graph(
        settings, domain=domain, engine=open_engine(settings, domain), knowledge=open_knowledge(settings, domain)
    )
