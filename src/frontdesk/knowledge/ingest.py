"""Ingesting Markdown and text files into the knowledge base (idempotent per file)."""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

from frontdesk.knowledge.chunking import chunk_markdown
from frontdesk.knowledge.store import KnowledgeBase, RetrievalMode

SUFFIXES = {".md", ".markdown", ".txt"}


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


def ingest_paths(kb: KnowledgeBase, paths: list[Path]) -> tuple[int, int, int]:
    """Ingest files and folders; returns (files seen, files (re)indexed, chunks written).

    A file whose content did not change since the last ingest is skipped; a changed one
    has its chunks replaced. Chunks still without a vector from the KB's embedder (a KB
    built before the model was installed) are embedded at the end.
    """
    seen = indexed = chunk_count = 0
    for path in _files(paths):
        text = path.read_text(encoding="utf-8")
        seen += 1
        fingerprint = hashlib.sha256(text.encode()).hexdigest()
        doc_id = path.stem
        if kb.fingerprint(doc_id) == fingerprint:
            continue
        chunks = chunk_markdown(doc_id, text)
        title = chunks[0].title if chunks else doc_id
        kb.replace_document(doc_id, str(path), title, fingerprint, chunks)
        indexed += 1
        chunk_count += len(chunks)
    kb.embed_missing()
    return seen, indexed, chunk_count


def packaged_pages() -> Path:
    """The shipped policy and product pages."""
    return Path(str(resources.files("frontdesk") / "data" / "kb"))


def open_knowledge_base(path: Path, mode: RetrievalMode = "hybrid") -> KnowledgeBase:
    """The knowledge base at ``path`` with the bundled embedder when ``mode`` needs one and it is installed."""
    from frontdesk.knowledge.embeddings import default_embedder

    return KnowledgeBase(path, embedder=default_embedder() if mode != "bm25" else None, mode=mode)


def default_knowledge_base(path: Path, mode: RetrievalMode = "hybrid") -> KnowledgeBase:
    """The knowledge base at ``path``, built or refreshed from the shipped pages."""
    kb = open_knowledge_base(path, mode)
    ingest_paths(kb, [packaged_pages()])
    return kb
