"""Opening everything a live conversation needs, from one ``Settings``.

The CLI's ``chat`` (and later the HTTP server) use this; apps that embed frontdesk may
too, or call ``build_graph`` with their own parts. One database URL holds thread
checkpoints and the domain data; the knowledge base and traces are DuckDB files.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from langgraph.graph.state import CompiledStateGraph

from frontdesk.graphs.support import build_graph
from frontdesk.llm.factory import openai_compatible_model
from frontdesk.memory.checkpoint import open_checkpointer
from frontdesk.memory.tables import open_domain_db
from frontdesk.memory.urls import domain_url
from frontdesk.settings import Settings
from frontdesk.tracing.setup import configure_tracing


@dataclass
class Stack:
    """A ready graph and the parts it runs on."""

    graph: CompiledStateGraph
    engine: Any
    knowledge: Any
    tracing: Any
    settings: Settings


@contextmanager
def open_stack(settings: Settings, *, model: Any = None, streaming: bool = True) -> Iterator[Stack]:
    """Open checkpointer, domain DB (seeded with the demo data when empty), KB and tracing."""
    from frontdesk.knowledge import default_knowledge_base

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    chat_model = model or openai_compatible_model(settings, streaming=streaming)
    url = settings.resolved_database_url
    engine = open_domain_db(domain_url(url), seed_demo_if_empty=True)
    knowledge = default_knowledge_base(settings.resolved_knowledge_path, settings.retrieval_mode)
    tracing = configure_tracing(duckdb_path=settings.resolved_traces_path, otlp_endpoint=settings.otlp_endpoint, console=settings.console_traces)
    try:
        with open_checkpointer(url) as saver:
            graph = build_graph(settings, model=chat_model, checkpointer=saver, engine=engine, knowledge=knowledge, tracer=tracing.tracer, meter=tracing.meter)
            yield Stack(graph=graph, engine=engine, knowledge=knowledge, tracing=tracing, settings=settings)
    finally:
        tracing.shutdown()
        engine.dispose()
