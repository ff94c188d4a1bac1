"""Turning tau2 tasks (of any registered domain) into frontdesk scenarios.

Each task becomes one turn: the customer's reason for calling, a script in which the
customer-service agent authenticates (when the gold actions don't start with it) and then
makes the gold tool calls one by one, and expectations taken from the reference — which
calls succeed, and exactly the DB changes the reference produces. The fixture is tau2's
``db.json``; approvals and the step limit are lifted, since tau2 has neither.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from frontdesk.domains import get_domain
from frontdesk.domains.base import Domain
from frontdesk.tau2.user_simulator import task_opening
from frontdesk.tools.base import ToolKind


def task_user(db: dict[str, Any], actions: list[dict[str, Any]]) -> str | None:
    """The user the gold actions act for: the first user they name, or the owner of the first record
    (an order, a reservation: any collection of the dump whose records carry a ``user_id``)."""
    users = db.get("users", {})
    for action in actions:
        for key, value in (action.get("arguments") or {}).items():
            if key == "user_id" and value in users:
                return str(value)
            if not isinstance(value, str):
                continue
            for collection in db.values():
                record = collection.get(value) if isinstance(collection, dict) else None
                if (
                    isinstance(record, dict)
                    and isinstance(record.get("user_id"), str)
                    and record is not users.get(value)
                ):
                    return str(record["user_id"])
    return None


def scenario_for(
    task: dict[str, Any],
    db: dict[str, Any],
    expected: dict[str, Any] | None,
    fixture: str,
    domain: Domain | str = "retail",
) -> dict[str, Any]:
    """The scenario (as plain data, ready for YAML) replaying one task's gold actions."""
    spec = get_domain(domain)
    actions = list((task.get("evaluation_criteria") or {}).get("actions") or [])
    steps: list[Any] = []
    user = task_user(db, actions)
    logins = {t.name for t in spec.tools if t.authenticates}
    login = spec.login_call(user, db) if user is not None and spec.login_call is not None else None
    authenticate_first = bool(actions) and actions[0]["name"] not in logins and login is not None
    if authenticate_first and login is not None:
        steps.append({"tool_calls": [login]})
    handoff = False
    executed = 0
    confirmations: list[bool] = []
    writes = {tool.name for tool in spec.tools if tool.kind is ToolKind.WRITE and tool.confirm}
    for action in actions:
        steps.append({"tool_calls": [{"name": action["name"], "args": action.get("arguments") or {}}]})
        executed += 1
        if action["name"] in writes:
            confirmations.append(True)
        if action["name"] == "transfer_to_human_agents":
            handoff = True
            break
    script: dict[str, Any] = {"customer_service": steps}
    turn: dict[str, Any] = {"user": task_opening(task), "script": script}
    if confirmations:
        turn["confirm"] = confirmations
    if handoff:
        turn["operator"] = {"reply": "A support specialist will take it from here.", "operator": "tau2"}
    else:
        steps.append("Done.")
        script["grader"] = [{"verdict": "pass"}]
    expect: dict[str, Any] = {"handoff": handoff}
    if expected is not None:
        calls = [{"name": login["name"], "ok": True}] if authenticate_first and login is not None else []
        calls += [{"name": a["name"], "ok": not a["error"]} for a in expected["actions"][:executed]]
        expect["tools"] = calls
    turn["expect"] = expect
    scenario: dict[str, Any] = {
        "name": f"tau2 {spec.name} task {task['id']}",
        "description": (task.get("description") or {}).get("purpose")
        or f"Gold actions of tau2 {spec.name} train task {task['id']}.",
        "tags": ["tau2"],
        "fixture": {"tau2": fixture},
        "settings": {"approval_limit": float("inf"), "max_agent_steps": 100, "domain": spec.name},
        "customer": user,
        "turns": [turn],
    }
    if expected is not None:
        scenario["expect"] = {
            "db_changes": [{"path": c["path"], "op": c["op"], "new": c["new"]} for c in expected["db_diff"]]
        }
    return scenario


def import_tasks(
    tasks: list[dict[str, Any]],
    db: dict[str, Any],
    db_path: Path,
    expected: dict[str, Any] | None,
    out_dir: Path,
    limit: int | None = None,
    domain: Domain | str = "retail",
) -> list[Path]:
    """Write one scenario file per task into ``out_dir``; returns the files."""
    out_dir.mkdir(parents=True, exist_ok=True)
    by_id = {str(t["task_id"]): t for t in (expected or {}).get("tasks", [])}
    fixture = os.path.relpath(db_path.resolve(), out_dir.resolve())
    written = []
    for task in tasks[:limit]:
        data = scenario_for(task, db, by_id.get(str(task["id"])) if expected else None, fixture, domain)
        path = out_dir / f"tau2-task-{task['id']}.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120))
        written.append(path)
    return written
