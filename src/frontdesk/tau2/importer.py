"""Turning tau2 retail tasks into frontdesk scenarios.

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
from frontdesk.tau2.user_simulator import task_opening
from frontdesk.tools.base import ToolKind

AUTH_TOOLS = {"find_user_id_by_email", "find_user_id_by_name_zip"}


def task_user(db: dict[str, Any], actions: list[dict[str, Any]]) -> str | None:
    """The user the gold actions act for (first order or user they touch)."""
    for action in actions:
        args = action.get("arguments") or {}
        if args.get("order_id") in db["orders"]:
            return str(db["orders"][args["order_id"]]["user_id"])
        if args.get("user_id") in db["users"]:
            return str(args["user_id"])
    return None


def scenario_for(task: dict[str, Any], db: dict[str, Any], expected: dict[str, Any] | None, fixture: str) -> dict[str, Any]:
    """The scenario (as plain data, ready for YAML) replaying one task's gold actions."""
    actions = list((task.get("evaluation_criteria") or {}).get("actions") or [])
    steps: list[Any] = []
    user = task_user(db, actions)
    authenticate_first = bool(actions) and actions[0]["name"] not in AUTH_TOOLS and user is not None
    if authenticate_first:
        steps.append({"tool_calls": [{"name": "find_user_id_by_email", "args": {"email": db["users"][user]["email"]}}]})
    handoff = False
    executed = 0
    confirmations: list[bool] = []
    writes = {tool.name for tool in get_domain("retail").tools if tool.kind is ToolKind.WRITE and tool.confirm}
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
        calls = [{"name": "find_user_id_by_email", "ok": True}] if authenticate_first else []
        calls += [{"name": a["name"], "ok": not a["error"]} for a in expected["actions"][:executed]]
        expect["tools"] = calls
    turn["expect"] = expect
    scenario: dict[str, Any] = {
        "name": f"tau2 retail task {task['id']}",
        "description": (task.get("description") or {}).get("purpose") or f"Gold actions of tau2 retail train task {task['id']}.",
        "tags": ["tau2"],
        "fixture": {"tau2": fixture},
        "settings": {"approval_limit": float("inf"), "max_agent_steps": 100},
        "customer": user,
        "turns": [turn],
    }
    if expected is not None:
        scenario["expect"] = {"db_changes": [{"path": c["path"], "op": c["op"], "new": c["new"]} for c in expected["db_diff"]]}
    return scenario


def import_tasks(
    tasks: list[dict[str, Any]], db: dict[str, Any], db_path: Path, expected: dict[str, Any] | None, out_dir: Path, limit: int | None = None
) -> list[Path]:
    """Write one scenario file per task into ``out_dir``; returns the files."""
    out_dir.mkdir(parents=True, exist_ok=True)
    by_id = {str(t["task_id"]): t for t in (expected or {}).get("tasks", [])}
    fixture = os.path.relpath(db_path.resolve(), out_dir.resolve())
    written = []
    for task in tasks[:limit]:
        data = scenario_for(task, db, by_id.get(str(task["id"])) if expected else None, fixture)
        path = out_dir / f"tau2-task-{task['id']}.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120))
        written.append(path)
    return written
