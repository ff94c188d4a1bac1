"""The knowledge base's DuckDB file: documents, chunks and term statistics for BM25.

Connections are opened per operation (read-only for searches), so a CLI run, the
server and tests can all use the same file without holding DuckDB's single-writer lock.
The ``embedding`` column is reserved for vector search.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from frontdesk.knowledge.chunking import Chunk
from frontdesk.knowledge.tokens import tokenize

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (doc_id VARCHAR PRIMARY KEY, source VARCHAR, title VARCHAR, fingerprint VARCHAR);
CREATE SEQUENCE IF NOT EXISTS chunk_ids;
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id BIGINT PRIMARY KEY DEFAULT nextval('chunk_ids'),
    doc_id VARCHAR, section VARCHAR, citation VARCHAR, title VARCHAR, heading VARCHAR,
    text VARCHAR, length INTEGER, embedding FLOAT[]
);
CREATE TABLE IF NOT EXISTS terms (chunk_id BIGINT, term VARCHAR, tf INTEGER);
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
"""


class KnowledgeBase:
    """A knowledge base stored in one DuckDB file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @contextmanager
    def connect(self, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        if read_only and not self.path.exists():
            raise FileNotFoundError(f"knowledge base {self.path} does not exist yet — run `frontdesk kb ingest PATH`")
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = duckdb.connect(str(self.path), read_only=read_only)
        try:
            if not read_only:
                connection.execute(SCHEMA)
            yield connection
        finally:
            connection.close()

    def fingerprint(self, doc_id: str) -> str | None:
        if not self.path.exists():
            return None
        with self.connect() as db:
            row = db.execute("SELECT fingerprint FROM documents WHERE doc_id = ?", [doc_id]).fetchone()
        return row[0] if row else None

    def replace_document(self, doc_id: str, source: str, title: str, fingerprint: str, chunks: list[Chunk]) -> None:
        """Swap a document's chunks for new ones in one transaction.

        Rows go in as whole columns (``unnest`` of lists), one statement per table, so a
        folder of thousands of chunks ingests in seconds rather than row by row.
        """
        tokenized = [tokenize(f"{c.title} {c.heading} {c.text}") for c in chunks]
        with self.connect() as db:
            db.execute("BEGIN")
            db.execute("DELETE FROM terms WHERE chunk_id IN (SELECT chunk_id FROM chunks WHERE doc_id = ?)", [doc_id])
            db.execute("DELETE FROM chunks WHERE doc_id = ?", [doc_id])
            db.execute("DELETE FROM documents WHERE doc_id = ?", [doc_id])
            db.execute("INSERT INTO documents VALUES (?, ?, ?, ?)", [doc_id, source, title, fingerprint])
            if chunks:
                ids = [row[0] for row in db.execute("SELECT nextval('chunk_ids') FROM range(?)", [len(chunks)]).fetchall()]
                db.execute(
                    "INSERT INTO chunks (chunk_id, doc_id, section, citation, title, heading, text, length) "
                    "SELECT unnest(?::BIGINT[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), "
                    "unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::INTEGER[])",
                    [ids, [c.doc_id for c in chunks], [c.section for c in chunks], [c.citation for c in chunks],
                     [c.title for c in chunks], [c.heading for c in chunks], [c.text for c in chunks], [len(w) for w in tokenized]],
                )
                rows = [(chunk_id, term, tf) for chunk_id, words in zip(ids, tokenized, strict=True) for term, tf in Counter(words).items()]
                if rows:
                    db.execute(
                        "INSERT INTO terms SELECT unnest(?::BIGINT[]), unnest(?::VARCHAR[]), unnest(?::INTEGER[])",
                        [[r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]],
                    )
            db.execute("COMMIT")

    def counts(self) -> tuple[int, int]:
        """(documents, chunks)."""
        with self.connect(read_only=True) as db:
            documents = db.execute("SELECT count(*) FROM documents").fetchone()[0]
            chunks = db.execute("SELECT count(*) FROM chunks").fetchone()[0]
        return int(documents), int(chunks)
