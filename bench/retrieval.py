"""Retrieval quality and latency of the knowledge base, for BM25, vector and hybrid search.

Quality: Recall@5 and MRR over the labelled questions in ``bench/data/kb_questions.yaml``
against the shipped pages, ranking without the relevance bar. Latency: p50/p95 of one query
(embedding the query included) against ~10k chunks (the shipped pages replicated under new
document ids, with per-copy noise words), measured in the same run, with the ratio to the
small KB as the baseline. Passage vectors come from the on-disk embedding cache when they
were computed before, so a second run builds the big KB much faster than the first.

    python bench/retrieval.py [--chunks 10000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from frontdesk.domains.retail import DEMO_PAGES
from frontdesk.knowledge import KnowledgeBase, default_knowledge_base, open_knowledge_base, search
from frontdesk.knowledge.chunking import chunk_markdown

QUESTIONS = Path(__file__).parent / "data" / "kb_questions.yaml"


MODES = ("bm25", "vector", "hybrid")


def quality(kb: KnowledgeBase, questions: list[dict], mode: str) -> tuple[float, float]:
    recall, reciprocal = [], []
    for item in questions:
        ranked = [p.citation for p in search(kb, item["q"], top_k=5, mode=mode, min_coverage=0.0, min_similarity=-1.0)]
        relevant = set(item["relevant"])
        recall.append(len(relevant & set(ranked)) / len(relevant))
        rank = next((i + 1 for i, c in enumerate(ranked) if c in relevant), None)
        reciprocal.append(1 / rank if rank else 0.0)
    return statistics.mean(recall), statistics.mean(reciprocal)


def latencies(kb: KnowledgeBase, questions: list[dict], mode: str, repeat: int = 3) -> list[float]:
    times = []
    for _ in range(repeat):
        for item in questions:
            start = time.perf_counter()
            search(kb, item["q"], top_k=5, mode=mode)
            times.append((time.perf_counter() - start) * 1000)
    return times


def large_kb(path: Path, chunks: int) -> KnowledgeBase:
    """The shipped pages copied under new ids until about ``chunks`` chunks, with noise words."""
    rng = random.Random(7)
    pages = [(p.stem, p.read_text()) for p in sorted(DEMO_PAGES.glob("*.md"))]
    per_copy = sum(len(chunk_markdown(stem, text)) for stem, text in pages)
    kb = open_knowledge_base(path)
    noise = [
        "alpha",
        "bravo",
        "charlie",
        "delta",
        "echo",
        "foxtrot",
        "golf",
        "hotel",
        "india",
        "juliet",
        "kilo",
        "lima",
        "mike",
    ]
    for copy in range(max(1, chunks // per_copy)):
        for stem, text in pages:
            extra = " ".join(rng.choice(noise) for _ in range(8))
            doc = f"{stem}-copy{copy}"
            kb.replace_document(doc, doc, doc, doc, chunk_markdown(doc, text.replace("\n\n", f" {extra}\n\n", 1)))
    return kb


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=10_000)
    args = parser.parse_args()
    questions = yaml.safe_load(QUESTIONS.read_text())
    with tempfile.TemporaryDirectory() as tmp:
        small = default_knowledge_base(Path(tmp) / "small.duckdb", demo_pages=DEMO_PAGES)
        if small.embedder is None:
            sys.exit("the embedding model is not installed here: only BM25 could be measured")
        print(f"{len(questions)} labelled questions, {small.counts()[1]} chunks, embeddings: {small.embedding_model()}")
        print(f"{'mode':>8} {'Recall@5':>9} {'MRR':>6}")
        for mode in MODES:
            recall, mrr = quality(small, questions, mode)
            print(f"{mode:>8} {recall:>9.3f} {mrr:>6.3f}")
        base = {mode: latencies(small, questions, mode) for mode in MODES}
        started = time.perf_counter()
        big = large_kb(Path(tmp) / "big.duckdb", args.chunks)
        built = time.perf_counter() - started
        large = {mode: latencies(big, questions, mode) for mode in MODES}
        total_chunks, small_chunks = big.counts()[1], small.counts()[1]
    print(
        f"\nquery latency (ms, query embedding included) at {total_chunks:,} chunks, built in {built:.0f} s;"
        f" ratio = p50 against the {small_chunks}-chunk KB in this run"
    )
    print(f"{'mode':>8} {'p50':>7} {'p95':>7} {'small p50':>10} {'ratio':>6}")
    for mode in MODES:
        p50, small50 = statistics.median(large[mode]), statistics.median(base[mode])
        print(f"{mode:>8} {p50:>7.1f} {p95(large[mode]):>7.1f} {small50:>10.1f} {p50 / small50:>5.1f}x")


if __name__ == "__main__":
    main()
