"""DB changes in tau2's diff format: ``{op, path, old, new}`` from one dump to another."""

from __future__ import annotations

from typing import Any


def _escape(key: Any) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


def db_diff(before: Any, after: Any, path: str = "") -> list[dict[str, Any]]:
    """Every changed leaf (``replace``), new key/element (``add``) and gone one (``remove``)."""
    if isinstance(before, dict) and isinstance(after, dict):
        changes: list[dict[str, Any]] = []
        for key in before:
            child = f"{path}/{_escape(key)}" if path else _escape(key)
            if key in after:
                changes += db_diff(before[key], after[key], child)
            else:
                changes.append({"op": "remove", "path": child, "old": before[key], "new": None})
        for key in after:
            if key not in before:
                child = f"{path}/{_escape(key)}" if path else _escape(key)
                changes.append({"op": "add", "path": child, "old": None, "new": after[key]})
        return changes
    if isinstance(before, list) and isinstance(after, list):
        changes = []
        for index in range(max(len(before), len(after))):
            child = f"{path}/{index}"
            if index >= len(before):
                changes.append({"op": "add", "path": child, "old": None, "new": after[index]})
            elif index >= len(after):
                changes.append({"op": "remove", "path": child, "old": before[index], "new": None})
            else:
                changes += db_diff(before[index], after[index], child)
        return changes
    if before == after and type(before) is type(after):
        return []
    return [{"op": "replace", "path": path, "old": before, "new": after}]
