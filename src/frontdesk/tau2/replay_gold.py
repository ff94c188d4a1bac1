"""Replaying tau2 retail tasks' gold actions through frontdesk's tools.

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
from sqlmodel import Session

from frontdesk.domains.database import ensure_frontdesk_tables, open_domain_db
from frontdesk.domains.diff import db_diff
from frontdesk.domains.retail import export_tau2_db, load_tau2_db, tau2_db_hash
from frontdesk.domains.retail.models import Order, User
from frontdesk.domains.retail.tools import TOOLS_BY_NAME
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
                    "problems": t.problems,
                }
                for t in self.tasks
            ],
        }


class GoldInputError(ValueError):
    """An input file that cannot be used; the message names it."""


def read_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GoldInputError(f"{what} file {path} does not exist") from None
    except json.JSONDecodeError as exc:
        raise GoldInputError(f"{what} file {path} is not valid JSON: line {exc.lineno}: {exc.msg}") from None


def _customer_for(engine: Engine, arguments: dict[str, Any]) -> str | None:
    """The owner of the order or account an action touches (gold actions act for the task's user)."""

    with Session(engine) as session:
        if "order_id" in arguments and (order := session.get(Order, arguments["order_id"])) is not None:
            return order.user_id
        if "user_id" in arguments and session.get(User, arguments["user_id"]) is not None:
            return str(arguments["user_id"])
    return None


def replay_task(engine: Engine, task: dict[str, Any]) -> tuple[list[ActionResult], dict[str, Any]]:
    """Run one task's gold actions on ``engine``; return the action results and the final dump."""
    ensure_frontdesk_tables(engine)
    ctx = ToolContext(thread_id=f"tau2-{task['id']}", engine=engine)
    pipeline = ToolPipeline(TOOLS_BY_NAME.values())
    results = []
    for index, action in enumerate((task.get("evaluation_criteria") or {}).get("actions") or []):
        name, arguments = action["name"], action.get("arguments") or {}
        tool = TOOLS_BY_NAME.get(name)
        if tool is None:
            results.append(ActionResult(name=name, arguments=arguments, error=True, error_message=f"Tool '{name}' not found."))
            continue
        if ctx.customer_id is None:
            ctx.customer_id = _customer_for(engine, arguments)
        outcome = pipeline.run_all([ToolCallRequest(id=f"gold-{index}", name=name, args=arguments)], ctx).results[0].outcome
        message = None if outcome.ok else outcome.content.removeprefix("Error: ")
        results.append(ActionResult(name=name, arguments=arguments, error=not outcome.ok, error_message=message))
    return results, export_tau2_db(engine)


def _sorted(diff: list[dict[str, Any]]) -> list[str]:
    return sorted(json.dumps(change, sort_keys=True) for change in diff)


def compare(result: TaskResult, expected: dict[str, Any]) -> None:
    """Fill in the match flags and a readable list of differences."""
    wanted = [(a["name"], a["error"], a["error_message"]) for a in expected["actions"]]
    got = [(a.name, a.error, a.error_message) for a in result.actions]
    result.actions_match = wanted == got
    if not result.actions_match:
        result.problems += [f"action {i}: expected {w}, got {g}" for i, (w, g) in enumerate(zip(wanted, got, strict=False)) if w != g]
        if len(wanted) != len(got):
            result.problems.append(f"expected {len(wanted)} actions, ran {len(got)}")
    result.diff_match = _sorted(result.db_diff) == _sorted(expected["db_diff"])
    if not result.diff_match:
        missing = set(_sorted(expected["db_diff"])) - set(_sorted(result.db_diff))
        extra = set(_sorted(result.db_diff)) - set(_sorted(expected["db_diff"]))
        result.problems += [f"missing change {m}" for m in sorted(missing)[:3]] + [f"unexpected change {e}" for e in sorted(extra)[:3]]
    result.hash_match = result.final_db_hash == expected["final_db_hash"]
    if not result.hash_match:
        result.problems.append(f"final hash {result.final_db_hash[:12]}… != expected {expected['final_db_hash'][:12]}…")


def replay_gold(db_path: Path, tasks_path: Path, expected_path: Path, *, task_ids: set[str] | None = None) -> GoldReport:
    """Replay every task of ``tasks_path`` on a fresh copy of ``db_path``, compared with ``expected_path``."""
    data = read_json(db_path, "DB")
    tasks = read_json(tasks_path, "tasks")
    expected_file = read_json(expected_path, "expected diffs")
    if not isinstance(tasks, list) or not isinstance(expected_file, dict) or "tasks" not in expected_file:
        raise GoldInputError(f"{tasks_path} must be a list of tasks and {expected_path} an object with 'tasks'")
    expected = {str(t["task_id"]): t for t in expected_file["tasks"]}
    workdir = Path(tempfile.mkdtemp(prefix="frontdesk-tau2-"))
    try:
        template = workdir / "template.sqlite"
        engine = open_domain_db(f"sqlite:///{template}")
        load_tau2_db(engine, data)
        initial = export_tau2_db(engine)
        engine.dispose()
        results = []
        for task in tasks:
            task_id = str(task["id"])
            if task_ids and task_id not in task_ids:
                continue
            copy = workdir / f"task-{task_id}.sqlite"
            shutil.copyfile(template, copy)
            task_engine = create_domain_engine(f"sqlite:///{copy}")
            actions, final = replay_task(task_engine, task)
            task_engine.dispose()
            result = TaskResult(task_id=task_id, actions=actions, db_diff=db_diff(initial, final), final_db_hash=tau2_db_hash(final))
            if task_id in expected:
                compare(result, expected[task_id])
            else:
                result.problems.append("task not in the expected file")
            results.append(result)
        return GoldReport(tasks=results)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
