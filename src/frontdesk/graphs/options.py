"""``GraphOptions``: what :func:`frontdesk.build_graph` takes besides its parts, typed once.

:func:`frontdesk.open_app` passes these on, so its ``**options`` are checked by a type
checker (``open_app(settings, tool=[...])`` is an error in the editor) and, for code
without one, by :func:`check_graph_options` when the app opens — one line naming the
unknown option, never a late ``TypeError`` from deep inside.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypedDict

from frontdesk.config.settings import ConfigError

if TYPE_CHECKING:
    from frontdesk.agents.base import AgentSpec
    from frontdesk.guardrails.base import Guardrail
    from frontdesk.operators.approval_gate import ApprovalPolicy
    from frontdesk.tools.base import Tool
    from frontdesk.tools.execution import ToolPolicy


class GraphOptions(TypedDict, total=False):
    """The graph's options (see :func:`frontdesk.build_graph` for what each does)."""

    tools: Sequence[Tool]
    agent_tools: Mapping[str, Sequence[Tool]] | None
    agents: Sequence[AgentSpec]
    capture_content: bool | None
    grade_replies: bool | None
    summarize_after: int | None
    approvals: ApprovalPolicy | None
    policies: Sequence[ToolPolicy]
    confirm_writes: bool | None
    guardrails: Sequence[Guardrail]
    deps: Any


def check_graph_options(options: Mapping[str, Any]) -> None:
    """:class:`ConfigError` naming an option :class:`GraphOptions` does not have."""
    unknown = sorted(set(options) - set(GraphOptions.__annotations__))
    if unknown:
        known = ", ".join(sorted(GraphOptions.__annotations__))
        raise ConfigError(f"unknown graph option {unknown[0]!r}; the options are: {known}")
