"""pytest plugin: scenario YAML files are collected and run as test items.

Any ``*.yaml`` / ``*.yml`` inside a folder named ``scenarios`` whose top level has
``turns`` becomes one test with the scenario's name as its id. A failing scenario shows
which turn and expectation failed and what was observed — not a traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from frontdesk.errors import FrontdeskError
from frontdesk.replay.loader import ScenarioFileError, load_scenario

_ENV_KEY = pytest.StashKey[Any]()


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix in {".yaml", ".yml"} and "scenarios" in file_path.parts and _looks_like_scenario(file_path):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


def _looks_like_scenario(path: Path) -> bool:
    try:
        head = path.read_text(encoding="utf-8")
    except OSError:
        return False
    return any(line.startswith("turns:") for line in head.splitlines())


def _environment(config: pytest.Config) -> Any:
    env = config.stash.get(_ENV_KEY, None)
    if env is None:
        from frontdesk.replay.environment import ReplayEnvironment  # noqa: PLC0415 — a pytest plugin loads in every test run

        env = ReplayEnvironment()
        config.stash[_ENV_KEY] = env
    return env


def pytest_unconfigure(config: pytest.Config) -> None:
    env = config.stash.get(_ENV_KEY, None)
    if env is not None:
        env.close()


class ScenarioFile(pytest.File):
    """A scenario file: one test item."""

    def collect(self) -> Iterator[pytest.Item]:
        try:
            scenario = load_scenario(self.path)
        except ScenarioFileError as exc:
            yield BrokenScenarioItem.from_parent(self, name=self.path.stem, problem=str(exc))
            return
        item = ScenarioItem.from_parent(self, name=self.path.stem, scenario=scenario)
        for tag in scenario.tags:
            marker = tag.replace("-", "_")
            self.config.addinivalue_line("markers", f"{marker}: scenarios tagged {tag}")
            item.add_marker(marker)
        yield item


class ScenarioFailed(FrontdeskError):
    """Raised by a scenario item whose expectations failed."""


class ScenarioItem(pytest.Item):
    def __init__(self, *, scenario: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenario = scenario

    def runtest(self) -> None:
        from frontdesk.replay.runner import run_scenario  # noqa: PLC0415 — a pytest plugin loads in every test run

        result = run_scenario(self.scenario, self.path, _environment(self.config))
        if result.failures:
            raise ScenarioFailed("\n".join(str(f) for f in result.failures))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ScenarioFailed):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"scenario: {self.scenario.name}"


class BrokenScenarioItem(pytest.Item):
    """A scenario file that does not validate fails as its own test, with the loader's message."""

    def __init__(self, *, problem: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.problem = problem

    def runtest(self) -> None:
        raise ScenarioFailed(self.problem)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        return self.problem

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"scenario file: {self.path.name}"
