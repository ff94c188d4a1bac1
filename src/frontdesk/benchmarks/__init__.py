"""The cross-framework benchmark behind ``frontdesk bench``.

Why it exists: "should we build on frontdesk, on bare LangGraph, on AutoGen or on CrewAI"
is a question about correctness first and cost second, and both can only be compared when
every framework runs the *same* conversations with the *same* tools and the *same* model
outputs on the same machine in the same run. The scenario files provide the conversations
and the scripted model outputs; the interop adapters provide the tools to AutoGen and
CrewAI; a latency-injecting scripted model separates model time from framework time.

This module is deliberately light (no framework is imported): it only names the
frameworks, which modules run them, what to import to time their import, and which
optional extra brings them. Everything heavy lives in the runner modules.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass


@dataclass(frozen=True)
class FrameworkInfo:
    """How to run, import-time and install one framework under benchmark."""

    name: str
    label: str
    runner: str
    imports: tuple[str, ...]
    requires: tuple[str, ...]
    extra: str | None = None

    def missing(self) -> str | None:
        """Why this framework cannot run here (its extra is not installed), or ``None``.

        Checked with ``find_spec`` so that asking does not import (and pay for) the framework.
        """
        for module in self.requires:
            try:
                found = importlib.util.find_spec(module) is not None
            except (ImportError, ValueError):
                found = False
            if not found:
                hint = f"pip install 'frontdesk[{self.extra}]'" if self.extra else f"pip install {module}"
                return f"not installed ({module} missing: {hint})"
        return None


FRAMEWORKS: dict[str, FrameworkInfo] = {
    info.name: info
    for info in (
        FrameworkInfo(
            "frontdesk",
            "frontdesk",
            "frontdesk.benchmarks.frontdesk_runner",
            ("frontdesk.graphs.support",),
            ("langgraph",),
        ),
        FrameworkInfo(
            "langgraph",
            "bare LangGraph",
            "frontdesk.benchmarks.langgraph_runner",
            ("langgraph.graph", "langgraph.checkpoint.memory"),
            ("langgraph",),
        ),
        FrameworkInfo(
            "autogen",
            "AutoGen",
            "frontdesk.benchmarks.autogen_runner",
            ("autogen_agentchat.agents", "autogen_agentchat.teams", "autogen_agentchat.conditions"),
            ("autogen_agentchat", "autogen_core"),
            "autogen",
        ),
        FrameworkInfo("crewai", "CrewAI", "frontdesk.benchmarks.crewai_runner", ("crewai",), ("crewai",), "crewai"),
    )
}
"""The frameworks in report order; ``langgraph`` is the baseline every ratio is taken against."""

BASELINE = "langgraph"

__all__ = ["BASELINE", "FRAMEWORKS", "FrameworkInfo"]
