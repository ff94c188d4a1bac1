"""Alert rules as a deployment writes them (``[[alerts]]`` in the config file).

A rule names a metric over the turns of a recent window, a comparison and a threshold:
"p95 turn latency over 8 s for the last 10 minutes", "handoff rate over 30% in the last
hour", "cost over 50 USD in the last 24 h". ``min_turns`` keeps a quiet night's single slow
turn from paging anyone. Evaluation lives in ``frontdesk.operations.alerts``.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

METRICS = {
    "p50_latency_s": "median turn latency (seconds)",
    "p95_latency_s": "95th percentile turn latency (seconds)",
    "p99_latency_s": "99th percentile turn latency (seconds)",
    "error_rate": "share of turns with a failed step (0-1)",
    "tool_error_rate": "share of tool calls that failed (0-1)",
    "handoff_rate": "share of turns handed to a person (0-1)",
    "grader_pass_rate": "share of grader verdicts that passed (0-1)",
    "thumbs_down_rate": "share of customer ratings that were thumbs down (0-1)",
    "cost_usd": "model cost in the window (USD)",
    "turns": "number of turns",
    "model_unavailable": "turns where no model answered",
}
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhdw])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def duration(text: str) -> timedelta:
    """``90s``, ``10m``, ``24h``, ``7d``, ``2w`` (ValueError otherwise)."""
    match = _DURATION.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a duration like 10m, 24h or 7d")
    return timedelta(**{_UNITS[match.group(2)]: float(match.group(1))})


class AlertRule(BaseModel):
    """One rule: fires while ``metric`` over the last ``window`` is ``above``/``below`` ``threshold``."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=80)
    metric: str = Field(description="One of: " + ", ".join(METRICS))
    window: str = Field(default="10m", description="How far back the metric looks: 10m, 1h, 24h...")
    above: float | None = Field(default=None, description="Fires when the metric is above this")
    below: float | None = Field(default=None, description="Fires when the metric is below this")
    min_turns: int = Field(default=1, ge=0, description="Fewer turns than this in the window: the rule stays quiet")

    @field_validator("metric")
    @classmethod
    def _known_metric(cls, value: str) -> str:
        if value not in METRICS:
            raise ValueError(f"unknown metric {value!r}; known: {', '.join(METRICS)}")
        return value

    @field_validator("window")
    @classmethod
    def _a_duration(cls, value: str) -> str:
        duration(value)
        return value

    def model_post_init(self, _context: object) -> None:
        if (self.above is None) == (self.below is None):
            raise ValueError(f"alert {self.name!r}: give exactly one of above or below")

    @property
    def comparison(self) -> Literal["above", "below"]:
        return "above" if self.above is not None else "below"

    @property
    def threshold(self) -> float:
        return float(self.above if self.above is not None else self.below)  # type: ignore[arg-type]

    @property
    def span(self) -> timedelta:
        return duration(self.window)

    def breached(self, value: float) -> bool:
        return value > self.threshold if self.above is not None else value < self.threshold
