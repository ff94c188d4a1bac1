"""BM25 ranking computed in SQL inside DuckDB (no extension needed).

Scores use the classic Okapi BM25 (k1=1.2, b=0.75) with the non-negative idf
``ln(1 + (N - df + 0.5) / (df + 0.5))``. Relevance is judged by *coverage*: the share of
the query's idf weight (a term the corpus never saw weighs the most) that a passage
matches. Below ``min_coverage`` a passage is dropped, so a question the knowledge base does
not cover returns nothing and the researcher says so — whatever the corpus size, which
raw BM25 scores are not comparable across.
"""

from __future__ import annotations

from pydantic import BaseModel

from frontdesk.knowledge.store import KnowledgeBase
from frontdesk.knowledge.tokens import tokenize

K1 = 1.2
B = 0.75
MIN_COVERAGE = 0.45

BM25_SQL = """
WITH q AS (SELECT DISTINCT unnest(?::VARCHAR[]) AS term),
stats AS (SELECT count(*)::DOUBLE AS n, avg(length)::DOUBLE AS avgdl FROM chunks),
df AS (SELECT t.term, count(*)::DOUBLE AS df FROM terms t JOIN q USING (term) GROUP BY t.term),
idf AS (
    SELECT q.term, ln(1 + (s.n - coalesce(df.df, 0) + 0.5) / (coalesce(df.df, 0) + 0.5)) AS idf
    FROM q LEFT JOIN df USING (term), stats s
),
scored AS (
    SELECT t.chunk_id,
           sum(idf.idf * t.tf * (? + 1) / (t.tf + ? * (1 - ? + ? * c.length / s.avgdl))) AS score,
           sum(idf.idf) / (SELECT sum(idf) FROM idf) AS coverage
    FROM terms t JOIN idf USING (term) JOIN chunks c USING (chunk_id), stats s
    GROUP BY t.chunk_id
)
SELECT c.citation, c.doc_id, c.section, c.title, c.heading, c.text, scored.score, scored.coverage
FROM scored JOIN chunks c USING (chunk_id)
WHERE scored.coverage >= ?
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
    coverage: float
    rank: int


def search(kb: KnowledgeBase, query: str, top_k: int = 4, min_coverage: float = MIN_COVERAGE) -> list[Passage]:
    """The ``top_k`` passages most relevant to ``query`` by BM25, best first."""
    terms = tokenize(query)
    if not terms:
        return []
    with kb.connect(read_only=True) as db:
        rows = db.execute(BM25_SQL, [terms, K1, K1, B, B, min_coverage, top_k]).fetchall()
    return [
        Passage(citation=r[0], doc=r[1], section=r[2], title=r[3], heading=r[4], text=r[5], score=round(float(r[6]), 4), coverage=round(float(r[7]), 3), rank=i + 1)
        for i, r in enumerate(rows)
    ]
