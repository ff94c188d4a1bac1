"""Evaluating alert rules, remembering which fire, and telling a webhook when that changes.

Each evaluation computes every rule's metric over its window and compares it with the
threshold. Only changes are announced: a rule that starts firing sends one ``firing``
notice, one that stops sends one ``resolved``, however often the rules are checked in
between. Which rules fire is kept in ``alerts.json`` in the data dir (under a file lock),
so ``frontdesk alerts check`` from cron and the server's own schedule agree, and a restart
does not announce everything again. Notices are POSTed as JSON, retried a few times, and
logged either way.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from filelock import FileLock
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from frontdesk.config.alerts import AlertRule
from frontdesk.config.settings import Settings
from frontdesk.operations.population import Population
from frontdesk.operations.turns import turns
from frontdesk.tracing.queries import NoTraces

logger = logging.getLogger("frontdesk.alerts")

METRIC_SQL = {
    "p50_latency_s": "quantile_cont(latency_s, 0.5)",
    "p95_latency_s": "quantile_cont(latency_s, 0.95)",
    "p99_latency_s": "quantile_cont(latency_s, 0.99)",
    "error_rate": "avg(CASE WHEN errors > 0 THEN 1.0 ELSE 0.0 END)",
    "tool_error_rate": "sum(tool_errors) / nullif(sum(tool_calls), 0)",
    "handoff_rate": "avg(CASE WHEN handed_off THEN 1.0 ELSE 0.0 END)",
    "grader_pass_rate": "sum(grades_passed) / nullif(sum(grades_passed + grades_failed), 0)",
    "thumbs_down_rate": "avg(CASE WHEN rating = 'down' THEN 1.0 ELSE 0.0 END) FILTER (WHERE rating IS NOT NULL)",
    "cost_usd": "sum(cost_usd)",
    "turns": "count(*)",
    "model_unavailable": "sum(CASE WHEN model_unavailable > 0 THEN 1 ELSE 0 END)",
}


@dataclass
class AlertState:
    """A rule's latest evaluation."""

    name: str
    metric: str
    window: str
    comparison: str
    threshold: float
    value: float | None
    turns: int
    firing: bool
    since: str | None = None
    """When it started firing (ISO time), while it fires."""


def measure(rule: AlertRule, traces_path: Path, now: datetime) -> tuple[float | None, int]:
    """``(metric value, turns in the window)``; the value is None when there is nothing to measure."""
    try:
        with turns(traces_path, Population(since=now - rule.span, until=now)) as db:
            row = db.execute(f"SELECT {METRIC_SQL[rule.metric]}, count(*) FROM turns").fetchone()
    except NoTraces:
        return (0.0 if rule.metric in ("turns", "cost_usd", "model_unavailable") else None), 0
    value, count = (row or (None, 0))[0], int((row or (None, 0))[1] or 0)
    return (None if value is None else float(value)), count


def evaluate(settings: Settings, *, now: datetime | None = None, notify: bool = True) -> list[AlertState]:
    """Evaluate every rule once; announce rules that started or stopped firing. Returns every rule's state."""
    now = now or datetime.now(UTC)
    path = state_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(path) + ".lock", timeout=30):
        before = _load(path)
        states: list[AlertState] = []
        for rule in settings.alerts:
            value, count = measure(rule, settings.resolved_traces_path, now)
            firing = value is not None and count >= rule.min_turns and rule.breached(value)
            earlier = before.get(rule.name)
            was_firing = bool(earlier and earlier.get("firing"))
            since = (earlier or {}).get("since") if was_firing and firing else now.isoformat() if firing else None
            state = AlertState(
                rule.name, rule.metric, rule.window, rule.comparison, rule.threshold, value, count, firing, since
            )
            states.append(state)
            if firing != was_firing:
                _announce(settings, state, now, notify=notify)
        _save(path, {state.name: asdict(state) for state in states})
    return states


def current_states(settings: Settings) -> list[dict[str, Any]]:
    """The last evaluation of the configured rules (what the dashboard shows)."""
    if not settings.alerts:
        return []
    saved = _load(state_path(settings))
    return [
        saved.get(rule.name) or {"name": rule.name, "firing": False, "value": None, "threshold": rule.threshold}
        for rule in settings.alerts
    ]


def state_path(settings: Settings) -> Path:
    return settings.data_dir / "alerts.json"


def _announce(settings: Settings, state: AlertState, now: datetime, *, notify: bool) -> None:
    status = "firing" if state.firing else "resolved"
    shown = "no data" if state.value is None else f"{state.value:.4g}"
    logger.warning(
        "alert %s %s: %s = %s (%s %g, last %s, %d turns)",
        state.name,
        status,
        state.metric,
        shown,
        state.comparison,
        state.threshold,
        state.window,
        state.turns,
    )
    if not notify or not settings.alert_webhook:
        return
    notice = {"alert": state.name, "status": status, "at": now.isoformat(), **asdict(state)}
    try:
        for attempt in Retrying(
            stop=stop_after_attempt(3),
            wait=wait_exponential(multiplier=0.2, max=2),
            retry=retry_if_exception_type(httpx.HTTPError),
            reraise=True,
        ):
            with attempt:
                httpx.post(settings.alert_webhook, json=notice, timeout=5).raise_for_status()
    except httpx.HTTPError as exc:
        logger.warning(
            "alert %s: the webhook %s did not take the %s notice: %s", state.name, settings.alert_webhook, status, exc
        )


def _load(path: Path) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _save(path: Path, states: dict[str, dict[str, Any]]) -> None:
    partial = path.with_suffix(f".{os.getpid()}.partial")
    partial.write_text(json.dumps(states, indent=2), encoding="utf-8")
    partial.replace(path)
