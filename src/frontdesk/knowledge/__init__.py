"""The knowledge base the researcher answers from: Markdown pages in DuckDB, ranked by BM25, vectors or both."""

from frontdesk.knowledge.ingest import default_knowledge_base, ingest_paths, open_knowledge_base
from frontdesk.knowledge.search import Passage, RetrievalError, search
from frontdesk.knowledge.store import KnowledgeBase, RetrievalMode

__all__ = [
    "KnowledgeBase",
    "Passage",
    "RetrievalError",
    "RetrievalMode",
    "default_knowledge_base",
    "ingest_paths",
    "open_knowledge_base",
    "search",
]
