"""frontdesk: multi-agent customer service on LangGraph.

The public API is what this module exports (``frontdesk.__all__``); everything else under
``frontdesk.`` is internal and may change between releases.

- Build: ``build_graph`` returns a compiled LangGraph graph an app invokes or streams with
  its own checkpointer, store and model; ``open_app`` opens a whole deployment (database,
  store, knowledge base, tracing) from ``Settings`` and builds the graph on it.
- Extend: ``tool``/``Tool``/``ToolKind``/``ToolContext``/``ToolError`` define typed tools;
  ``AgentSpec`` defines agents; ``ToolPolicy``/``PolicyVerdict`` add checks to the one tool
  pipeline every call takes; ``InputGuardrail``/``OutputGuardrail``/``ToolGuardrail`` (or
  the ``input_guardrail``/``output_guardrail``/``tool_guardrail`` decorators) check
  messages, replies and calls (``build_graph(guardrails=...)``); ``Domain``/``register_domain`` plug in a business
  domain.
- Talk: ``app.conversation(thread_id)`` (a ``Conversation``) sends a customer's message and
  answers a confirmation, yielding typed events (``Token``, ``ToolResult``, ``Waiting``,
  ``Verdict``... then ``TurnDone``; ``NotTaken`` when the thread cannot take the message);
  ``pending`` says what the thread waits for; ``resolve`` takes a person's ``HandoffReply``
  or ``ApprovalDecision``. Errors share one base, ``FrontdeskError``.
- Run: ``RunContext`` is what each run's nodes and tools receive; ``stream_turn`` turns a
  graph run into typed events (a raw run: no lock, no message rules — ``Conversation`` is
  how a customer's message is sent); ``Inbox`` is the operator's side (claims, log).
- Test: ``Script``/``ScriptedModels``/``ScriptedStep`` script every agent's model.

Names resolve on first use, so ``import frontdesk`` (and the CLI's start) stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from frontdesk.agents.base import AgentSpec
    from frontdesk.app import FrontdeskApp, open_app
    from frontdesk.config.settings import Settings
    from frontdesk.conversation import (
        ApprovalDecision,
        Confirmation,
        Conversation,
        ConversationEvent,
        HandoffReply,
        NotTaken,
        OperatorAction,
        OperatorWait,
        Pending,
        Said,
        TurnDone,
    )
    from frontdesk.conversation.inbox import Inbox, InboxError
    from frontdesk.domains import UnknownDomain, get_domain, register_domain
    from frontdesk.domains.base import Domain
    from frontdesk.domains.database import open_domain_db
    from frontdesk.errors import ConfigError, FrontdeskError, MessageNotTaken
    from frontdesk.gateway.errors import ModelUnavailable
    from frontdesk.graphs.events import (
        AgentHandoff,
        AgentMessage,
        OperatorReply,
        Summary,
        Token,
        ToolResult,
        TurnEvent,
        TurnState,
        Verdict,
        Waiting,
        stream_turn,
    )
    from frontdesk.graphs.options import GraphOptions
    from frontdesk.graphs.support import build_graph
    from frontdesk.guardrails.base import (
        GuardrailContext,
        GuardrailResult,
        InputGuardrail,
        OutputGuardrail,
        ToolGuardrail,
        input_guardrail,
        output_guardrail,
        tool_guardrail,
    )
    from frontdesk.inputs import BadMessage
    from frontdesk.llm.factory import ModelNotConfiguredError
    from frontdesk.llm.scripted import Script, ScriptedModels, ScriptedStep
    from frontdesk.operators.approval_gate import ApprovalPolicy
    from frontdesk.persistence.checkpoint import open_checkpointer
    from frontdesk.persistence.store import open_store
    from frontdesk.persistence.thread_locks import ThreadBusy
    from frontdesk.runtime import RunContext
    from frontdesk.tools.base import Tool, ToolContext, ToolError, ToolKind, tool
    from frontdesk.tools.execution import PolicyVerdict, ToolPipeline, ToolPolicy

_EXPORTS = {
    "Conversation": "frontdesk.conversation",
    "ConversationEvent": "frontdesk.conversation",
    "Confirmation": "frontdesk.conversation",
    "OperatorWait": "frontdesk.conversation",
    "Pending": "frontdesk.conversation",
    "NotTaken": "frontdesk.conversation",
    "TurnDone": "frontdesk.conversation",
    "Said": "frontdesk.conversation",
    "HandoffReply": "frontdesk.conversation",
    "ApprovalDecision": "frontdesk.conversation",
    "OperatorAction": "frontdesk.conversation",
    "Token": "frontdesk.graphs.events",
    "AgentMessage": "frontdesk.graphs.events",
    "ToolResult": "frontdesk.graphs.events",
    "AgentHandoff": "frontdesk.graphs.events",
    "Waiting": "frontdesk.graphs.events",
    "Verdict": "frontdesk.graphs.events",
    "Summary": "frontdesk.graphs.events",
    "OperatorReply": "frontdesk.graphs.events",
    "TurnState": "frontdesk.graphs.events",
    "FrontdeskError": "frontdesk.errors",
    "MessageNotTaken": "frontdesk.errors",
    "ThreadBusy": "frontdesk.persistence.thread_locks",
    "BadMessage": "frontdesk.inputs",
    "ConfigError": "frontdesk.errors",
    "UnknownDomain": "frontdesk.domains",
    "ModelUnavailable": "frontdesk.gateway.errors",
    "ModelNotConfiguredError": "frontdesk.llm.factory",
    "AgentSpec": "frontdesk.agents.base",
    "ApprovalPolicy": "frontdesk.operators.approval_gate",
    "Domain": "frontdesk.domains.base",
    "FrontdeskApp": "frontdesk.app",
    "GuardrailContext": "frontdesk.guardrails.base",
    "GuardrailResult": "frontdesk.guardrails.base",
    "Inbox": "frontdesk.conversation.inbox",
    "InboxError": "frontdesk.conversation.inbox",
    "InputGuardrail": "frontdesk.guardrails.base",
    "OutputGuardrail": "frontdesk.guardrails.base",
    "PolicyVerdict": "frontdesk.tools.execution",
    "RunContext": "frontdesk.runtime",
    "Script": "frontdesk.llm.scripted",
    "ScriptedModels": "frontdesk.llm.scripted",
    "ScriptedStep": "frontdesk.llm.scripted",
    "Settings": "frontdesk.config.settings",
    "Tool": "frontdesk.tools.base",
    "ToolContext": "frontdesk.tools.base",
    "ToolError": "frontdesk.tools.base",
    "ToolGuardrail": "frontdesk.guardrails.base",
    "ToolKind": "frontdesk.tools.base",
    "ToolPipeline": "frontdesk.tools.execution",
    "ToolPolicy": "frontdesk.tools.execution",
    "TurnEvent": "frontdesk.graphs.events",
    "build_graph": "frontdesk.graphs.support",
    "get_domain": "frontdesk.domains",
    "input_guardrail": "frontdesk.guardrails.base",
    "open_app": "frontdesk.app",
    "open_checkpointer": "frontdesk.persistence.checkpoint",
    "open_domain_db": "frontdesk.domains.database",
    "open_store": "frontdesk.persistence.store",
    "output_guardrail": "frontdesk.guardrails.base",
    "register_domain": "frontdesk.domains",
    "stream_turn": "frontdesk.graphs.events",
    "tool": "frontdesk.tools.base",
    "tool_guardrail": "frontdesk.guardrails.base",
    "GraphOptions": "frontdesk.graphs.options",
}

__all__ = [
    "AgentHandoff",
    "AgentMessage",
    "AgentSpec",
    "ApprovalDecision",
    "ApprovalPolicy",
    "BadMessage",
    "ConfigError",
    "Confirmation",
    "Conversation",
    "ConversationEvent",
    "Domain",
    "FrontdeskApp",
    "FrontdeskError",
    "GraphOptions",
    "GuardrailContext",
    "GuardrailResult",
    "HandoffReply",
    "Inbox",
    "InboxError",
    "InputGuardrail",
    "MessageNotTaken",
    "ModelNotConfiguredError",
    "ModelUnavailable",
    "NotTaken",
    "OperatorAction",
    "OperatorReply",
    "OperatorWait",
    "OutputGuardrail",
    "Pending",
    "PolicyVerdict",
    "RunContext",
    "Said",
    "Script",
    "ScriptedModels",
    "ScriptedStep",
    "Settings",
    "Summary",
    "ThreadBusy",
    "Token",
    "Tool",
    "ToolContext",
    "ToolError",
    "ToolGuardrail",
    "ToolKind",
    "ToolPipeline",
    "ToolPolicy",
    "ToolResult",
    "TurnDone",
    "TurnEvent",
    "TurnState",
    "UnknownDomain",
    "Verdict",
    "Waiting",
    "build_graph",
    "get_domain",
    "input_guardrail",
    "open_app",
    "open_checkpointer",
    "open_domain_db",
    "open_store",
    "output_guardrail",
    "register_domain",
    "stream_turn",
    "tool",
    "tool_guardrail",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """Import a public name's module on first use."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'frontdesk' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return [*__all__, "__version__"]
