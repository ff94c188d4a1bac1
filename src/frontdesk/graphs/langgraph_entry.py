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
    from frontdesk.memory.domain import create_domain_engine, has_data, init_domain_schema, seed_demo
    from frontdesk.memory.tables import ensure_frontdesk_tables
    from frontdesk.memory.urls import domain_url

    settings = Settings.from_env()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_domain_engine(domain_url(settings.resolved_database_url))
    init_domain_schema(engine)
    ensure_frontdesk_tables(engine)
    if not has_data(engine):
        seed_demo(engine)
    return build_graph(settings, engine=engine, knowledge=default_knowledge_base(settings.resolved_knowledge_path))
