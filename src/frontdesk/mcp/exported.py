"""frontdesk's typed tools as MCP tools, each call for the session's customer only.

A call arrives with arguments from another agent and a customer from the session's token.
It goes through the same tool pipeline as a call from frontdesk's own agents: the schema
check, authentication (the session's customer — authentication tools are not offered, the
token already says who it is), the domain's ownership rule, the app's tool guardrails,
once-per-key WRITEs and a span per call. Two things differ because nobody can be paused
for: a WRITE does not ask the customer to confirm (the client acts on their behalf and
says so with their token), and a call that would need an operator's approval is refused
with the reason instead of waiting. READ/WRITE show as MCP tool annotations; a WRITE takes
an optional ``idempotency_key``: the same key again with the same tool and arguments returns
the first result, applied once; with another tool or other arguments it is an error, never
the first call's "ok".
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from mcp import types

from frontdesk.runtime import RunContext
from frontdesk.tools.base import Tool, ToolContext, ToolKind
from frontdesk.tools.execution import Check, ToolCallRequest, ToolPipeline

IDEMPOTENCY_KEY = "idempotency_key"
MAX_KEY_CHARS = 200


def exportable(tools: Iterable[Tool]) -> list[Tool]:
    """The tools worth offering: not authentication (the token says who) and not handoffs (no conversation to hand
    off)."""
    return [tool for tool in tools if not tool.authenticates and tool.handoff_to is None]


def listing(tool: Tool) -> types.Tool:
    """The MCP description of a frontdesk tool, its kind in the annotations."""
    schema = dict(tool.openai_schema()["function"]["parameters"])
    writes = tool.kind is ToolKind.WRITE
    if writes:
        properties = dict(schema.get("properties", {}))
        properties[IDEMPOTENCY_KEY] = {
            "type": "string",
            "maxLength": MAX_KEY_CHARS,
            "description": "Any unique string; a repeat with the same key returns the first result and does nothing "
            "again",
        }
        schema["properties"] = properties
    annotations = types.ToolAnnotations(
        title=f"{tool.name.replace('_', ' ').capitalize()} ({tool.kind.value})",
        readOnlyHint=not writes,
        destructiveHint=writes,
        idempotentHint=not writes,
        openWorldHint=False,
    )
    return types.Tool(
        name=tool.name,
        description=tool.description,
        inputSchema=schema,
        annotations=annotations,
        _meta={"frontdesk/kind": tool.kind.value},
    )


class ExportedTools:
    """Runs MCP calls through the tool pipeline for a given customer."""

    def __init__(self, tools: Sequence[Tool], run: RunContext, policies: Sequence[Check] = ()) -> None:
        self.tools = exportable(tools)
        self.run = run
        self.pipeline = ToolPipeline(self.tools, policies)

    def listings(self) -> list[types.Tool]:
        return [listing(tool) for tool in self.tools]

    def call(self, customer_id: str, name: str, arguments: Mapping[str, Any] | None) -> types.CallToolResult:
        """One call for ``customer_id``; every refusal or failure is an error result, never an exception."""
        args = dict(arguments or {})
        tool = self.pipeline.tools.get(name)
        key = args.pop(IDEMPOTENCY_KEY, None) if tool is not None and tool.kind is ToolKind.WRITE else None
        if key is not None and (not isinstance(key, str) or not key.strip() or len(key) > MAX_KEY_CHARS):
            return _result(
                f"Error: {IDEMPOTENCY_KEY} must be a non-empty string of at most {MAX_KEY_CHARS} characters", ok=False
            )
        call_id = (
            f"idempotency_key={key}" if key else f"mcp-{uuid.uuid4().hex}"
        )  # bound to the tool and arguments (see persistence.call_keys)
        ctx = ToolContext(customer_id=customer_id, thread_id=f"mcp:{customer_id}", run=self.run)
        outcome = self.pipeline.run(ToolCallRequest(id=call_id, name=name, args=args), ctx)
        return _result(outcome.content, ok=outcome.ok)


def _result(text: str, *, ok: bool) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(type="text", text=text)], isError=not ok)
