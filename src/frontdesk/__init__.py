"""frontdesk: multi-agent customer service on LangGraph.

Public API: ``build_graph`` returns a compiled LangGraph graph an app invokes or streams
with its own checkpointer, store and model; ``Settings`` configures it; ``tool`` and
``ToolKind`` define typed tools the agents can call.
"""

from frontdesk.agents.base import AgentSpec
from frontdesk.graphs.support import build_graph
from frontdesk.settings import Settings
from frontdesk.tools.base import Tool, ToolContext, ToolError, ToolKind, tool

__all__ = ["AgentSpec", "Settings", "Tool", "ToolContext", "ToolError", "ToolKind", "build_graph", "tool"]
__version__ = "0.1.0"
