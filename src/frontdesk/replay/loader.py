"""Loading scenario files with errors that point at the file, line and field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from frontdesk.errors import FrontdeskError
from frontdesk.graphs.support import default_agent_specs
from frontdesk.replay.lint import script_problems
from frontdesk.replay.schema import Scenario


class ScenarioFileError(FrontdeskError, ValueError):
    """A scenario file that cannot be used: one line per problem, each naming file, line and field.

    Every problem of the file is listed (``problems``), so fixing a scenario takes one run, not one
    run per mistake."""

    def __init__(self, *problems: str) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


def load_scenario(path: Path, *, check_script: bool = True) -> Scenario:
    """Parse and validate one scenario file (and, by default, its script against the shipped agents)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioFileError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        data = yaml.safe_load(text)
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioFileError(f"{path}{where}: invalid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise ScenarioFileError(f"{path}: a scenario must be a mapping with name and turns")
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioFileError(*(_located(path, root, error["loc"], error["msg"]) for error in exc.errors())) from None
    if check_script:
        problems = script_problems(scenario, default_agent_specs(str(scenario.settings.get("domain") or "retail")))
        if problems:
            raise ScenarioFileError(*(_located(path, root, loc, message) for loc, message in problems))
    return scenario


def load_all(paths: list[Path]) -> list[tuple[Path, Scenario]]:
    """Every scenario under ``paths``; the problems of every bad file at once (one ``ScenarioFileError``)."""
    loaded, problems = [], []
    for path in discover(paths):
        try:
            loaded.append((path, load_scenario(path)))
        except ScenarioFileError as exc:
            problems += exc.problems
    if problems:
        raise ScenarioFileError(*problems)
    return loaded


def _located(path: Path, root: Any, loc: tuple[Any, ...], message: str) -> str:
    field = ".".join(str(part) for part in loc) or "(top level)"
    return f"{path}:{_line_of(root, loc)}: field {field}: {message}"


def discover(paths: list[Path]) -> list[Path]:
    """Scenario files under ``paths`` (files as given, folders searched for *.yaml / *.yml)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix in {".yaml", ".yml"})
        elif path.exists():
            found.append(path)
        else:
            raise ScenarioFileError(f"{path}: no such file or folder")
    return found


def _line_of(node: Any, loc: tuple[Any, ...]) -> int:
    """The 1-based line of the YAML node at ``loc`` (or of its nearest existing parent)."""
    line = node.start_mark.line + 1 if node is not None else 1
    for part in loc:
        child, mark = None, None
        if isinstance(node, yaml.MappingNode):
            pair = next(((key, value) for key, value in node.value if key.value == part), None)
            if pair is not None:
                child, mark = pair[1], pair[0].start_mark
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            child = node.value[part]
            mark = child.start_mark
        if child is None or mark is None:
            break
        node, line = child, mark.line + 1
    return line
