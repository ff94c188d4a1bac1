"""An agent: a name, instructions, and the tools it may call.

Agents are specifications; the graph turns each into a node
(:mod:`frontdesk.graphs.agent_node`), so an app can define agents without knowing how the
graph runs them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from frontdesk.agents.steps import Step
from frontdesk.tools.base import Tool


@dataclass(frozen=True)
class AgentSpec:
    """What makes an agent: a name, its instructions and its tools."""

    name: str
    description: str
    instructions: str
    tools: tuple[Tool, ...] = field(default_factory=tuple)
    graded: bool = True
    steps: tuple[Step, ...] = ()
    """Calls the agent makes on every request, in order, forced with intent routing (``agents.steps``):
    the researcher searches before it answers, whatever the model would rather do."""

    def tool_named(self, name: str) -> Tool | None:
        return next((t for t in self.tools if t.name == name), None)

    def with_tools(self, *extra: Tool) -> AgentSpec:
        """A copy with more tools (apps add their own typed tools this way)."""
        known = {t.name for t in self.tools}
        merged = self.tools + tuple(t for t in extra if t.name not in known)
        return replace(self, tools=merged)
