"""Which turns a question is about: a time window, a model, an agent, a scenario or a tag.

One filter type serves the dashboard's controls, alert windows and both sides of a
comparison, so "the turns of model X last week" means the same thing everywhere. The
text form (``frontdesk traces compare --a 'model=gpt-4o since=7d'``) is parsed here.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from frontdesk.config.alerts import duration
from frontdesk.errors import FrontdeskError

KEYS = ("since", "until", "model", "agent", "scenario", "thread", "prompt", "config")


class BadFilter(FrontdeskError, ValueError):
    """A filter that cannot be read; the message names the part."""


def parse_duration(text: str) -> timedelta:
    """``90s``, ``10m``, ``24h``, ``7d``, ``2w`` (the alert rules' windows read the same way)."""
    try:
        return duration(text)
    except ValueError as exc:
        raise BadFilter(str(exc)) from None


def parse_moment(text: str, now: datetime) -> datetime:
    """A duration back from now (``7d``) or an ISO date/time (UTC unless it says otherwise)."""
    try:
        return now - parse_duration(text)
    except BadFilter:
        pass
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise BadFilter(f"{text!r} is neither a duration (7d) nor a date (2026-12-01 or 2026-12-01T10:00)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Population:
    """A set of turns. Empty fields match everything; ``tags`` must all match."""

    since: datetime | None = None
    until: datetime | None = None
    model: str | None = None
    agent: str | None = None
    scenario: str | None = None
    thread: str | None = None
    prompt: str | None = None
    """The prompt version (a hash of the agent instructions; see ``tracing.labels``)."""
    config: str | None = None
    """The config hash (the settings that change behaviour)."""
    tags: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @classmethod
    def parse(cls, text: str, *, now: datetime | None = None) -> Population:
        """``key=value`` pairs separated by spaces: since/until (7d or a date), model, agent, scenario, thread, prompt,
        config, tag.NAME."""
        now = now or datetime.now(UTC)
        values: dict[str, Any] = {}
        tags: list[tuple[str, str]] = []
        for part in shlex.split(text):
            key, sep, value = part.partition("=")
            if not sep or not value:
                raise BadFilter(f"{part!r}: write key=value (keys: {', '.join(KEYS)}, tag.NAME)")
            if key.startswith("tag."):
                tags.append((key.removeprefix("tag."), value))
            elif key in ("since", "until"):
                values[key] = parse_moment(value, now)
            elif key in KEYS:
                values[key] = value
            else:
                raise BadFilter(f"{key!r} is not a filter; use {', '.join(KEYS)} or tag.NAME")
        return cls(**values, tags=tuple(tags))

    def within(self, since: datetime | None = None, until: datetime | None = None) -> Population:
        """The same population, narrowed to a window."""
        return replace(
            self,
            since=max(filter(None, (self.since, since)), default=None),
            until=min(filter(None, (self.until, until)), default=None),
        )

    def where(self) -> tuple[str, list[Any]]:
        """A SQL condition on the ``turns`` relation (see ``operations.turns``) and its parameters."""
        clauses: list[str] = []
        params: list[Any] = []
        for operator, moment in ((">=", self.since), ("<", self.until)):
            if moment is not None:
                clauses.append(f"started {operator} ?")
                params.append(moment.astimezone(UTC).replace(tzinfo=None))
        columns = (
            ("model", self.model),
            ("scenario", self.scenario),
            ("thread_id", self.thread),
            ("prompt_version", self.prompt),
            ("config_hash", self.config),
        )
        for column, value in columns:
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        if self.agent is not None:
            clauses.append("list_contains(agents, ?)")
            params.append(self.agent)
        for name, value in self.tags:
            clauses.append("json_extract_string(tags, ?) = ?")
            params += [f'$."{name}"', value]
        return (" AND ".join(clauses) or "TRUE"), params

    def describe(self) -> str:
        parts = [
            f"{key}={value:%Y-%m-%d %H:%M}" if isinstance(value, datetime) else f"{key}={value}"
            for key, value in self._set()
        ]
        return " ".join(parts) or "all turns"

    def _set(self) -> list[tuple[str, Any]]:
        fields = [(key, getattr(self, key)) for key in KEYS if getattr(self, key) is not None]
        return fields + [(f"tag.{name}", value) for name, value in self.tags]
