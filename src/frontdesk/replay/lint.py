"""Checking a scenario's script against the graph before running it.

A script step for an agent the graph does not have, or a tool call the agent cannot
make, would otherwise surface mid-run as a confusing failure; here it is reported up
front with the field it sits in.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from frontdesk.agents.base import AgentSpec
from frontdesk.agents.grader import GradeVerdict
from frontdesk.config.settings import Settings
from frontdesk.replay.schema import Scenario

MODEL_ONLY_AGENTS = ("grader", "summarizer")


def script_problems(scenario: Scenario, agents: dict[str, AgentSpec]) -> list[tuple[tuple[str | int, ...], str]]:
    """``(field path, problem)`` for every scripted agent or tool the graph does not know."""
    known = set(agents) | set(MODEL_ONLY_AGENTS)
    declared = declared_mcp_tools(scenario)
    problems: list[tuple[tuple[str | int, ...], str]] = []
    for t, turn in enumerate(scenario.turns):
        for agent, steps in turn.script.items():
            if agent not in known:
                problems.append(
                    (
                        ("turns", t, "script", agent),
                        f"unknown agent {agent!r}; the graph has {', '.join(sorted(known))}",
                    )
                )
                continue
            tools = {tool.name for tool in agents[agent].tools} if agent in agents else set()
            tools |= declared.get(agent, set())
            for s, step in enumerate(steps):
                for c, call in enumerate(step.tool_calls):
                    if call.name not in tools:
                        problems.append(
                            (
                                ("turns", t, "script", agent, s, "tool_calls", c, "name"),
                                f"agent {agent!r} has no tool {call.name!r}",
                            )
                        )
                if agent == "grader" and step.structured is not None:
                    problems += verdict_problems(step.structured, ("turns", t, "script", agent, s))
        every_tool = {tool.name for spec in agents.values() for tool in spec.tools} | {
            name for names in declared.values() for name in names
        }
        for e, expected in enumerate(turn.expect.tools or []):
            if expected.name not in every_tool:
                problems.append((("turns", t, "expect", "tools", e, "name"), f"no agent has a tool {expected.name!r}"))
    return problems


def verdict_problems(
    structured: dict[str, Any], where: tuple[str | int, ...]
) -> list[tuple[tuple[str | int, ...], str]]:
    """A scripted grader step that is not a verdict the grader could give (``verdict: passed``, a score of 7)."""
    try:
        GradeVerdict.model_validate(structured)
    except ValidationError as exc:
        return [((*where, *error["loc"]), f"not a grader verdict: {error['msg']}") for error in exc.errors()]
    return []


def declared_mcp_tools(scenario: Scenario) -> dict[str, set[str]]:
    """Tools the scenario's MCP servers are declared to offer, by agent (the servers are asked only when it runs)."""
    declared: dict[str, set[str]] = {}
    for server in Settings(**scenario.settings).mcp_servers:
        for agent in server.agents:
            declared.setdefault(agent, set()).update(server.declared_tools())
    return declared
