"""The knowledge base's DuckDB file: documents, chunks, term statistics and embeddings.

Writers open the file per operation; searches share one read-only handle that is let go
when idle (see ``knowledge.reader``), so a CLI run, the server and tests can all use the
same file without holding DuckDB's single-writer lock.
Each chunk's ``embedding`` comes from the model named in ``meta.embedding_model``; a
knowledge base built without a model (or with another one) is embedded again by
``embed_missing`` rather than mixing vectors from two models.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import duckdb

from frontdesk.knowledge.chunking import Chunk
from frontdesk.knowledge.reader import shared_reader
from frontdesk.knowledge.tokens import tokenize
from frontdesk.persistence.duckdb_files import connect_duckdb

if TYPE_CHECKING:
    from frontdesk.knowledge.embeddings import Embedder

RetrievalMode = Literal["hybrid", "bm25", "vector"]

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


def embedding_text(title: str, heading: str, text: str) -> str:
    """What a chunk's vector is computed from: its page and heading give the text context."""
    return f"{title} — {heading}: {text}"


def _count(db: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = db.execute(sql).fetchone()
    return int(row[0]) if row else 0


class KnowledgeBase:
    """A knowledge base stored in one DuckDB file, searched in ``mode`` (see ``search``).

    ``embedder`` is the model that embeds queries and passages; without one, the
    vector and hybrid modes are not available and ``hybrid`` falls back to BM25.
    """

    def __init__(self, path: Path, *, embedder: Embedder | None = None, mode: RetrievalMode = "hybrid") -> None:
        self.path = Path(path)
        self.embedder = embedder
        self.mode: RetrievalMode = mode
        self._reader = shared_reader(self.path)

    @property
    def effective_mode(self) -> RetrievalMode:
        """The mode searches run in: ``hybrid`` needs an embedder, else it is BM25."""
        return "bm25" if self.mode == "hybrid" and self.embedder is None else self.mode

    @contextmanager
    def connect(self, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A handle on the file: a cursor on the shared reader, or a writer of its own."""
        if read_only:
            if not self.path.exists():
                raise FileNotFoundError(
                    f"knowledge base {self.path} does not exist yet — run `frontdesk kb ingest PATH`"
                )
            with self._reader.cursor() as cursor:
                yield cursor
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._reader.closed():
            connection = connect_duckdb(self.path)
            try:
                connection.execute(SCHEMA)
                yield connection
            finally:
                connection.close()

    def close(self) -> None:
        """Let go of the shared read-only handle now (it is also let go when idle)."""
        self._reader.close()

    def fingerprint(self, doc_id: str) -> str | None:
        if not self.path.exists():
            return None
        with self.connect() as db:
            row = db.execute("SELECT fingerprint FROM documents WHERE doc_id = ?", [doc_id]).fetchone()
        return row[0] if row else None

    def source(self, doc_id: str) -> str | None:
        """Where the stored document ``doc_id`` was ingested from (None when it is not stored)."""
        if not self.path.exists():
            return None
        with self.connect() as db:
            row = db.execute("SELECT source FROM documents WHERE doc_id = ?", [doc_id]).fetchone()
        return str(row[0]) if row else None

    def replace_document(self, doc_id: str, source: str, title: str, fingerprint: str, chunks: list[Chunk]) -> None:
        """Swap a document's chunks for new ones (with their vectors, when there is an embedder) in one transaction.

        Rows go in as whole columns (``unnest`` of lists), one statement per table, so a
        folder of thousands of chunks ingests in seconds rather than row by row. Vectors
        are computed before the transaction opens, so a slow model never holds the lock.
        """
        tokenized = [tokenize(f"{c.title} {c.heading} {c.text}") for c in chunks]
        vectors = self._vectors(chunks)
        with self.connect() as db:
            db.execute("BEGIN")
            db.execute("DELETE FROM terms WHERE chunk_id IN (SELECT chunk_id FROM chunks WHERE doc_id = ?)", [doc_id])
            db.execute("DELETE FROM chunks WHERE doc_id = ?", [doc_id])
            db.execute("DELETE FROM documents WHERE doc_id = ?", [doc_id])
            db.execute("INSERT INTO documents VALUES (?, ?, ?, ?)", [doc_id, source, title, fingerprint])
            if chunks:
                ids = [
                    row[0] for row in db.execute("SELECT nextval('chunk_ids') FROM range(?)", [len(chunks)]).fetchall()
                ]
                db.execute(
                    "INSERT INTO chunks (chunk_id, doc_id, section, citation, title, heading, text, length, embedding) "
                    "SELECT unnest(?::BIGINT[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), "
                    "unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::INTEGER[]), "
                    "unnest(?::FLOAT[][])",
                    [
                        ids,
                        [c.doc_id for c in chunks],
                        [c.section for c in chunks],
                        [c.citation for c in chunks],
                        [c.title for c in chunks],
                        [c.heading for c in chunks],
                        [c.text for c in chunks],
                        [len(w) for w in tokenized],
                        vectors or [None] * len(chunks),
                    ],
                )
                rows = [
                    (chunk_id, term, tf)
                    for chunk_id, words in zip(ids, tokenized, strict=True)
                    for term, tf in Counter(words).items()
                ]
                if rows:
                    db.execute(
                        "INSERT INTO terms SELECT unnest(?::BIGINT[]), unnest(?::VARCHAR[]), unnest(?::INTEGER[])",
                        [[r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]],
                    )
            if vectors:
                self._set_model(db)
            db.execute("COMMIT")

    def _vectors(self, chunks: list[Chunk]) -> list[list[float]] | None:
        if self.embedder is None or not chunks:
            return None
        matrix = self.embedder.embed_passages([embedding_text(c.title, c.heading, c.text) for c in chunks])
        return matrix.tolist()

    def _set_model(self, db: duckdb.DuckDBPyConnection) -> None:
        assert self.embedder is not None
        db.execute("INSERT OR REPLACE INTO meta VALUES ('embedding_model', ?)", [self.embedder.name])

    def embedding_model(self) -> str | None:
        """The model the stored vectors come from (``None``: no vectors yet)."""
        if not self.path.exists():
            return None
        with self.connect(read_only=True) as db:
            if not _count(db, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"):
                return None
            row = db.execute("SELECT value FROM meta WHERE key = 'embedding_model'").fetchone()
        return row[0] if row else None

    def embed_missing(self) -> int:
        """Embed every chunk without a vector from this KB's model; returns how many were embedded.

        When the stored vectors come from a different model, all of them are recomputed:
        cosine similarity across two models' spaces means nothing.
        """
        if self.embedder is None or not self.path.exists():
            return 0
        stale = self.embedding_model() not in (None, self.embedder.name)
        with self.connect() as db:
            where = "" if stale else "WHERE embedding IS NULL"
            rows = db.execute(f"SELECT chunk_id, title, heading, text FROM chunks {where} ORDER BY chunk_id").fetchall()
        if not rows:
            return 0
        matrix = self.embedder.embed_passages([embedding_text(r[1], r[2], r[3]) for r in rows])
        with self.connect() as db:
            db.execute("BEGIN")
            db.execute(
                "UPDATE chunks SET embedding = v.embedding FROM (SELECT unnest(?::BIGINT[]) AS chunk_id, "
                "unnest(?::FLOAT[][]) AS embedding) v "
                "WHERE chunks.chunk_id = v.chunk_id",
                [[r[0] for r in rows], matrix.tolist()],
            )
            self._set_model(db)
            db.execute("COMMIT")
        return len(rows)

    def counts(self) -> tuple[int, int]:
        """(documents, chunks)."""
        with self.connect(read_only=True) as db:
            return _count(db, "SELECT count(*) FROM documents"), _count(db, "SELECT count(*) FROM chunks")
