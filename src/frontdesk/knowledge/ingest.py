"""Ingesting Markdown and text files into the knowledge base (idempotent per file)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from frontdesk.knowledge.chunking import chunk_markdown
from frontdesk.knowledge.embeddings import default_embedder
from frontdesk.knowledge.store import KnowledgeBase, RetrievalMode

SUFFIXES = {".md", ".markdown", ".txt"}
DEMO_SOURCE = "demo:"
"""Source prefix of shipped demo pages, which yield to a deployment's own page of the same name."""


def _files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES)
        elif path.is_file():
            found.append(path)
        else:
            raise FileNotFoundError(f"{path}: no such file or folder")
    return found


def ingest_paths(kb: KnowledgeBase, paths: list[Path], *, demo: bool = False) -> tuple[int, int, int]:
    """Ingest files and folders; returns (files seen, files (re)indexed, chunks written).

    A file whose content did not change since the last ingest is skipped; a changed one
    has its chunks replaced. ``demo`` pages (the shipped ones) are stored as ``demo:<name>``
    and never replace a stored page of the same name that came from anywhere else: a
    deployment's own ``returns.md`` outranks the shipped one, whichever was ingested first. Chunks still without a
    vector from the
    KB's embedder (a KB built before the model was installed) are embedded at the end.
    """
    seen = indexed = chunk_count = 0
    for path in _files(paths):
        text = path.read_text(encoding="utf-8")
        seen += 1
        fingerprint = hashlib.sha256(text.encode()).hexdigest()
        doc_id = path.stem
        if kb.fingerprint(doc_id) == fingerprint:
            continue
        source = f"{DEMO_SOURCE}{path.name}" if demo else str(path)
        if demo and (stored := kb.source(doc_id)) is not None and not stored.startswith(DEMO_SOURCE):
            continue
        chunks = chunk_markdown(doc_id, text)
        title = chunks[0].title if chunks else doc_id
        kb.replace_document(doc_id, source, title, fingerprint, chunks)
        indexed += 1
        chunk_count += len(chunks)
    kb.embed_missing()
    return seen, indexed, chunk_count


def open_knowledge_base(path: Path, mode: RetrievalMode = "hybrid") -> KnowledgeBase:
    """The knowledge base at ``path`` with the bundled embedder when ``mode`` needs one and it is installed."""
    return KnowledgeBase(path, embedder=default_embedder() if mode != "bm25" else None, mode=mode)


def default_knowledge_base(
    path: Path, mode: RetrievalMode = "hybrid", *, demo_pages: Path | None = None
) -> KnowledgeBase:
    """The knowledge base at ``path``; with ``demo_pages``, those are added where no page of the same name exists.

    Only what the owner ingests goes in otherwise (``frontdesk kb ingest``): shipped demo
    pages are opt-in and never overwrite a page of the owner's.
    """
    kb = open_knowledge_base(path, mode)
    if demo_pages is not None:
        ingest_paths(kb, [demo_pages], demo=True)
    return kb
