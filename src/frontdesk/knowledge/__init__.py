"""The knowledge base the researcher answers from: Markdown pages in DuckDB, ranked by BM25."""

from frontdesk.knowledge.ingest import default_knowledge_base, ingest_paths
from frontdesk.knowledge.search import Passage, search
from frontdesk.knowledge.store import KnowledgeBase

__all__ = ["KnowledgeBase", "Passage", "default_knowledge_base", "ingest_paths", "search"]
