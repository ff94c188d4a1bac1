"""The four benchmark tasks, the single-agent script rule, and how success is judged.

The tasks are shipped scenario files, so "the same conversation" means the very turns,
tool calls and model outputs the replay suite checks. frontdesk runs them as they are;
the other frameworks get one agent with the same tools and a script derived from the
same file (:func:`single_agent_turns`).

Success is judged on the end state, the same way for every framework: the DB diff must
equal the scenario's ``expect.db_changes``, and each turn must end the way the scenario
says (a reply containing the expected text, or a handoff to a person), with every
scripted model output consumed. frontdesk is judged by its own, stricter replay checks
(tools, agents, grades, approvals, operator replies) on top.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from frontdesk.benchmarks.model import ModelClock, timed_model
from frontdesk.domains.retail.tools import RETAIL_TOOLS
from frontdesk.interop.session import ToolSession
from frontdesk.llm.scripted import Script, ScriptedStep
from frontdesk.replay.checks import check_db_changes
from frontdesk.replay.environment import ReplayEnvironment
from frontdesk.replay.loader import load_scenario
from frontdesk.replay.schema import Scenario
from frontdesk.runtime import RunContext
from frontdesk.tools.base import Tool
from frontdesk.tools.knowledge import search_knowledge_base

TASKS: dict[str, str] = {
    "lookup": "order-status",
    "cancel": "cancel-pending-order",
    "policy": "policy-question",
    "handoff": "handoff-to-human",
}
"""Task name → scenario file stem (in the packaged scenario folder)."""

SINGLE_AGENT = "support"
"""The one agent of the frameworks without frontdesk's router/researcher/grader."""

MAIN_AGENTS = ("customer_service", "researcher")
"""The agents whose steps a single agent takes over, in this order."""

HUMAN_HANDOFF_TOOL = "transfer_to_human_agents"

INSTRUCTIONS = """You are the support agent of an online retail store. Authenticate the customer
before touching their account, use tools for every fact, ask for confirmation before any
change, answer policy questions from search_knowledge_base with citations, and call
transfer_to_human_agents when the customer asks for a person."""
"""One prompt for the single-agent frameworks (the scripted model does not read it; a
real deployment would, so each framework gets the prompt it would carry)."""


@dataclass(frozen=True)
class BenchTask:
    """One benchmark task: its scenario and the single-agent script derived from it."""

    name: str
    scenario: Scenario
    path: Path

    def frontdesk_script(self) -> Script:
        """The scenario's own multi-agent script (fresh counters for every run)."""
        return Script(self.scenario.name, [dict(turn.script) for turn in self.scenario.turns])

    def single_agent_script(self) -> Script:
        """The derived single-agent script (fresh counters for every run)."""
        return Script(self.scenario.name, single_agent_turns(self.scenario))


@dataclass
class TurnTiming:
    """One customer turn: wall time, and the model's share of it."""

    wall_s: float
    model_s: float
    model_calls: int

    @property
    def overhead_s(self) -> float:
        """What the framework itself spent: wall time minus time waiting on the model."""
        return max(0.0, self.wall_s - self.model_s)


@dataclass
class TurnOutcome:
    """What one turn ended with, as the customer would see it."""

    reply: str = ""
    handoff: bool = False


@dataclass
class TaskRun:
    """One run of one task on one framework."""

    task: str
    framework: str
    success: bool = False
    problems: list[str] = field(default_factory=list)
    turns: list[TurnTiming] = field(default_factory=list)


def scenario_folder() -> Path:
    """The scenario suite shipped inside the package (the same files as the repo's scenarios/)."""
    return Path(str(resources.files("frontdesk") / "scenarios"))


def load_tasks(folder: Path | None = None, names: list[str] | None = None) -> list[BenchTask]:
    """The benchmark tasks, loaded and validated from ``folder`` (default: the packaged suite)."""
    folder = folder or scenario_folder()
    tasks = []
    for name in names or list(TASKS):
        path = folder / f"{TASKS[name]}.yaml"
        tasks.append(BenchTask(name=name, scenario=load_scenario(path), path=path))
    return tasks


def single_agent_turns(scenario: Scenario) -> list[dict[str, list[ScriptedStep]]]:
    """The script of a framework with one agent and no router, researcher or grader.

    The rule, per turn: take the ``customer_service`` steps, then the ``researcher`` steps,
    in order; remove every ``transfer_to_<agent>`` call (an agent-to-agent handoff has no
    meaning with one agent — ``transfer_to_human_agents`` is a retail tool and stays); drop
    a step left with neither text nor tool calls; drop the grader's and summarizer's steps
    (those agents do not exist there). The result is the same model outputs, in the order a
    single agent would need them, under the agent name ``support``.
    """
    turns: list[dict[str, list[ScriptedStep]]] = []
    for turn in scenario.turns:
        steps: list[ScriptedStep] = []
        for agent in MAIN_AGENTS:
            for step in turn.script.get(agent, []):
                calls = [c for c in step.tool_calls if not _agent_handoff(c.name)]
                if step.text or calls or step.structured is not None:
                    steps.append(step.model_copy(update={"tool_calls": calls}))
        turns.append({SINGLE_AGENT: steps})
    return turns


