"""Interop with other agent frameworks: frontdesk tools and models inside AutoGen and CrewAI.

Why a separate package: teams that already run AutoGen or CrewAI agents want frontdesk's
typed retail tools (with their validation, ownership checks and one-transaction writes)
and its scripted model for deterministic tests, without rewriting their agents as a
LangGraph graph — and the support graph wants to host such a team as one node.

Nothing heavy is imported here: each framework module imports its framework itself and
fails with an install hint (``frontdesk[autogen]`` / ``frontdesk[crewai]``) when it is
missing, so ``import frontdesk.interop`` costs nothing for users of neither.

- :mod:`frontdesk.interop.session` — :class:`ToolSession`, the framework-neutral state a
  set of exported tools shares (authenticated customer, thread, DB engine, handoff).
- :mod:`frontdesk.interop.autogen_tools` / :mod:`frontdesk.interop.autogen_model`
- :mod:`frontdesk.interop.crewai_tools` / :mod:`frontdesk.interop.crewai_model`
- :mod:`frontdesk.interop.nodes` — an AutoGen team or a CrewAI crew as a LangGraph node.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Handoff", "ToolSession", "missing_extra"]


def __getattr__(name: str) -> Any:
    """Resolve the session names on first use, so importing the package stays free."""
    if name in __all__:
        from frontdesk.interop import session  # noqa: PLC0415 — keeps the package import free

        return getattr(session, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
