"""Runtime settings, read from the environment (and flags, which override them).

One object carries every knob so the CLI, the HTTP server and embedding apps configure
frontdesk the same way. Nothing here opens a connection: factories in ``memory``,
``llm`` and ``tracing`` do that when asked.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from frontdesk.config import environment
from frontdesk.config.alerts import AlertRule
from frontdesk.config.gateway import GATEWAY_ENV, GatewayConfig
from frontdesk.config.mcp import McpServerConfig
from frontdesk.errors import ConfigError


def config_path() -> Path:
    """Where the optional config file lives."""
    override = environment.read("FRONTDESK_CONFIG")
    return Path(override) if override else Path(platformdirs.user_config_dir("frontdesk")) / "config.toml"


def read_config_file() -> dict[str, object]:
    """The config file's settings, or nothing when there is no file; a broken file is one clear error."""

    path = config_path()
    if not path.exists():
        if environment.read("FRONTDESK_CONFIG"):  # named, so meant: a typo must not run the deployment on defaults
            raise ConfigError(f"FRONTDESK_CONFIG={path}: no such file")
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    unknown = sorted(set(data) - set(Settings.model_fields))
    if unknown:
        raise ConfigError(f"{path}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(Settings.model_fields)}")
    return data


ENV_VALUES = {
    "database_url": "FRONTDESK_DATABASE_URL",
    "model": "FRONTDESK_MODEL",
    "base_url": "OPENAI_BASE_URL",
    "api_key": "OPENAI_API_KEY",
    "otlp_endpoint": "OTEL_EXPORTER_OTLP_ENDPOINT",
    "retrieval_mode": "FRONTDESK_RETRIEVAL",
    "approval_limit": "FRONTDESK_APPROVAL_LIMIT",
    "request_timeout": "FRONTDESK_REQUEST_TIMEOUT",
    "local_threads": "FRONTDESK_LOCAL_THREADS",
    "grade_replies": "FRONTDESK_GRADE_REPLIES",
    "grade_with": "FRONTDESK_GRADE_WITH",
    "identity_from_customer": "FRONTDESK_IDENTITY_FROM_CUSTOMER",
    "intent_routing": "FRONTDESK_INTENT_ROUTING",
    "direct_steps": "FRONTDESK_DIRECT_STEPS",
    "domain": "FRONTDESK_DOMAIN",
    "demo": "FRONTDESK_DEMO",
    "max_message_chars": "FRONTDESK_MAX_MESSAGE_CHARS",
    "redact_content": "FRONTDESK_TRACE_REDACT",
    "confirm_writes": "FRONTDESK_CONFIRM_WRITES",
    "tool_time_limit": "FRONTDESK_TOOL_TIME_LIMIT",
    "max_retries": "FRONTDESK_MAX_RETRIES",
    "alert_webhook": "FRONTDESK_ALERT_WEBHOOK",
    "alert_interval_s": "FRONTDESK_ALERT_INTERVAL",
    "gc_thresholds": "FRONTDESK_GC_THRESHOLDS",
}
"""Settings taken verbatim from an environment variable (``FRONTDESK_BASE_URL`` also works for ``base_url``)."""

ENV_NAMES = {
    **ENV_VALUES,
    "capture_content": "FRONTDESK_TRACE_CONTENT",
    "data_dir": "FRONTDESK_DATA_DIR",
    "tags": "FRONTDESK_TAGS",
    "guardrails": "FRONTDESK_GUARDRAILS",
}
"""Every setting an environment variable can set, with that variable."""


