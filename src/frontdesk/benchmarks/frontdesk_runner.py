"""frontdesk: the full support graph, through the scenario replay runner.

Why the replay runner rather than a hand-written loop: it is how frontdesk runs a
scenario for real — router, customer service, researcher, grader, tools node with the
approval gate, human handoff with tickets, a SQLite checkpointer with ``durability="sync"``,
long-term memory store — and it already checks every expectation of the file. The
benchmark only adds two things around it: the timed scripted model (latency + clock) and
a per-turn timer hooked on the environment's ``turn_span``, which wraps exactly one
customer turn including the operator's scripted answers to approvals and handoffs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from frontdesk.benchmarks.model import ModelClock, TimedScriptedModels
from frontdesk.benchmarks.tasks import BenchTask, TaskRun, TurnTimer
from frontdesk.llm.scripted import Script
from frontdesk.replay.environment import ReplayEnvironment
from frontdesk.replay.runner import run_scenario

NAME = "frontdesk"


class _TimedTurns:
    """The replay environment, with each turn timed and the script moved to that turn.

    ``run_scenario`` advances its own script; the timed models read this one, so the turn
    index is set here, from the turn number the runner passes to ``turn_span``.
    """

    def __init__(self, env: ReplayEnvironment, script: Script, timer: TurnTimer) -> None:
        self._env = env
        self._script = script
        self._timer = timer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._env, name)

    @contextmanager
    def turn_span(
        self, *, thread_id: str, scenario: str, turn: int, labels: dict[str, str] | None = None
    ) -> Iterator[None]:
        self._script.turn = turn - 1
        with self._timer.turn(), self._env.turn_span(thread_id=thread_id, scenario=scenario, turn=turn, labels=labels):
            yield


def run_task(task: BenchTask, env: ReplayEnvironment, latency_s: float, clock: ModelClock) -> TaskRun:
    """Replay ``task`` through the support graph; success = every replay check passed."""
    script = task.frontdesk_script()
    timer = TurnTimer(clock)
    timed_env: Any = _TimedTurns(env, script, timer)
    result = run_scenario(task.scenario, task.path, timed_env, models=TimedScriptedModels(script, latency_s, clock))
    problems = [str(f) for f in result.failures]
    for index in range(len(result.turns)):
        left = script.leftovers(index)
        if left:
            problems.append(f"turn {index + 1}: scripted outputs never used {left}")
    return TaskRun(task=task.name, framework=NAME, success=not problems, problems=problems, turns=timer.turns)
