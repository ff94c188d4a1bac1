"""Fixtures for the interop tests: the demo shop on a SQLite file, no network, scripts.

CrewAI phones home (anonymous telemetry to telemetry.crewai.com, trace uploads) unless
told not to; the opt-outs are set before any test module imports it. ``OTEL_SDK_DISABLED``
is deliberately not used: it would also switch off frontdesk's own OpenTelemetry SDK in
the same process. CrewAI's kickoff-output store goes to a temporary directory. Every test additionally runs with
outbound connections refused, so a
framework that still tried to reach the network fails the test instead of hanging on it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import BaseMessage
from pydantic import Field
from sqlalchemy.engine import Engine

from frontdesk.domains.database import open_domain_db
from frontdesk.domains.retail import export_tau2_db, tau2_db_hash
from frontdesk.llm.scripted import Script, ScriptedChatModel, ScriptedStep
from tests.offline import refuse_network

os.environ.setdefault("CREWAI_DISABLE_TELEMETRY", "true")
os.environ.setdefault("CREWAI_DISABLE_TRACKING", "true")
os.environ.setdefault("CREWAI_TRACING_ENABLED", "false")
# CrewAI keeps an SQLite of kickoff outputs under ~/.local/share/<cwd name>/; an absolute
# storage dir keeps the tests out of the home directory.
os.environ.setdefault("CREWAI_STORAGE_DIR", tempfile.mkdtemp(prefix="frontdesk-crewai-"))

AVA = "ava_chen_1001"
AVA_EMAIL = "ava.chen@example.com"
AVA_PENDING = "#D1001"
AGREED = {"confirm": lambda _tool, _question, _args: True, "approval_limit": 1000.0}
"""A session whose host asked the customer and got a yes, with a limit above the test orders:
for the tests of what a tool does, not of whether it may."""
BEN_PENDING = "#D2001"


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    refuse_network(monkeypatch, "interop")


def make_shop(path: Path) -> Engine:
    return open_domain_db(f"sqlite:///{path}", seed_demo=True)


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[Engine]:
    """The demo shop on a fresh SQLite file."""
    engine = make_shop(tmp_path / "shop.sqlite")
    yield engine
    engine.dispose()


@pytest.fixture
def twin_shop(tmp_path: Path) -> Iterator[Engine]:
    """A second, identical demo shop, to run the plain frontdesk tool against."""
    engine = make_shop(tmp_path / "twin.sqlite")
    yield engine
    engine.dispose()


def db_hash(engine: Engine) -> str:
    return tau2_db_hash(export_tau2_db(engine))


def order_status(engine: Engine, order_id: str) -> str:
    return export_tau2_db(engine)["orders"][order_id]["status"]


def script(name: str, *turns: dict[str, list[Any]]) -> Script:
    """A scenario script from plain dicts/strings, as a YAML scenario would give them."""
    return Script(
        scenario=name,
        turns=[
            {agent: [ScriptedStep.model_validate(s) for s in steps] for agent, steps in turn.items()} for turn in turns
        ],
    )


def call(name: str, **args: Any) -> dict[str, Any]:
    """One scripted step making one tool call."""
    return {"tool_calls": [{"name": name, "args": args}]}


class RecordingScriptedModel(ScriptedChatModel):
    """The scripted model, also keeping every prompt it was sent (to see what the agent read)."""

    prompts: list[list[BaseMessage]] = Field(default_factory=list)

    def _generate(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kwargs: Any) -> Any:
        self.prompts.append(list(messages))
        return super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)
