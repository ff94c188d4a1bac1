"""An app's own typed dependencies reach its tools and guardrails, per deployment and per conversation.

Apps used to reach their services through module globals (the example did); a tool now reads
``ctx.deps`` (``ToolContext[MyDeps]``), given with ``open_app(deps=...)`` and replaced for one
conversation with ``Conversation(deps=...)``. Unknown ``open_app`` options fail at once, in one line.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from frontdesk import (
    ConfigError,
    Conversation,
    GuardrailContext,
    GuardrailResult,
    Script,
    ScriptedModels,
    ScriptedStep,
    Settings,
    ToolContext,
    ToolKind,
    ToolResult,
    input_guardrail,
    open_app,
    tool,
)


@dataclass
class Shop:
    name: str
    seen: list[str]


@tool(kind=ToolKind.READ)
def shop_name(ctx: ToolContext[Shop]) -> str:
    """The name of the shop the customer is talking to."""
    return ctx.deps.name


@input_guardrail
def note_message(text: str, ctx: GuardrailContext) -> GuardrailResult:
    ctx.deps.seen.append(text)
    return GuardrailResult.ok()


def scripted(turns: int) -> ScriptedModels:
    steps = [ScriptedStep.model_validate({"tool_calls": [{"name": "shop_name"}]}), ScriptedStep(text="Welcome!")]
    turn = {"customer_service": steps, "grader": [ScriptedStep.model_validate({"verdict": "pass"})]}
    return ScriptedModels(Script("deps", [turn] * turns))


def tool_output(events: list[Any]) -> str:
    [result] = [e for e in events if isinstance(e, ToolResult) and e.name == "shop_name"]
    return str(result.content)


def test_a_tool_and_a_guardrail_read_the_deployments_deps_and_a_conversation_may_bring_its_own(tmp_path: Path) -> None:
    deployment, branch = Shop("Main Street Shop", []), Shop("Airport Kiosk", [])
    model = scripted(2)
    with open_app(
        Settings(data_dir=tmp_path, demo=True),
        model=model,
        tools=[shop_name],
        guardrails=[note_message],
        deps=deployment,
    ) as app:
        assert tool_output(list(app.conversation("t1").send("which shop is this?"))) == "Main Street Shop"
        model.script.next_turn()
        assert tool_output(list(Conversation(app, "t2", deps=branch).send("and this one?"))) == "Airport Kiosk"
    assert deployment.seen == ["which shop is this?"] and branch.seen == ["and this one?"], (
        "the guardrail saw each conversation's own deps"
    )


def test_an_unknown_open_app_option_is_one_clear_error(tmp_path: Path) -> None:
    options: dict[str, Any] = {"tool": [shop_name]}  # what code without a type checker may pass
    with (
        pytest.raises(
            ConfigError, match="unknown graph option 'tool'; the options are: agent_tools, agents, approvals"
        ),
        open_app(Settings(data_dir=tmp_path, demo=True), model=scripted(1), **options),
    ):
        pass


def test_a_type_checker_knows_what_deps_is(tmp_path: Path) -> None:
    """``ctx.deps`` is typed by the annotation: using it wrongly is a type error, using it right is not."""
    source = (
        "from dataclasses import dataclass\n"
        "from frontdesk import ToolContext, tool\n"
        "@dataclass\n"
        "class Shop:\n"
        "    name: str\n"
        "@tool\n"
        "def good(ctx: ToolContext[Shop]) -> str:\n"
        "    return ctx.deps.name\n"
        "@tool\n"
        "def bad(ctx: ToolContext[Shop]) -> int:\n"
        "    return ctx.deps.name\n"
    )
    (tmp_path / "app_tools.py").write_text(source, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "app_tools.py"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=tmp_path,
    )
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 1 and errors[0].startswith("app_tools.py:11:"), done.stdout
    assert 'Incompatible return value type (got "str", expected "int")' in errors[0]
