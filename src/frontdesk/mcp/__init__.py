"""Internal: Model Context Protocol both ways: MCP servers' tools for the agents, and frontdesk's tools as an MCP
server.

What a deployment declares lives in ``frontdesk.config.mcp`` (settings import it without
the ``mcp`` package). Here, all needing the optional ``mcp`` extra: ``connection`` (a
blocking handle on one server), ``imported`` (a server's tools as frontdesk tools),
``loading`` (every configured server at start), ``tokens`` (customer session tokens),
``exported`` and ``serving`` (``frontdesk mcp serve``).
"""
