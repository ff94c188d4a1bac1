"""The embedding example runs as documented."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "embedded_app.py"


def test_the_embedded_app_example_runs_and_uses_its_own_tool() -> None:
    done = subprocess.run([sys.executable, str(EXAMPLE)], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "You have 420 loyalty points, Ava."
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", str(EXAMPLE)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout


def test_the_example_uses_only_the_public_api() -> None:
    import ast

    tree = ast.parse(EXAMPLE.read_text(encoding="utf-8"))
    modules = {
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("frontdesk")
    }
    assert modules == {"frontdesk"}


def test_every_public_name_resolves() -> None:
    import frontdesk

    missing = [name for name in frontdesk.__all__ if getattr(frontdesk, name, None) is None]
    assert missing == []


def _blocks_after(heading: str) -> list[list[str]]:
    text = (EXAMPLE.parents[1] / "README.md").read_text(encoding="utf-8")
    section = text.split(heading, 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    return [
        block.split("\n", 1)[1].splitlines()
        for block in section.split("```python")[1:]
        for block in [block.split("```", 1)[0]]
    ]


def test_the_readmes_embedding_snippets_are_excerpts_of_the_tested_examples() -> None:
    """Every line of the README's embedding code is in an example the tests run, in the same order."""
    examples = {
        path.name: [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        for path in EXAMPLE.parent.glob("*.py")
    }
    blocks = _blocks_after("## Embedding it\n")
    assert len(blocks) == 1
    for block in blocks:
        wanted = [line.strip() for line in block if line.strip()]

        def contains_in_order(lines: list[str], wanted: list[str] = wanted) -> bool:
            position = 0
            for line in wanted:
                try:
                    position = lines.index(line, position) + 1
                except ValueError:
                    return False
            return True

        assert any(contains_in_order(lines) for lines in examples.values()), wanted[:3]