def default_data_dir() -> Path:
    """Where threads, the domain DB, the knowledge base and traces live by default."""
    override = os.environ.get("FRONTDESK_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir("frontdesk"))


SERVER_GC_THRESHOLDS = (50_000, 20, 50)
"""The collector's thresholds in a ``frontdesk serve`` process. With Python's own (700, 10, 10)
a process holding 1,000 conversations ran 14–18 full collections a run, each stopping
everything for 0.2–0.4 s: a quarter of its time (``python bench/gc_thresholds.py``).
Garbage without cycles is freed at once either way; only cycles wait longer (28 MiB more
peak memory at 1,000 conversations)."""

LOCAL_MODEL_DEADLINES = {"call_deadline_s": 900.0, "turn_deadline_s": 3600.0}


class Settings(BaseModel):
    """Everything frontdesk needs to run; every field has an environment variable.

    Unknown fields are refused: ``Settings(databse_url=...)`` is an error, not a deployment
    silently running on its default database."""

    model_config = ConfigDict(extra="forbid")

    data_dir: Path = Field(default_factory=default_data_dir)
    domain: str = Field(
        default="retail", description="The business domain served (FRONTDESK_DOMAIN): a registered name such as retail"
    )
    demo: bool = Field(
        default=False,
        description="Use the domain's demo data: seed an empty domain DB and ingest the shipped knowledge-base pages "
        "(FRONTDESK_DEMO=1)",
    )
    database_url: str | None = Field(
        default=None,
        description="Threads, long-term memory and domain data: sqlite:///path, postgresql://..., memory://",
    )
    model: str | None = Field(default=None, description="Model name at the OpenAI-compatible endpoint")
    base_url: str | None = Field(default=None, description="OpenAI-compatible endpoint")
    api_key: str | None = Field(default=None, repr=False)
    request_timeout: float = Field(
        default=60.0, gt=0, description="Seconds one model request may take (FRONTDESK_REQUEST_TIMEOUT)"
    )
    max_retries: int = Field(
        default=3,
        ge=0,
        le=10,
        description="Retries of a failing model call before the next model in the chain (FRONTDESK_MAX_RETRIES)",
    )
    traces_path: Path | None = None
    knowledge_path: Path | None = None
    retrieval_mode: Literal["hybrid", "bm25", "vector"] = Field(
        default="hybrid", description="How the researcher's search ranks passages (FRONTDESK_RETRIEVAL)"
    )
    otlp_endpoint: str | None = None
    console_traces: bool = False
    capture_content: bool = Field(
        default=False, description="Put message contents on spans (FRONTDESK_TRACE_CONTENT=1)"
    )
    redact_content: bool = Field(
        default=True,
        description="With content on spans, mask emails, card and phone numbers (FRONTDESK_TRACE_REDACT=0: keep them)",
    )
    grade_replies: bool = Field(
        default=True,
        description="Every draft reply is graded before it is sent (FRONTDESK_GRADE_REPLIES=0: sent as drafted)",
    )
    grade_with: Literal["model", "rules"] | None = Field(
        default=None,
        description=(
            "What grades drafts (FRONTDESK_GRADE_WITH): model — the grader model after the checks; rules — checks "
            "only, "
            "facts must appear in tool results (default: rules for the local model, which cannot judge its own drafts)"
        ),
    )
    identity_from_customer: bool | None = Field(
        default=None,
        description=(
            "Authentication calls may only use details the customer wrote in the conversation "
            "(FRONTDESK_IDENTITY_FROM_CUSTOMER=1/0; default: on for the local model, which invents identities)"
        ),
    )
    confirm_writes: bool = Field(
        default=True,
        description="Every WRITE waits for the customer to confirm that exact action (FRONTDESK_CONFIRM_WRITES=0: off, "
        "e.g. for batch runs)",
    )
    approval_limit: float = Field(default=100.0, description="Refunds above this amount wait for an operator")
    ticket_sla_minutes: float = Field(default=30.0, description="Tickets and approvals waiting longer are flagged")
    max_message_chars: int = Field(
        default=8000,
        ge=1,
        description="Longest customer message taken by chat and the HTTP server (FRONTDESK_MAX_MESSAGE_CHARS)",
    )
    tool_time_limit: float = Field(
        default=30.0,
        gt=0,
        description="Seconds a read-only tool call may take before the turn goes on without it; writes are never cut "
        "off",
    )
    intent_routing: bool | None = Field(
        default=None,
        description=(
            "Match each message to a kind of request and offer the agent only its tools "
            "(FRONTDESK_INTENT_ROUTING=1/0; default: on for the local model; needs the embedding model)"
        ),
    )
    direct_steps: bool | None = Field(
        default=None,
        description=(
            "With intent routing, a forced lookup whose arguments the customer wrote (their email, an order id) is "
            "called "
            "without asking the model (FRONTDESK_DIRECT_STEPS=1/0; default: on for the local model, which spends "
            "seconds on each call)"
        ),
    )
    max_agent_steps: int = Field(
        default=12, description="Model calls per turn before a looping agent is handed to a person"
    )
    return_to_bot: bool = Field(default=True, description="After an operator replies, the bot takes the thread back")
    summarize_after: int = Field(
        default=60, description="Fold older turns into the summary past this many messages (0: never)"
    )
    keep_messages: int = Field(default=16, description="Messages kept verbatim after summarising")
    guardrails: list[str] = Field(
        default_factory=list,
        description="Guardrails to apply, as 'package.module:name' (FRONTDESK_GUARDRAILS, comma-separated)",
    )
    gateway: GatewayConfig = Field(
        default_factory=GatewayConfig,
        description="Model chains, retries, deadlines, breakers, limits, budgets ([gateway] table)",
    )
    mcp_servers: list[McpServerConfig] = Field(
        default_factory=list,
        description="MCP servers whose tools the agents use ([[mcp_servers]] tables: name, command or url, "
        "read/write...)",
    )
    alerts: list[AlertRule] = Field(
        default_factory=list, description="Alert rules ([[alerts]] tables: name, metric, window, above or below)"
    )
    alert_webhook: str | None = Field(
        default=None, description="URL that gets a JSON POST when an alert fires or resolves (FRONTDESK_ALERT_WEBHOOK)"
    )
    alert_interval_s: float = Field(
        default=60.0, gt=0, description="How often frontdesk serve evaluates the alert rules (FRONTDESK_ALERT_INTERVAL)"
    )
    tags: dict[str, str] = Field(
        default_factory=dict,
        description="Labels put on every turn's trace, to compare deployments (FRONTDESK_TAGS=variant=b,team=eu)",
    )
    local_threads: int | None = Field(
        default=None,
        ge=1,
        description="Threads for the local model (FRONTDESK_LOCAL_THREADS; default: cores - 1, at most 4)",
    )
    gc_thresholds: tuple[int, int, int] | None = Field(
        default=SERVER_GC_THRESHOLDS,
        description="Python's garbage-collector thresholds in a frontdesk serve process "
        "(FRONTDESK_GC_THRESHOLDS=50000,20,50; off: Python's own)",
    )

    @field_validator("gc_thresholds", mode="before")
    @classmethod
    def _read_gc_thresholds(cls, value: object) -> object:
        """``"50000,20,50"`` (an environment variable, a TOML string) as three numbers; ``off`` for Python's own."""
        if isinstance(value, str):
            if value.strip().lower() in {"off", "none", "default", ""}:
                return None
            return tuple(part.strip() for part in value.split(","))
        return value

    @field_validator("gc_thresholds")
    @classmethod
    def _sane_gc_thresholds(cls, value: tuple[int, int, int] | None) -> tuple[int, int, int] | None:
        """Collection stays on: a first threshold of 0 turns Python's cycle collector off, and cycles would leak."""
        if value is not None and (value[0] < 100 or min(value[1:]) < 1):
            raise ValueError("want three numbers, the first at least 100 and the others at least 1 (or off)")
        return value

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Settings from the config file, then ``FRONTDESK_*`` / ``OPENAI_*`` variables, then overrides.

        The config file is ``FRONTDESK_CONFIG`` or ``config.toml`` in the user config dir:
        top-level keys named like the fields (``model``, ``base_url``, ``database_url``...).
        """
        env = os.environ
        values: dict[str, object] = dict(read_config_file())
        sources = {key: str(config_path()) for key in values}
        for field, variable in ENV_VALUES.items():
            if field == "base_url" and variable not in env:
                variable = "FRONTDESK_BASE_URL"
            if variable in env:
                values[field], sources[field] = env[variable], variable
        if env.get("FRONTDESK_TRACE_CONTENT", "").lower() in {"1", "true", "yes"}:
            values["capture_content"] = True
        gateway = dict(values.get("gateway") or {})  # type: ignore[call-overload]  # a TOML table
        for field, variable in GATEWAY_ENV.items():
            if variable in env:
                gateway[field], sources["gateway"] = env[variable], variable
        if env.get("FRONTDESK_FALLBACK_MODELS"):
            gateway["fallback_models"] = [
                name.strip() for name in env["FRONTDESK_FALLBACK_MODELS"].split(",") if name.strip()
            ]
            sources["gateway"] = "FRONTDESK_FALLBACK_MODELS"
        if gateway:
            values["gateway"] = gateway
        if env.get("FRONTDESK_TAGS"):
            pairs = [entry.partition("=") for entry in env["FRONTDESK_TAGS"].split(",") if entry.strip()]
            values["tags"] = {key.strip(): value.strip() for key, _sep, value in pairs}
            sources["tags"] = "FRONTDESK_TAGS"
        if env.get("FRONTDESK_GUARDRAILS"):
            values["guardrails"] = [entry.strip() for entry in env["FRONTDESK_GUARDRAILS"].split(",") if entry.strip()]
            sources["guardrails"] = "FRONTDESK_GUARDRAILS"
        values.update({key: value for key, value in overrides.items() if value is not None})
        try:
            return cls.model_validate({key: value for key, value in values.items() if value is not None})
        except ValidationError as exc:
            error = exc.errors()[0]
            path = [str(part) for part in error["loc"]] or ["?"]
            value: object = values.get(path[0])
            for part in path[1:]:
                if isinstance(value, dict):
                    value = value.get(part)
                elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
                    value = value[int(part)]
            where = sources.get(path[0], "setting")
            raise ConfigError(f"{where}: {'.'.join(path)}={value!r} is not valid: {error['msg']}") from None

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to a SQLite file in the data dir."""
        return self.database_url or f"sqlite:///{self.data_dir / 'frontdesk.sqlite'}"

    @property
    def resolved_traces_path(self) -> Path:
        return self.traces_path or self.data_dir / "traces.duckdb"

    @property
    def resolved_knowledge_path(self) -> Path:
        return self.knowledge_path or self.data_dir / "knowledge.duckdb"

    @property
    def model_configured(self) -> bool:
        """True when a real model endpoint can be called."""
        return self.model == "local" or bool(self.model and (self.base_url or self.api_key))

    @model_validator(mode="after")
    def _local_model_deadlines(self) -> Settings:
        """The bundled local model reads a prompt at ~20 tokens/s on one core, so a first call
        takes minutes, not seconds: its deadlines are longer unless set (a hosted model's 45 s
        call deadline would turn every first local call into the fallback reply)."""
        if self.model == "local":
            longer = {
                name: value
                for name, value in LOCAL_MODEL_DEADLINES.items()
                if name not in self.gateway.model_fields_set
            }
            if longer:
                self.gateway = self.gateway.model_copy(update=longer)
        return self

    @property
    def grading_mode(self) -> Literal["model", "rules"]:
        """How drafts are graded: as set, else ``rules`` for the bundled local model and ``model`` otherwise."""
        if self.grade_with is not None:
            return self.grade_with
        return "rules" if self.model == "local" else "model"

    @property
    def checks_identity(self) -> bool:
        """Whether login details must come from the customer's words: as set, else on for the bundled local model."""
        return self.identity_from_customer if self.identity_from_customer is not None else self.model == "local"

    @property
    def routes_intents(self) -> bool:
        """Intent routing as set, else on for the bundled local model (a small model needs small prompts)."""
        return self.intent_routing if self.intent_routing is not None else self.model == "local"

    @property
    def calls_steps_directly(self) -> bool:
        """Direct steps as set, else on for the bundled local model (``agents.steps``)."""
        return self.direct_steps if self.direct_steps is not None else self.model == "local"
