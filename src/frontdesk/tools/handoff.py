"""Handoff tools: how an agent passes the conversation to another agent.

The model calls ``transfer_to_<agent>`` like any tool; the tools node turns the outcome's
``handoff_to`` into a LangGraph ``Command(goto=...)``. Handing to a *person* is
``transfer_to_human_agents`` (tau2's name, in :mod:`frontdesk.tools.shared`), which targets the ``human`` node.
"""

from __future__ import annotations

import functools

from frontdesk.tools.base import Tool, ToolKind, tool

HUMAN = "human"


@functools.lru_cache(maxsize=256)
def transfer_to_agent(target: str, when: str) -> Tool:
    """A tool that hands the conversation to agent ``target``; ``when`` tells the model when to use it.

    One tool per (target, when), made once: a tool is immutable, and making it builds a
    pydantic model class whose JSON Schema is then generated again for every graph built
    (a replay builds one per scenario).
    """

    def transfer(reason: str = "") -> str:
        return f"Transferred to {target}."

    transfer.__doc__ = f"Hand the conversation to the {target.replace('_', ' ')} agent. {when}"
    return tool(transfer, kind=ToolKind.GENERIC, name=f"transfer_to_{target}", handoff_to=target)
