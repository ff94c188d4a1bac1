"""Splitting Markdown into citable chunks: one per ``##`` section, windowed when long.

A chunk's citation is ``doc#section`` (file stem and heading slug), the form the
researcher cites and readers can find again in the source page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_CHARS = 900
OVERLAP_CHARS = 150


@dataclass(frozen=True)
class Chunk:
    doc_id: str
    section: str
    title: str
    heading: str
    text: str

    @property
    def citation(self) -> str:
        return f"{self.doc_id}#{self.section}"


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def windows(text: str, max_chars: int = MAX_CHARS, overlap: int = OVERLAP_CHARS) -> list[str]:
    """Cut ``text`` into pieces of at most ``max_chars``, overlapping by about ``overlap``, on word boundaries."""
    if len(text) <= max_chars:
        return [text]
    pieces, start = [], 0
    while start < len(text):
        end = min(len(text), start + max_chars)
        if end < len(text):
            space = text.rfind(" ", start + max_chars // 2, end)
            end = space if space > start else end
        pieces.append(text[start:end].strip())
        if end >= len(text):
            break
        back = text.rfind(" ", start, end - overlap)
        start = back + 1 if back > start else end - overlap
    return pieces


def chunk_markdown(doc_id: str, markdown: str) -> list[Chunk]:
    """Chunks of one Markdown document; text before the first ``##`` becomes an ``overview`` section."""
    title = doc_id.replace("-", " ").title()
    sections: list[tuple[str, list[str]]] = [("Overview", [])]
    for line in markdown.splitlines():
        if line.startswith("# "):
            title = line[2:].strip()
        elif line.startswith("## "):
            sections.append((line[3:].strip(), []))
        else:
            sections[-1][1].append(line)
    chunks = []
    for heading, lines in sections:
        body = " ".join(" ".join(lines).split())
        if not body:
            continue
        for piece in windows(body):
            chunks.append(Chunk(doc_id=doc_id, section=slugify(heading), title=title, heading=heading, text=piece))
    return chunks
