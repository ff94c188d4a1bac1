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


def test_the_example_uses_only_the_public_api() -> None:
    import ast

    tree = ast.parse(EXAMPLE.read_text(encoding="utf-8"))
    modules = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("frontdesk")}
    assert modules == {"frontdesk"}


def test_every_public_name_resolves() -> None:
    import frontdesk

    missing = [name for name in frontdesk.__all__ if getattr(frontdesk, name, None) is None]
    assert missing == []
