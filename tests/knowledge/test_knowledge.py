"""The knowledge base: chunking, idempotent ingestion, BM25 in DuckDB, the search tool, the CLI."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from typer.testing import CliRunner

from frontdesk.cli.app import app
from frontdesk.domains.retail import DEMO_PAGES
from frontdesk.knowledge import KnowledgeBase, default_knowledge_base, ingest_paths, search
from frontdesk.knowledge.chunking import chunk_markdown, windows
from frontdesk.runtime import RunContext
from frontdesk.tools.base import ToolContext
from frontdesk.tools.knowledge import search_knowledge_base


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return default_knowledge_base(tmp_path_factory.mktemp("kb") / "knowledge.duckdb", demo_pages=DEMO_PAGES)


def test_markdown_is_chunked_by_section_with_citations() -> None:
    chunks = chunk_markdown(
        "returns", "# Returns\n\nIntro text.\n\n## Return window\nWithin 30 days.\n\n## Refunds\nTo the card.\n"
    )
    assert [(c.citation, c.title, c.text) for c in chunks] == [
        ("returns#overview", "Returns", "Intro text."),
        ("returns#return-window", "Returns", "Within 30 days."),
        ("returns#refunds", "Returns", "To the card."),
    ]


def test_long_sections_are_windowed_with_overlap() -> None:
    text = " ".join(f"word{i}" for i in range(400))
    pieces = windows(text, max_chars=500, overlap=100)
    assert len(pieces) > 3 and all(len(p) <= 500 for p in pieces)
    for first, second in itertools.pairwise(pieces):
        assert first.split()[-1] in second.split()[:25]
    assert " ".join(pieces).split()[-1] == "word399"


@pytest.mark.parametrize(
    ("question", "citation"),
    [
        ("Do you price match?", "payments#price-matching"),
        ("My parcel arrived damaged", "shipping#lost-or-damaged-parcels"),
        ("What warranty do headphones have?", "warranty#coverage"),
        ("Can I cancel an order that is already processed?", "cancellations#cancelling-a-pending-order"),
        ("How much does express shipping cost?", "shipping#delivery-times"),
        ("Can I swap shoes for a different size after delivery?", "exchanges#what-can-be-exchanged"),
    ],
)
def test_bm25_puts_the_right_section_first(kb: KnowledgeBase, question: str, citation: str) -> None:
    results = search(kb, question, top_k=3)
    assert results[0].citation == citation, [r.citation for r in results]
    assert results[0].rank == 1 and results[0].score >= results[-1].score


def test_unrelated_questions_find_nothing(kb: KnowledgeBase) -> None:
    assert search(kb, "What is the capital of France?") == []
    assert search(kb, "the and of") == []


def test_ingestion_is_idempotent_and_replaces_changed_files(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    page = docs / "loyalty.md"
    page.write_text("# Loyalty\n\n## Points\nEvery dollar earns one loyalty point.\n")
    kb = KnowledgeBase(tmp_path / "kb.duckdb")
    assert ingest_paths(kb, [docs]) == (1, 1, 1)
    assert ingest_paths(kb, [docs]) == (1, 0, 0)
    page.write_text(
        "# Loyalty\n\n## Points\nEvery dollar earns two loyalty points.\n\n## Tiers\nGold members get free express "
        "shipping.\n"
    )
    assert ingest_paths(kb, [docs]) == (1, 1, 2)
    assert kb.counts() == (1, 2)
    assert "two loyalty points" in search(kb, "loyalty points per dollar")[0].text
    with pytest.raises(FileNotFoundError, match="no such file"):
        ingest_paths(kb, [tmp_path / "missing"])


def test_the_tool_returns_citable_passages_or_says_it_found_nothing(kb: KnowledgeBase) -> None:
    ctx = ToolContext(run=RunContext(knowledge=kb))
    found = search_knowledge_base.invoke(ctx, {"query": "how long is the return window"})
    assert found.ok and "[returns#return-window]" in found.content
    nothing = search_knowledge_base.invoke(ctx, {"query": "quantum chromodynamics"})
    assert nothing.ok and nothing.content.startswith("No passage in the knowledge base is relevant")
    missing = search_knowledge_base.invoke(ToolContext(run=RunContext()), {"query": "returns"})
    assert not missing.ok and "not configured" in missing.content


def test_another_process_can_search_the_same_file(kb: KnowledgeBase) -> None:
    code = (
        "from pathlib import Path; from frontdesk.knowledge import KnowledgeBase, search; "
        f"print(search(KnowledgeBase(Path({str(kb.path)!r})), "
        f"'price match')[0].citation)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "payments#price-matching"
    assert search(kb, "price match")[0].citation == "payments#price-matching"


def test_cli_ingest_and_search(tmp_path: Path) -> None:
    runner = CliRunner()
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "gifts.md").write_text("# Gift wrapping\n\n## Wrapping\nGift wrapping costs $4 per item.\n")
    kb_file = tmp_path / "kb.duckdb"
    result = runner.invoke(app, ["kb", "ingest", str(docs), "--kb", str(kb_file)], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "1 (re)indexed into 1 chunk(s)" in result.output
    result = runner.invoke(
        app, ["kb", "search", "what does gift wrapping cost", "--kb", str(kb_file)], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0 and "gifts#wrapping" in result.output
    result = runner.invoke(app, ["kb", "ingest", str(tmp_path / "nope"), "--kb", str(kb_file)], env={"COLUMNS": "200"})
    assert result.exit_code == 2 and "no such file or folder" in result.output


def test_searches_share_one_handle_that_is_let_go_so_another_process_can_ingest(tmp_path: Path) -> None:
    """A server's searches keep one read-only handle open; once idle it is closed, and
    ``frontdesk kb ingest`` in another process gets the file (DuckDB allows one writer)."""
    from frontdesk.knowledge.reader import shared_reader

    base = default_knowledge_base(tmp_path / "knowledge.duckdb", demo_pages=DEMO_PAGES)
    reader = shared_reader(base.path)
    reader._idle_s = 0.3  # the server's default is a couple of seconds
    with ThreadPoolExecutor(max_workers=4) as pool:  # searches from several threads at once, on cursors of one handle
        found = list(pool.map(lambda _: search(base, "price match")[0].citation, range(8)))
    assert found == ["payments#price-matching"] * 8
    page = tmp_path / "showroom.md"
    page.write_text(
        "# Showroom\n\n## Lisbon opening hours\n\nThe Lisbon showroom opens at nine and closes at six, Monday to "
        "Saturday.\n"
    )
    code = (
        "from pathlib import Path; from frontdesk.knowledge import ingest_paths, open_knowledge_base; "
        f"kb = open_knowledge_base(Path({str(base.path)!r}), 'bm25'); ingest_paths(kb, [Path({str(page)!r})]); "
        "print('ok')"
    )
    deadline = time.monotonic() + 10
    while reader._handle is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert reader._handle is None, "the idle handle was let go"
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]
    assert search(base, "when does the Lisbon showroom open")[0].citation.startswith("showroom#")


def test_this_process_can_ingest_while_its_searches_hold_the_reader(tmp_path: Path) -> None:
    """DuckDB refuses a read-write handle beside a read-only one in one process; writing
    closes the shared reader first (waiting for searches in flight) instead of failing."""
    path = tmp_path / "knowledge.duckdb"
    searching = default_knowledge_base(path, demo_pages=DEMO_PAGES)
    assert search(searching, "price match")[0].citation == "payments#price-matching"
    page = tmp_path / "loyalty.md"
    page.write_text("# Loyalty\n\n## Points\n\nEvery dollar spent earns one loyalty point.\n")
    ingest_paths(KnowledgeBase(path, embedder=searching.embedder), [page])  # another instance on the same file
    assert search(searching, "how many loyalty points per dollar")[0].citation.startswith("loyalty#")
