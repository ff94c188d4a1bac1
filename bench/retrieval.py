"""Retrieval quality and latency of the knowledge base.

Quality: Recall@5 and MRR over the labelled questions in ``bench/data/kb_questions.yaml``
against the shipped pages. Latency: p50/p95 of one query against ~10k chunks (the shipped
pages replicated under new document ids, with per-copy noise words), measured in the same
run, with the ratio to the small KB as the baseline.

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

from frontdesk.knowledge import KnowledgeBase, default_knowledge_base, search  # noqa: E402
from frontdesk.knowledge.chunking import chunk_markdown  # noqa: E402
from frontdesk.knowledge.ingest import packaged_pages  # noqa: E402

QUESTIONS = Path(__file__).parent / "data" / "kb_questions.yaml"


def quality(kb: KnowledgeBase, questions: list[dict]) -> tuple[float, float]:
    recall, reciprocal = [], []
    for item in questions:
        ranked = [p.citation for p in search(kb, item["q"], top_k=5, min_coverage=0.0)]
        relevant = set(item["relevant"])
        recall.append(len(relevant & set(ranked)) / len(relevant))
        rank = next((i + 1 for i, c in enumerate(ranked) if c in relevant), None)
        reciprocal.append(1 / rank if rank else 0.0)
    return statistics.mean(recall), statistics.mean(reciprocal)


def latencies(kb: KnowledgeBase, questions: list[dict], repeat: int = 3) -> list[float]:
    times = []
    for _ in range(repeat):
        for item in questions:
            start = time.perf_counter()
            search(kb, item["q"], top_k=5)
            times.append((time.perf_counter() - start) * 1000)
    return times


def large_kb(path: Path, chunks: int) -> KnowledgeBase:
    """The shipped pages copied under new ids until about ``chunks`` chunks, with noise words."""
    rng = random.Random(7)
    pages = [(p.stem, p.read_text()) for p in sorted(packaged_pages().glob("*.md"))]
    per_copy = sum(len(chunk_markdown(stem, text)) for stem, text in pages)
    kb = KnowledgeBase(path)
    noise = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike".split()
    for copy in range(max(1, chunks // per_copy)):
        for stem, text in pages:
            extra = " ".join(rng.choice(noise) for _ in range(8))
            doc = f"{stem}-copy{copy}"
            kb.replace_document(doc, doc, doc, doc, chunk_markdown(doc, text.replace("\n\n", f" {extra}\n\n", 1)))
    return kb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=10_000)
    args = parser.parse_args()
    questions = yaml.safe_load(QUESTIONS.read_text())
    with tempfile.TemporaryDirectory() as tmp:
        small = default_knowledge_base(Path(tmp) / "small.duckdb")
        recall, mrr = quality(small, questions)
        print(f"{len(questions)} labelled questions, {small.counts()[1]} chunks")
        print(f"{'mode':>8} {'Recall@5':>9} {'MRR':>6}")
        print(f"{'bm25':>8} {recall:>9.3f} {mrr:>6.3f}")
        base = latencies(small, questions)
        started = time.perf_counter()
        big = large_kb(Path(tmp) / "big.duckdb", args.chunks)
        built = time.perf_counter() - started
        large = latencies(big, questions)
        total_chunks = big.counts()[1]
    p50, p95 = statistics.median(large), statistics.quantiles(large, n=20)[18]
    b50 = statistics.median(base)
    print(f"query latency at {total_chunks:,} chunks (built in {built:.0f} s): p50 {p50:.1f} ms, p95 {p95:.1f} ms; "
          f"small KB p50 {b50:.1f} ms (ratio {p50 / b50:.1f}x)")


if __name__ == "__main__":
    main()
