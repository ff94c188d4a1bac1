"""Typed tools the agents call: declare one with ``@tool``, read the run's dependencies from
``ToolContext``, and decide calls with a ``ToolPolicy``. Every call (graph, MCP, AutoGen, CrewAI)
runs through the one ``ToolPipeline``."""

from __future__ import annotations

from frontdesk.tools.base import Tool, ToolContext, ToolError, ToolKind, tool
from frontdesk.tools.execution import PolicyVerdict, ToolPipeline, ToolPolicy

__all__ = ["PolicyVerdict", "Tool", "ToolContext", "ToolError", "ToolKind", "ToolPipeline", "ToolPolicy", "tool"]
