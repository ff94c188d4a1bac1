"""``frontdesk kb``: ingest documents into the knowledge base and search it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from frontdesk.cli.common import console, fail
from frontdesk.settings import Settings

app = typer.Typer(help="The knowledge base the researcher answers from (DuckDB).", no_args_is_help=True)

KbOption = Annotated[Path | None, typer.Option("--kb", help="Knowledge base file [default: in the data dir]")]


def _path(kb: Path | None) -> Path:
    return kb or Settings.from_env().resolved_knowledge_path


@app.command("ingest")
def ingest(paths: Annotated[list[Path], typer.Argument(help="Markdown/text files or folders")], kb: KbOption = None) -> None:
    """Add or refresh documents (unchanged files are skipped, changed ones replaced)."""
    from frontdesk.knowledge import KnowledgeBase, ingest_paths

    base = KnowledgeBase(_path(kb))
    try:
        with console.status("Ingesting…"):
            seen, indexed, chunks = ingest_paths(base, paths)
    except FileNotFoundError as exc:
        fail(str(exc))
    documents, total = base.counts()
    console.print(f"{seen} file(s) read, {indexed} (re)indexed into {chunks} chunk(s); {base.path} now holds {documents} documents, {total} chunks.")


@app.command("search")
def search(query: str, kb: KbOption = None, k: Annotated[int, typer.Option("-k", help="How many passages")] = 5) -> None:
    """Show the passages the researcher would get for QUERY."""
    from frontdesk.knowledge import KnowledgeBase
    from frontdesk.knowledge import search as run_search

    base = KnowledgeBase(_path(kb))
    if kb is None and not base.path.exists():
        from frontdesk.knowledge import default_knowledge_base

        base = default_knowledge_base(base.path)
    try:
        passages = run_search(base, query, top_k=k)
    except FileNotFoundError as exc:
        fail(str(exc))
    if not passages:
        console.print(f"No relevant passage for {query!r}.")
        return
    table = Table("rank", "citation", "score", "passage")
    for p in passages:
        table.add_row(str(p.rank), p.citation, f"{p.score:.2f}", p.text[:90] + ("…" if len(p.text) > 90 else ""))
    console.print(table)
