"""The graph factory LangGraph's own server and CLI load (see ``langgraph.json``).

LangGraph's server brings its own checkpointer and store, so the factory builds the graph
without them; the model, domain DB and knowledge base come from the environment exactly
as for ``frontdesk chat``.
"""

from __future__ import annotations

from typing import Any

from langgraph.graph.state import CompiledStateGraph

from frontdesk.settings import Settings


def make_graph(config: Any = None) -> CompiledStateGraph:
    """Build the support graph for a LangGraph server deployment."""
    from frontdesk.graphs.support import build_graph
    from frontdesk.knowledge import default_knowledge_base
    from frontdesk.memory.tables import open_domain_db
    from frontdesk.memory.urls import domain_url

    settings = Settings.from_env()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = open_domain_db(domain_url(settings.resolved_database_url), seed_demo_if_empty=True)
    return build_graph(settings, engine=engine, knowledge=default_knowledge_base(settings.resolved_knowledge_path, settings.retrieval_mode))
