"""The code stays what the project promises: typed, linted, formatted, and layered one way."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "src" / "frontdesk"


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *command], cwd=REPO, capture_output=True, text=True, timeout=600, check=False
    )


def test_mypy_passes_on_the_package() -> None:
    done = run("mypy")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def test_ruff_lint_and_format_pass() -> None:
    lint = run("ruff", "check", "src", "tests", "bench", "examples", "docs/hooks.py")
    assert lint.returncode == 0, lint.stdout[-4000:]
    formatted = run("ruff", "format", "--check", "src", "tests", "bench", "examples", "docs/hooks.py")
    assert formatted.returncode == 0, formatted.stdout[-4000:]


def _package_of(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


def _runtime_imports(tree: ast.Module) -> list[str]:
    """Imported frontdesk modules, leaving out ``if TYPE_CHECKING:`` blocks (no import happens)."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(child) for child in ast.walk(node)}
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("frontdesk."):
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name.startswith("frontdesk.")]
    return found


def package_graph() -> dict[str, set[str]]:
    """Which top-level part of frontdesk imports which (``agents``, ``graphs``, ``app``...)."""
    edges: dict[str, set[str]] = defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        source = _package_of(path)
        for module in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            target = module.split(".")[1]
            if target != source:
                edges[source].add(target)
    return edges


def test_no_import_cycle_between_packages() -> None:
    edges = package_graph()
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        for nxt in sorted(edges.get(node, ())):
            if nxt == path[0]:
                cycles.append(" -> ".join([*path, nxt]))
            elif nxt not in path and nxt > path[0]:
                visit(nxt, [*path, nxt])

    for start in sorted(edges):
        visit(start, [start])
    assert cycles == []


def test_lower_layers_never_import_entry_points() -> None:
    edges = package_graph()
    entry_points = {"cli", "server"}
    offenders = {
        source: sorted(targets & entry_points)
        for source, targets in edges.items()
        if source not in entry_points and targets & entry_points
    }
    assert offenders == {}


def test_entry_points_leave_the_message_protocol_to_conversation() -> None:
    """The server, the CLI, tau2 live runs, replay and the operator inbox send customer messages
    and operator answers through ``Conversation``: none resumes a pause or reads what a message
    means on its own (the copies had drifted apart). Only the conversation's own modules, the
    graph's nodes (which pause) and the confirmation grammar name these."""
    allowed = {"conversation/thread.py", "conversation/standing.py", "graphs/human.py", "tools/confirmation.py"}
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.relative_to(PACKAGE).as_posix() in allowed:
            continue
        source = path.read_text(encoding="utf-8")
        offenders += [
            f"{path.relative_to(PACKAGE)}: {name}"
            for name in ("Command(resume", "parse_answer(", "answered_pause(")
            if name in source
        ]
    assert offenders == []


def test_each_subpackage_is_public_with_its_names_or_says_it_is_internal() -> None:
    """A subpackage either re-exports what apps may use (``__all__``, every name importable) or
    its docstring begins "Internal:" and names the public face apps use instead, so a reader
    knows what is safe to build on without reading the code."""
    undecided, broken = [], []
    for init in sorted(PACKAGE.glob("*/__init__.py")):
        package = f"frontdesk.{init.parent.name}"
        tree = ast.parse(init.read_text(encoding="utf-8"))
        internal = (ast.get_docstring(tree) or "").startswith("Internal:")
        if internal:
            continue
        module = importlib.import_module(package)
        names = getattr(module, "__all__", None)
        if not names:
            undecided.append(package)
        broken += [f"{package}.{name}" for name in names or () if not hasattr(module, name)]
    assert undecided == [] and broken == []


def test_no_module_imports_another_packages_underscored_names() -> None:
    """``_name`` is private to its package: reaching into another package's underscored names
    couples the two behind the public surface's back."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        own = _package_of(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("frontdesk."):
                other = node.module.split(".")[1]
                private = [alias.name for alias in node.names if alias.name.startswith("_")]
                if other != own and private:
                    offenders.append(f"{path.relative_to(PACKAGE)}: {node.module} {private}")
    assert offenders == []


def test_modules_stay_small() -> None:
    """One job per module: a module past 400 lines is doing two, and is split by job."""
    long = {
        str(path.relative_to(PACKAGE)): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert long == {}
