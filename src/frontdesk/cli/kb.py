"""``frontdesk kb``: ingest documents into the knowledge base and search it."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from frontdesk.cli.common import console, fail
from frontdesk.config.settings import Settings
from frontdesk.inputs import printable

if TYPE_CHECKING:
    from frontdesk.knowledge.store import KnowledgeBase

app = typer.Typer(help="The knowledge base the researcher answers from (DuckDB).", no_args_is_help=True)

KbOption = Annotated[Path | None, typer.Option("--kb", help="Knowledge base file [default: in the data dir]")]


class Mode(StrEnum):
    hybrid = "hybrid"
    bm25 = "bm25"
    vector = "vector"


ModeOption = Annotated[
    Mode | None, typer.Option("--mode", help="How to rank [default: FRONTDESK_RETRIEVAL, else hybrid]")
]


def _open(kb: Path | None, mode: Mode | None = None) -> KnowledgeBase:
    from frontdesk.knowledge import open_knowledge_base

    settings = Settings.from_env(retrieval_mode=mode.value if mode else None)
    return open_knowledge_base(kb or settings.resolved_knowledge_path, settings.retrieval_mode)


@app.command("ingest")
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Markdown/text files or folders")], kb: KbOption = None
) -> None:
    """Add or refresh documents (unchanged files are skipped, changed ones replaced) and embed their chunks."""
    from frontdesk.knowledge import ingest_paths

    base = _open(kb)
    try:
        with console.status("Ingesting and embedding…"):
            seen, indexed, chunks = ingest_paths(base, paths)
    except FileNotFoundError as exc:
        fail(str(exc))
    documents, total = base.counts()
    model = base.embedding_model()
    vectors = f"vectors: {model}" if model else "no vectors (BM25 only: the embedding model is not installed)"
    console.print(
        f"{seen} file(s) read, {indexed} (re)indexed into {chunks} chunk(s); {base.path} now holds {documents} "
        f"documents, {total} chunks; {vectors}."
    )


@app.command("search")
def search(
    query: str,
    kb: KbOption = None,
    k: Annotated[int, typer.Option("-k", help="How many passages")] = 5,
    mode: ModeOption = None,
) -> None:
    """Show the passages the researcher would get for QUERY, with the signals behind each."""
    from frontdesk.knowledge import RetrievalError
    from frontdesk.knowledge import search as run_search

    base = _open(kb, mode)
    if kb is None and not base.path.exists():
        settings = Settings.from_env()
        if not settings.demo:
            fail(
                f"the knowledge base {base.path} is empty: add pages with `frontdesk kb ingest PATH` (or set "
                "FRONTDESK_DEMO=1 for the demo shop's pages)"
            )
        from frontdesk.app import open_knowledge
        from frontdesk.domains import get_domain

        base = open_knowledge(settings, get_domain(settings.domain))
    try:
        passages = run_search(base, query, top_k=k)
    except (FileNotFoundError, RetrievalError) as exc:
        fail(str(exc))
    if not passages:
        console.print(Text(printable(f"No relevant passage for {query!r} ({base.effective_mode}).")))
        return
    table = Table(
        title=Text(printable(f"{base.effective_mode} retrieval: {query}")),
        title_justify="left",
        caption="cov: share of the query's BM25 weight a passage matches · sim: cosine similarity",
        caption_justify="left",
    )
    for name in ("#", "citation", "score", "cov", "sim"):
        table.add_column(name, no_wrap=True, justify="left" if name == "citation" else "right")
    table.add_column("passage", no_wrap=True)
    room = max(10, console.width - 36 - max(len(p.citation) for p in passages))
    for p in passages:
        signals = ["—" if v is None else f"{v:.2f}" for v in (p.coverage, p.similarity)]
        text = p.text if len(p.text) <= room else p.text[: room - 1] + "…"
        table.add_row(
            str(p.rank), Text(printable(p.citation)), f"{p.score:.3f}", *signals, Text(printable(text))
        )  # page text is data, not markup
    console.print(table)
