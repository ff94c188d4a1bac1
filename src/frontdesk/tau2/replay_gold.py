"""Replaying tau2 tasks' gold actions through a domain's tools (retail, airline, or any registered one).

For each task, on a fresh copy of the DB: run the gold actions in order (an action that
fails is recorded and the replay goes on, as tau2's evaluator does), then compare the
actions' errors, the DB changes and the final DB hash with the expected file.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy.engine import Engine

from frontdesk.domains import get_domain
from frontdesk.domains.base import Domain
from frontdesk.domains.database import ensure_frontdesk_tables, open_domain_db
from frontdesk.domains.diff import db_diff
from frontdesk.errors import FrontdeskError
from frontdesk.persistence.engine import create_domain_engine
from frontdesk.tools.base import ToolContext
from frontdesk.tools.execution import ToolCallRequest, ToolPipeline


class ActionResult(BaseModel):
    name: str
    arguments: dict[str, Any]
    error: bool
    error_message: str | None = None


class TaskResult(BaseModel):
    """How one task's replay compares with the reference."""

    task_id: str
    actions: list[ActionResult] = Field(default_factory=list)
    db_diff: list[dict[str, Any]] = Field(default_factory=list)
    final_db_hash: str = ""
    actions_match: bool = False
    diff_match: bool = False
    hash_match: bool = False
    problems: list[str] = Field(default_factory=list)

    @property
    def equal(self) -> bool:
        return self.actions_match and self.diff_match and self.hash_match


class GoldReport(BaseModel):
    tasks: list[TaskResult]

    @property
    def equal_count(self) -> int:
        return sum(t.equal for t in self.tasks)

    def summary(self) -> dict[str, Any]:
        return {
            "tasks": len(self.tasks),
            "equal": self.equal_count,
            "different": len(self.tasks) - self.equal_count,
            "results": [
                {
                    "task_id": t.task_id,
                    "equal": t.equal,
                    "actions_match": t.actions_match,
                    "diff_match": t.diff_match,
                    "hash_match": t.hash_match,
                    "final_db_hash": t.final_db_hash,
                    "problems": t.problems,
                }
                for t in self.tasks
            ],
        }


class GoldInputError(FrontdeskError, ValueError):
    """An input file that cannot be used; the message names it."""


def read_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GoldInputError(f"{what} file {path} does not exist") from None
    except json.JSONDecodeError as exc:
        raise GoldInputError(f"{what} file {path} is not valid JSON: line {exc.lineno}: {exc.msg}") from None


def replay_task(
    engine: Engine, task: dict[str, Any], domain: Domain | str = "retail"
) -> tuple[list[ActionResult], dict[str, Any]]:
    """Run one task's gold actions on ``engine``; return the action results and the final dump.

    Gold actions act for the task's customer: the owner of the first record an action
    names (the domain knows whose order, reservation or account it is).
    """
    spec = get_domain(domain)
    tools = spec.tools_by_name
    ensure_frontdesk_tables(engine)
    ctx = ToolContext(thread_id=f"tau2-{task['id']}", engine=engine)
    pipeline = ToolPipeline(tools.values())
    results = []
    for index, action in enumerate((task.get("evaluation_criteria") or {}).get("actions") or []):
        name, arguments = action["name"], action.get("arguments") or {}
        tool = tools.get(name)
        if tool is None:
            results.append(
                ActionResult(name=name, arguments=arguments, error=True, error_message=f"Tool '{name}' not found.")
            )
            continue
        if ctx.customer_id is None and spec.owner_of is not None:
            ctx.customer_id = spec.owner_of(engine, arguments)
        outcome = (
            pipeline.run_all([ToolCallRequest(id=f"gold-{index}", name=name, args=arguments)], ctx).results[0].outcome
        )
        message = None if outcome.ok else outcome.content.removeprefix("Error: ")
        results.append(ActionResult(name=name, arguments=arguments, error=not outcome.ok, error_message=message))
    return results, spec.export_dump(engine)


def _sorted(diff: list[dict[str, Any]]) -> list[str]:
    return sorted(json.dumps(change, sort_keys=True) for change in diff)


def compare(result: TaskResult, expected: dict[str, Any]) -> None:
    """Fill in the match flags and a readable list of differences."""
    wanted = [(a["name"], a["error"], a["error_message"]) for a in expected["actions"]]
    got = [(a.name, a.error, a.error_message) for a in result.actions]
    result.actions_match = wanted == got
    if not result.actions_match:
        result.problems += [
            f"action {i}: expected {w}, got {g}" for i, (w, g) in enumerate(zip(wanted, got, strict=False)) if w != g
        ]
        if len(wanted) != len(got):
            result.problems.append(f"expected {len(wanted)} actions, ran {len(got)}")
    result.diff_match = _sorted(result.db_diff) == _sorted(expected["db_diff"])
    if not result.diff_match:
        missing = set(_sorted(expected["db_diff"])) - set(_sorted(result.db_diff))
        extra = set(_sorted(result.db_diff)) - set(_sorted(expected["db_diff"]))
        result.problems += [f"missing change {m}" for m in sorted(missing)[:3]] + [
            f"unexpected change {e}" for e in sorted(extra)[:3]
        ]
    result.hash_match = result.final_db_hash == expected["final_db_hash"]
    if not result.hash_match:
        result.problems.append(f"final hash {result.final_db_hash[:12]}… != expected {expected['final_db_hash'][:12]}…")


def replay_gold(
    db_path: Path,
    tasks_path: Path,
    expected_path: Path,
    *,
    task_ids: set[str] | None = None,
    domain: Domain | str = "retail",
) -> GoldReport:
    """Replay every task of ``tasks_path`` on a fresh copy of ``db_path`` (a ``domain`` dump), compared with
    ``expected_path``."""
    spec = get_domain(domain)
    data = read_json(db_path, "DB")
    tasks = read_json(tasks_path, "tasks")
    expected_file = read_json(expected_path, "expected diffs")
    if not isinstance(tasks, list) or not isinstance(expected_file, dict) or "tasks" not in expected_file:
        raise GoldInputError(f"{tasks_path} must be a list of tasks and {expected_path} an object with 'tasks'")
    expected = {str(t["task_id"]): t for t in expected_file["tasks"]}
    workdir = Path(tempfile.mkdtemp(prefix="frontdesk-tau2-"))
    try:
        template = workdir / "template.sqlite"
        engine = open_domain_db(f"sqlite:///{template}", spec)
        spec.load_dump(engine, data)
        initial = spec.export_dump(engine)
        engine.dispose()
        results = []
        for task in tasks:
            task_id = str(task["id"])
            if task_ids and task_id not in task_ids:
                continue
            copy = workdir / f"task-{task_id}.sqlite"
            shutil.copyfile(template, copy)
            task_engine = create_domain_engine(f"sqlite:///{copy}")
            actions, final = replay_task(task_engine, task, spec)
            task_engine.dispose()
            result = TaskResult(
                task_id=task_id, actions=actions, db_diff=db_diff(initial, final), final_db_hash=spec.dump_hash(final)
            )
            if task_id in expected:
                compare(result, expected[task_id])
            else:
                result.problems.append("task not in the expected file")
            results.append(result)
        return GoldReport(tasks=results)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
