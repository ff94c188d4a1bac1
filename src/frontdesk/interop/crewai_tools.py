"""frontdesk tools as CrewAI tools (``crewai.tools.BaseTool`` subclasses).

Why a subclass that overrides ``run`` rather than ``crewai.tools.tool(fn)``: CrewAI
validates arguments against ``args_schema`` before a tool runs, in two places (``BaseTool.
run`` for native function calling, ``CrewStructuredTool.invoke`` for text tool calling),
with its own multi-line message. Both are bypassed here so raw arguments reach
:meth:`ToolSession.run` — frontdesk's validation, ownership checks, transactions — and
the agent reads frontdesk's one-line error, e.g. ``Error: Invalid arguments for
get_order_details: order_id: Field required``. ``args_schema`` is still frontdesk's
pydantic model, so the schema the LLM sees is the one the graph binds.

CrewAI caches tool results by (tool name, arguments) for the whole crew. That cache
does not know who is authenticated, and it would replay a WRITE without acting, so every
exported tool opts out of it (``cache_function`` always returns False).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from typing import Any

from frontdesk.interop.session import crewai_offline_defaults

crewai_offline_defaults()

try:
    from crewai.tools import BaseTool
    from crewai.tools.structured_tool import CrewStructuredTool
except ImportError as exc:  # pragma: no cover - exercised by a test that hides crewai
    from frontdesk.interop.session import missing_extra

    raise missing_extra("crewai", __name__, exc) from exc

from pydantic import PrivateAttr

from frontdesk.interop.session import ToolSession, default_tools
from frontdesk.tools.base import Tool


def _never_cache(_args: Any = None, _result: Any = None) -> bool:
    """CrewAI's cache ignores who is authenticated and would skip WRITEs: never use it."""
    return False


class _RawArgsStructuredTool(CrewStructuredTool):
    """CrewAI's text-tool-calling wrapper, minus its own argument validation."""

    def _parse_args(self, raw_args: str | dict[str, Any]) -> dict[str, Any]:
        if isinstance(raw_args, str):
            try:
                raw_args = json.loads(raw_args) if raw_args.strip() else {}
            except json.JSONDecodeError as exc:
                raise ValueError(f"Failed to parse arguments as JSON: {exc}") from exc
        return dict(raw_args) if isinstance(raw_args, dict) else {}


class FrontdeskCrewTool(BaseTool):
    """One frontdesk :class:`Tool`, callable by CrewAI agents, bound to a :class:`ToolSession`.

    Failures are returned (not raised) as frontdesk's ``Error: ...`` text: CrewAI would
    otherwise prefix its own ``Error executing tool:`` and count a tool error against the
    task, while for frontdesk a refusal is an ordinary answer the agent must read.
    """

    _frontdesk_tool: Tool = PrivateAttr()
    _session: ToolSession = PrivateAttr()

    @classmethod
    def wrap(cls, tool: Tool, session: ToolSession) -> FrontdeskCrewTool:
        """The CrewAI tool for ``tool``; its calls go through ``session``."""
        crew_tool = cls(
            name=tool.name, description=tool.description, args_schema=tool.args_model, cache_function=_never_cache
        )
        crew_tool._frontdesk_tool = tool
        crew_tool._session = session
        return crew_tool

    @property
    def frontdesk_tool(self) -> Tool:
        return self._frontdesk_tool

    @property
    def session(self) -> ToolSession:
        return self._session

    def run(self, *args: Any, **kwargs: Any) -> Any:
        """Native function calling lands here: skip CrewAI's validation, keep its usage limit."""
        limit_error = self._claim_usage()
        if limit_error:
            return limit_error
        return self._run(*args, **kwargs)

    async def arun(self, *args: Any, **kwargs: Any) -> Any:
        limit_error = self._claim_usage()
        if limit_error:
            return limit_error
        return await self._arun(*args, **kwargs)

    def _run(self, *args: Any, **kwargs: Any) -> str:
        if args:
            kwargs = {**dict(zip(self.args_schema.model_fields, args, strict=False)), **kwargs}
        return self._session.run(self._frontdesk_tool, kwargs).content

    async def _arun(self, *args: Any, **kwargs: Any) -> str:
        return await asyncio.to_thread(self._run, *args, **kwargs)

    def to_structured_tool(self) -> CrewStructuredTool:
        """Text tool calling goes through this wrapper; it must not validate either."""
        structured = _RawArgsStructuredTool(
            name=self.name,
            description=self.description,
            args_schema=self.args_schema,
            func=self._run,
            result_as_answer=self.result_as_answer,
            max_usage_count=self.max_usage_count,
            current_usage_count=self.current_usage_count,
            cache_function=self.cache_function,
            tool_failure_policy=self.tool_failure_policy,
        )
        structured._original_tool = self
        return structured


def crewai_tools(session: ToolSession, tools: Iterable[Tool] | None = None) -> list[FrontdeskCrewTool]:
    """Export ``tools`` (default: the sixteen retail tools) as CrewAI tools sharing ``session``."""
    return [FrontdeskCrewTool.wrap(tool, session) for tool in default_tools(tools)]
