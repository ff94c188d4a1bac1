"""BM25 ranking computed in SQL inside DuckDB (no extension needed).

Scores use the classic Okapi BM25 (k1=1.2, b=0.75) with the non-negative idf
``ln(1 + (N - df + 0.5) / (df + 0.5))``. Results below ``min_score`` are dropped, so a
question the knowledge base does not cover returns nothing and the researcher says so.
"""

from __future__ import annotations

from pydantic import BaseModel

from frontdesk.knowledge.store import KnowledgeBase
from frontdesk.knowledge.tokens import tokenize

K1 = 1.2
B = 0.75
MIN_SCORE = 2.0

BM25_SQL = """
WITH q AS (SELECT DISTINCT unnest(?::VARCHAR[]) AS term),
stats AS (SELECT count(*)::DOUBLE AS n, avg(length)::DOUBLE AS avgdl FROM chunks),
df AS (SELECT t.term, count(*)::DOUBLE AS df FROM terms t JOIN q USING (term) GROUP BY t.term),
scored AS (
    SELECT t.chunk_id,
           sum(ln(1 + (s.n - df.df + 0.5) / (df.df + 0.5)) * t.tf * (? + 1)
               / (t.tf + ? * (1 - ? + ? * c.length / s.avgdl))) AS score,
           count(*) AS matched
    FROM terms t JOIN df USING (term) JOIN chunks c USING (chunk_id), stats s
    GROUP BY t.chunk_id
)
SELECT c.citation, c.doc_id, c.section, c.title, c.heading, c.text, scored.score
FROM scored JOIN chunks c USING (chunk_id)
WHERE scored.score >= ?
ORDER BY scored.score DESC, c.citation
LIMIT ?
"""


class Passage(BaseModel):
    """One retrieved passage with its citation and score."""

    citation: str
    doc: str
    section: str
    title: str
    heading: str
    text: str
    score: float
    rank: int


def search(kb: KnowledgeBase, query: str, top_k: int = 4, min_score: float = MIN_SCORE) -> list[Passage]:
    """The ``top_k`` passages most relevant to ``query`` by BM25, best first."""
    terms = tokenize(query)
    if not terms:
        return []
    with kb.connect(read_only=True) as db:
        rows = db.execute(BM25_SQL, [terms, K1, K1, B, B, min_score, top_k]).fetchall()
    return [
        Passage(citation=r[0], doc=r[1], section=r[2], title=r[3], heading=r[4], text=r[5], score=round(float(r[6]), 4), rank=i + 1)
        for i, r in enumerate(rows)
    ]