def _agent_handoff(tool_name: str) -> bool:
    return tool_name.startswith("transfer_to_") and tool_name != HUMAN_HANDOFF_TOOL


def bench_tools() -> list[Tool]:
    """The tools a single agent gets: the sixteen retail tools and the knowledge-base search."""

    return [*RETAIL_TOOLS, search_knowledge_base]


@contextmanager
def domain_db(env: ReplayEnvironment, framework: str, task: BenchTask) -> Iterator[Any]:
    """A fresh copy of the task's fixture DB for one run; removed afterwards."""
    name = f"{framework}-{task.name}-{uuid.uuid4().hex[:8]}"
    engine = env.fresh_domain_db(name)
    try:
        yield engine
    finally:
        engine.dispose()
        (env.workdir / f"{name}-domain.sqlite").unlink(missing_ok=True)


Converse = Callable[[Script, ToolSession, Any, "TurnTimer", list["TurnOutcome"]], None]
"""A framework's conversation: plays the task's turns with the session's tools and the
scripted model, appending one outcome per turn (so a crash keeps the turns that ran)."""


def run_single_agent(
    framework: str, task: BenchTask, env: ReplayEnvironment, latency_s: float, clock: ModelClock, converse: Converse
) -> TaskRun:
    """The frame every single-agent runner shares, so each framework differs only in how it converses.

    A fresh DB, one tool session, the derived script behind a timed scripted model; a crash
    fails this run (not the benchmark), and the end state is judged the same way for all.
    """
    script = task.single_agent_script()
    timer = TurnTimer(clock)
    outcomes: list[TurnOutcome] = []
    problems: list[str] = []
    with domain_db(env, framework, task) as engine:
        before = env.snapshot(engine)
        # the task's customer has said yes in its script, and an operator approves in frontdesk's own
        # run: the single agents get that consent and a limit above the task's refund, so every
        # framework makes the same change and only the conversing differs
        session = ToolSession(
            services=RunContext(engine=engine, knowledge=env.knowledge),
            confirm=lambda _tool, _question, _args: True,
            approval_limit=BENCH_APPROVAL_LIMIT,
        )
        try:
            converse(script, session, timed_model(script, SINGLE_AGENT, latency_s, clock), timer, outcomes)
        except Exception as exc:  # a crash fails this run, not the benchmark
            problems.append(f"{type(exc).__name__}: {exc}")
        problems += judge(task, outcomes, env.diff(before, env.snapshot(engine)), script)
    return TaskRun(task=task.name, framework=framework, success=not problems, problems=problems, turns=timer.turns)


BENCH_APPROVAL_LIMIT = 1000.0
"""Above every bench task's refund (129.00): the single-agent runners cannot wait for an operator."""


def judge(task: BenchTask, outcomes: list[TurnOutcome], db_changes: list[dict[str, Any]], script: Script) -> list[str]:
    """Every way a single-agent run's end state differs from the scenario (empty = success).

    A turn the scenario expects to hand off must hand off (its reply is the operator's,
    which these frameworks have no operator to give, so it is not checked); any other turn
    must not hand off and its reply must contain/match what the scenario expects.
    """
    problems: list[str] = []
    if len(outcomes) != len(task.scenario.turns):
        problems.append(f"ran {len(outcomes)} of {len(task.scenario.turns)} turns")
    for index, (turn, outcome) in enumerate(zip(task.scenario.turns, outcomes, strict=False), start=1):
        expect = turn.expect
        if expect.handoff:
            if not outcome.handoff:
                problems.append(f"turn {index}: expected a handoff to a person")
            continue
        if outcome.handoff:
            problems.append(f"turn {index}: unexpected handoff")
        problems += [
            f"turn {index}: {needle!r} not in reply {outcome.reply!r}"
            for needle in expect.reply_contains
            if needle.lower() not in outcome.reply.lower()
        ]
        if expect.reply_matches and not re.search(expect.reply_matches, outcome.reply):
            problems.append(f"turn {index}: reply does not match /{expect.reply_matches}/")
    for index in range(len(task.scenario.turns)):
        left = script.leftovers(index)
        if left:
            problems.append(f"turn {index + 1}: scripted outputs never used {left}")
    if task.scenario.expect.db_changes is not None:
        problems += [
            f.message for f in check_db_changes(task.scenario.name, db_changes, task.scenario.expect.db_changes)
        ]
    return problems


class TurnTimer:
    """Times customer turns against a :class:`~frontdesk.benchmarks.model.ModelClock`.

    Wrap exactly the framework call that handles one customer message; the clock's
    readings before and after give that turn's model calls and model time.
    """

    def __init__(self, clock: Any) -> None:
        self.clock = clock
        self.turns: list[TurnTiming] = []

    @contextmanager
    def turn(self) -> Iterator[None]:
        calls, seconds = self.clock.reading()
        started = time.perf_counter()
        try:
            yield
        finally:
            wall = time.perf_counter() - started
            calls_after, seconds_after = self.clock.reading()
            self.turns.append(TurnTiming(wall_s=wall, model_s=seconds_after - seconds, model_calls=calls_after - calls))
