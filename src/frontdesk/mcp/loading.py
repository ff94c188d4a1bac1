"""Open a deployment's MCP servers and hand their tools to the agents the config names.

Servers are asked for their tools when frontdesk starts (the model must be told its tools
before the first turn). A server that cannot be reached then is one warning line, not a
failed start: its tools are taken as it last listed them (kept in the data dir), so the
agents still know them and a call says the service is down; a server never reached before
contributes no tools until the next start.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Collection, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from mcp import types

from frontdesk.config.mcp import McpServerConfig
from frontdesk.mcp.connection import McpConnection, McpUnavailable
from frontdesk.mcp.imported import McpTool, import_tools
from frontdesk.operators.approval_gate import OperatorApproval

logger = logging.getLogger("frontdesk.mcp")


@dataclass
class McpTools:
    """The tools taken from MCP servers, by agent, and the checks they come with."""

    by_agent: dict[str, list[McpTool]] = field(default_factory=dict)
    approvals: OperatorApproval | None = None
    connections: list[McpConnection] = field(default_factory=list)

    @property
    def tools(self) -> list[McpTool]:
        seen: dict[str, McpTool] = {}
        for tools in self.by_agent.values():
            seen.update((tool.name, tool) for tool in tools)
        return list(seen.values())


def open_mcp_tools(
    servers: Sequence[McpServerConfig], data_dir: Path, stack: ExitStack, *, taken: Collection[str] = ()
) -> McpTools:
    """Connect to ``servers`` (closed with ``stack``) and import their tools.

    ``taken`` are the names the graph's own tools already use. An MCP tool whose name is one
    of them, or another server's, with case, ``-``, ``_`` and spaces not counting
    (``Cancel-Pending-Order`` is ``cancel_pending_order`` to a model), is left out with a
    warning naming both: one server's tool never stops the deployment from starting, and
    never stands beside a built-in under a look-alike name.
    """
    result = McpTools()
    owners: dict[str, str] = {folded(name): "frontdesk's own tools" for name in taken}
    approvals: set[str] = set()
    for config in servers:
        connection = McpConnection(config, errlog=data_dir / "mcp" / f"{config.name}.log")
        stack.callback(connection.close)
        result.connections.append(connection)
        tools = []
        for tool in import_tools(config, _listing(config, connection, data_dir), connection):
            owner = owners.setdefault(folded(tool.name), f"{config.name}'s {tool.name!r}")
            if owner != f"{config.name}'s {tool.name!r}":
                logger.warning(
                    "MCP server %s: tool %r left out: its name is taken by %s", config.name, tool.name, owner
                )
                continue
            tools.append(tool)
        approvals |= {tool.name for tool in tools if tool.name in config.needs_approval}
        for agent in config.agents:
            result.by_agent.setdefault(agent, []).extend(tools)
    if approvals:
        result.approvals = OperatorApproval(frozenset(approvals))
    return result


def folded(name: str) -> str:
    """A tool name as a model may confuse it: case, '-', '_' and spaces do not count."""
    return re.sub(r"[-_\s]+", "_", name).casefold().strip("_")


def _listing(config: McpServerConfig, connection: McpConnection, data_dir: Path) -> list[types.Tool]:
    """The server's tools now, or as it last listed them when it cannot be reached."""
    cache = data_dir / "mcp" / f"{config.name}.tools.json"
    try:
        listed = connection.list_tools()
    except McpUnavailable as exc:
        remembered = _remembered(cache)
        fallback = (
            f"using the {len(remembered)} tools it listed last time"
            if remembered
            else "its tools are left out until it is reachable at a start"
        )
        logger.warning(
            "MCP server %s (%s) is unreachable at start: %s; %s", config.name, config.transport, exc, fallback
        )
        return remembered
    cache.parent.mkdir(parents=True, exist_ok=True)
    partial = cache.with_suffix(f".{os.getpid()}.partial")
    partial.write_text(
        json.dumps([tool.model_dump(mode="json", by_alias=True, exclude_none=True) for tool in listed]),
        encoding="utf-8",
    )
    partial.replace(cache)
    return listed


def _remembered(cache: Path) -> list[types.Tool]:
    try:
        return [types.Tool.model_validate(item) for item in json.loads(cache.read_text(encoding="utf-8"))]
    except (OSError, ValueError):
        return []
