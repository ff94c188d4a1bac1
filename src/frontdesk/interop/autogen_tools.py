"""frontdesk tools as AutoGen (``autogen_core.tools``) tools.

Why not ``FunctionTool(tool.fn)``: AutoGen would validate the arguments itself (its own
error text, no field-naming one-liner), would know nothing of the authenticated customer
(ownership checks need it) and would run WRITE tools outside frontdesk's transaction and
idempotency. Each exported tool therefore hands the *raw* arguments to
:meth:`ToolSession.run`, the same path the support graph's tools node takes.

A refused or invalid call raises :class:`FrontdeskToolError` whose text is exactly
frontdesk's tool message (``Error: Invalid arguments for get_order_details: order_id:
Field required``); AutoGen's workbench turns it into a tool result with
``is_error=True`` and that very text, which is what the model reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

try:
    from autogen_core import CancellationToken
    from autogen_core.tools import BaseTool, ToolSchema
except ImportError as exc:  # pragma: no cover - exercised by a test that hides autogen
    from frontdesk.interop.session import missing_extra

    raise missing_extra("autogen", __name__, exc) from exc

from pydantic import BaseModel

from frontdesk.errors import FrontdeskError
from frontdesk.interop.session import ToolSession, default_tools
from frontdesk.tools.base import Tool


class FrontdeskToolError(FrontdeskError):
    """A frontdesk tool call that failed; ``str()`` is the message the model should read."""

    def __init__(self, content: str) -> None:
        super().__init__(content)
        self.content = content


class FrontdeskAutoGenTool(BaseTool[BaseModel, str]):  # type: ignore[type-var]  # AutoGen runs str-returning tools; its bound says BaseModel
    """One frontdesk :class:`Tool`, callable by AutoGen agents, bound to a :class:`ToolSession`."""

    def __init__(self, tool: Tool, session: ToolSession) -> None:
        super().__init__(args_type=tool.args_model, return_type=str, name=tool.name, description=tool.description)
        self.frontdesk_tool = tool
        self.session = session

    @property
    def schema(self) -> ToolSchema:
        """frontdesk's own JSON schema, so AutoGen's model sees what ``bind_tools`` would."""
        function = self.frontdesk_tool.openai_schema()["function"]
        return ToolSchema(
            name=function["name"], description=function["description"], parameters=function["parameters"], strict=False
        )

    async def run_json(
        self, args: Mapping[str, Any], cancellation_token: CancellationToken, call_id: str | None = None
    ) -> str:
        """Run with raw arguments; frontdesk validates them (AutoGen's default would validate first).

        Deliberately synchronous inside the coroutine: AutoGen starts all tool calls of one
        model message at once (``asyncio.gather``), while the support graph runs them in
        order — "authenticate, then look up the order" in one message must work the same.
        With no ``await`` before the call, each task finishes before the next one starts,
        in the model's order; the price is that the loop waits on each (short) DB call.
        """
        outcome = self.session.run(self.frontdesk_tool, dict(args), call_id)
        if not outcome.ok:
            raise FrontdeskToolError(outcome.content)
        return outcome.content

    async def run(self, args: BaseModel, cancellation_token: CancellationToken) -> str:
        """Run with arguments AutoGen already parsed (only direct callers use this)."""
        return await self.run_json(args.model_dump(), cancellation_token)

    def return_value_as_string(self, value: Any) -> str:
        return str(value)


def autogen_tools(session: ToolSession, tools: Iterable[Tool] | None = None) -> list[FrontdeskAutoGenTool]:
    """Export ``tools`` (default: the sixteen retail tools) as AutoGen tools sharing ``session``.

    Give the list to ``AssistantAgent(tools=...)``; every agent of a team should get tools
    from the same session, so one agent's authentication counts for the others.
    """
    return [FrontdeskAutoGenTool(tool, session) for tool in default_tools(tools)]
