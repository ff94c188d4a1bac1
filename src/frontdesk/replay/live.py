"""Running scenarios against a real model: recording cassettes, and live pass^k.

``record`` plays a scenario's customer turns (and scripted operator actions) against a
real model and writes every model output back as the scenario's script, so it replays
deterministically afterwards; the returned diff shows what changed since the last
recording. ``live`` runs each scenario ``n`` times with the real model (scripts ignored,
expectations kept) and computes pass^k — the chance that ``k`` runs in a row all pass —
as tau-bench does: mean over scenarios of C(c, k) / C(n, k).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from math import comb
from pathlib import Path
from typing import Any

import yaml

from frontdesk.llm.factory import ModelProvider
from frontdesk.replay.environment import ReplayEnvironment
from frontdesk.replay.results import ScenarioResult
from frontdesk.replay.runner import run_scenario
from frontdesk.replay.schema import Scenario


def record(path: Path, scenario: Scenario, env: ReplayEnvironment, models: ModelProvider) -> tuple[ScenarioResult, str]:
    """Run ``scenario`` on ``models`` and rewrite ``path`` with the recorded script; returns (result, diff)."""
    result = run_scenario(scenario, path, env, models=models)
    original = path.read_text(encoding="utf-8")
    data = yaml.safe_load(original)
    for turn_data, turn in zip(data["turns"], result.turns, strict=False):
        turn_data["script"] = {agent: [_plain(step) for step in steps] for agent, steps in turn.script.items()}
    updated = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120)
    path.write_text(updated, encoding="utf-8")
    before = yaml.safe_dump(
        {"turns": [t.get("script", {}) for t in yaml.safe_load(original)["turns"]]}, sort_keys=False, allow_unicode=True
    )
    after = yaml.safe_dump({"turns": [t.get("script", {}) for t in data["turns"]]}, sort_keys=False, allow_unicode=True)
    diff = "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            f"{path.name} (before)",
            f"{path.name} (recorded)",
        )
    )
    return result, diff


def _plain(step: dict[str, Any]) -> Any:
    """The shortest YAML form of a step: plain text stays a string."""
    if set(step) == {"text"}:
        return step["text"]
    return step


def pass_hat_k(passes: int, runs: int, k: int) -> float:
    """C(c, k) / C(n, k): the chance that k of the n runs, drawn together, all passed."""
    return comb(passes, k) / comb(runs, k) if runs >= k else 0.0


@dataclass
class LiveReport:
    runs: int
    results: dict[str, list[ScenarioResult]] = field(default_factory=dict)

    def passes(self, name: str) -> int:
        return sum(r.passed for r in self.results[name])

    def pass_hat(self, k: int) -> float:
        """Mean over scenarios of pass^k."""
        if not self.results:
            return 0.0
        return sum(pass_hat_k(self.passes(name), self.runs, k) for name in self.results) / len(self.results)


def live(
    scenarios: list[tuple[Path, Scenario]], env: ReplayEnvironment, models: ModelProvider, runs: int
) -> LiveReport:
    """Run every scenario ``runs`` times on the real model."""
    report = LiveReport(runs=runs)
    for path, scenario in scenarios:
        report.results[str(path)] = [run_scenario(scenario, path, env, models=models) for _ in range(runs)]
    return report
