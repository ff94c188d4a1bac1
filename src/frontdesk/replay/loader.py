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
    """A scenario file that cannot be used; the message is one line naming file, line, field."""


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
        error = exc.errors()[0]
        extra = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise ScenarioFileError(_located(path, root, error["loc"], f"{error['msg']}{extra}")) from None
    if check_script:
        problems = script_problems(scenario, default_agent_specs(str(scenario.settings.get("domain") or "retail")))
        if problems:
            loc, message = problems[0]
            extra = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            raise ScenarioFileError(_located(path, root, loc, message + extra))
    return scenario


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
