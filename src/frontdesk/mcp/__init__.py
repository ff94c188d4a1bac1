"""Model Context Protocol both ways: MCP servers' tools for the agents, and frontdesk's tools as an MCP server.

``config`` (what a deployment declares), ``connection`` (a blocking handle on one server),
``imported`` (a server's tools as frontdesk tools), ``loading`` (all configured servers at
start), ``tokens`` (customer session tokens), ``exported`` and ``serving`` (``frontdesk mcp
serve``). Only ``config`` is imported eagerly; the rest needs the ``mcp`` package.
"""
