"""The chat model every agent calls: a chain of real models behind retries, breakers and limits.

For each call: budgets are checked; a cached answer is reused where the agent's route
allows; then each model of the chain in turn — skipped while its endpoint's breaker is
open, after waiting its turn under the endpoint's rate limits — gets a few attempts
(exponential backoff with jitter, at least what ``Retry-After`` asked, on transient
failures only), all inside one deadline for the call and one for the turn. The first
answer wins; a cascade also moves on when a cheap model's output is unusable. When no
model answers, :class:`ModelUnavailable` carries the fallback reply for the customer.
Every decision is on the call's span.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatResult
from langchain_core.utils.function_calling import convert_to_openai_tool
from opentelemetry import trace
from pydantic import ConfigDict

from frontdesk.config.gateway import GatewayConfig
from frontdesk.gateway import aio, attempts, cache, spend
from frontdesk.gateway.attempts import Route
from frontdesk.gateway.errors import BudgetExceeded, ModelUnavailable
from frontdesk.runtime import current_scope
from frontdesk.tracing import instrument


def openai_tool_choice(choice: Any, tools: list[dict[str, Any]]) -> Any:
    """``tool_choice`` in the OpenAI API's own form, which every compatible server understands.

    LangChain's generic "must call a tool" is ``"any"`` (structured output sends it), which
    the OpenAI API calls ``"required"`` and llama.cpp's server refuses with a 500; a forced
    call of the only tool, or of a tool named by a string, is sent as the named-function form
    (llama.cpp then constrains the output to that function's schema).
    """
    if choice in (None, "auto", "none") or isinstance(choice, dict):
        return choice
    names = [tool["function"]["name"] for tool in tools]
    if choice in ("any", "required", True):
        return {"type": "function", "function": {"name": names[0]}} if len(names) == 1 else "required"
    if isinstance(choice, str) and choice in names:
        return {"type": "function", "function": {"name": choice}}
    return choice


def unusable(result: ChatResult) -> bool:
    """A reply a cascade does not accept from a cheap model: empty, or tool calls that could not be read."""
    message = result.generations[0].message if result.generations else None
    if not isinstance(message, AIMessage):
        return True
    return bool(message.invalid_tool_calls) or (not message.tool_calls and not str(message.content).strip())


def _budget_keys() -> tuple[Any, str]:
    """The domain DB (where spending is kept) and the conversation of the calling node."""
    scope = current_scope()
    return (scope.context.engine if scope else None), (scope.thread_id if scope else "")


@dataclass
class _Call:
    """One call through the chain: where it runs, until when, and why models failed so far."""

    scope: Any
    engine: Any
    thread_id: str
    span: Any
    ends: float
    chain: list[Route]
    key: str | None
    hit: ChatResult | None
    failures: list[str] = field(default_factory=list)

    def time_left(self, route: Route) -> bool:
        if self.ends - time.monotonic() <= 0:
            self.failures.append(f"{route.name}: deadline passed")
            return False
        return True


class GatewayChatModel(BaseChatModel):
    """An agent's chain of models as one chat model (``bind_tools`` and structured output work as usual)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    agent: str
    routes: list[Route]
    gateway: GatewayConfig
    attempts: int = 4
    cascade: bool = False
    cache_scope: str = "off"
    start_tier: int = 0

    @property
    def _llm_type(self) -> str:
        return "frontdesk-gateway"

    def __repr_args__(self) -> Any:
        """The agent and its chain by name. LangChain puts a model's repr in every run's
        callback payload (once per model object); the full one held each route's model and
        settings, ~11 KB and half a millisecond for a scripted one."""
        return [
            ("agent", self.agent),
            ("routes", [route.name for route in self.routes]),
            ("start_tier", self.start_tier),
        ]

    @property
    def model_name(self) -> str:
        return instrument.model_name(self.routes[self.start_tier].model)

    def at_tier(self, tier: int) -> GatewayChatModel:
        """The same chain starting ``tier`` models further on (a cascade's escalation for a failed draft)."""
        return self.model_copy(update={"start_tier": max(0, min(tier, len(self.routes) - 1))})

    def bind_tools(self, tools: Sequence[Any], *, tool_choice: Any = None, **kwargs: Any) -> Any:
        formatted = [convert_to_openai_tool(t) for t in tools]
        choice = openai_tool_choice(tool_choice, formatted)
        return (
            self.bind(tools=formatted, tool_choice=choice, **kwargs)
            if choice is not None
            else self.bind(tools=formatted, **kwargs)
        )

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        call = self._begin(messages, stop, kwargs, spend.check(self.gateway, *_budget_keys()))
        if call.hit is not None:
            return call.hit
        for index, route in enumerate(call.chain):
            if not call.time_left(route):
                break
            last = index + 1 == len(call.chain)
            result = attempts.try_route(
                self.gateway,
                self.attempts,
                route,
                messages,
                stop,
                run_manager,
                kwargs,
                call.ends,
                call.failures,
                last=last,
            )
            if result is not None and self._accepted(call, index, route, result):
                self._account(
                    call.span, route, index + self.start_tier, result, call.engine, call.thread_id, call.scope
                )
                return self._finish(call, result)
        return self._unavailable(call)

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        """The same chain on the async path: waiting on a model holds no thread (see ``gateway.aio``)."""
        tokens_left = (
            await asyncio.to_thread(spend.check, self.gateway, *_budget_keys()) if self.gateway.has_budgets else None
        )
        call = self._begin(messages, stop, kwargs, tokens_left)
        if call.hit is not None:
            return call.hit
        for index, route in enumerate(call.chain):
            if not call.time_left(route):
                break
            last = index + 1 == len(call.chain)
            result = await aio.try_route(
                self.gateway,
                self.attempts,
                route,
                messages,
                stop,
                run_manager,
                kwargs,
                call.ends,
                call.failures,
                last=last,
            )
            if result is not None and self._accepted(call, index, route, result):
                account = (call.span, route, index + self.start_tier, result, call.engine, call.thread_id, call.scope)
                if self.gateway.has_budgets:
                    await asyncio.to_thread(self._account, *account)
                else:
                    self._account(*account)
                return self._finish(call, result)
        return self._unavailable(call)

    def _begin(self, messages: list[BaseMessage], stop: Any, kwargs: dict[str, Any], tokens_left: int | None) -> _Call:
        """What one call needs: its deadline, its chain, and a cached answer if its route allows."""
        scope = current_scope()
        span = trace.get_current_span()
        if tokens_left is not None:
            span.set_attribute("frontdesk.budget.tokens_left", tokens_left)
        ends = time.monotonic() + self.gateway.call_deadline_s
        if scope is not None and scope.turn_started is not None:
            ends = min(ends, scope.turn_started + self.gateway.turn_deadline_s)  # both monotonic
        thread_id = scope.thread_id if scope else ""
        chain = self.routes[self.start_tier :]
        key = self._cache_key(thread_id, chain, messages, stop, kwargs)
        hit = cache.lookup(key) if key is not None else None
        if hit is not None:
            span.set_attribute("frontdesk.gateway.cache_hit", True)
        return _Call(scope, scope.context.engine if scope else None, thread_id, span, ends, chain, key, hit)

    def _accepted(self, call: _Call, index: int, route: Route, result: ChatResult) -> bool:
        if self.cascade and index + 1 < len(call.chain) and unusable(result):
            call.failures.append(f"{route.name}: unusable output")
            instrument.event(
                "frontdesk.gateway.escalated",
                **{"frontdesk.gateway.from": route.name, "frontdesk.gateway.reason": "unusable_output"},
            )
            return False
        return True

    def _finish(self, call: _Call, result: ChatResult) -> ChatResult:
        if call.key is not None:
            cache.store(call.key, result)
        return result

    def _unavailable(self, call: _Call) -> ChatResult:
        call.span.set_attribute("frontdesk.gateway.unavailable", True)
        raise ModelUnavailable(
            "no model answered: " + "; ".join(call.failures), fallback_reply=self.gateway.fallback_reply
        )

    def _cache_key(
        self, thread_id: str, chain: list[Route], messages: list[BaseMessage], stop: Any, kwargs: dict[str, Any]
    ) -> str | None:
        if self.cache_scope == "off" or (self.cache_scope == "thread" and not thread_id):
            return None
        scope = f"thread:{thread_id}" if self.cache_scope == "thread" else f"shared:{self.agent}"
        return cache.cache_key(scope, [r.key for r in chain], messages, {"stop": stop, **kwargs})

    def _account(
        self, span: Any, route: Route, tier: int, result: ChatResult, engine: Any, thread_id: str, scope: Any
    ) -> None:
        """The span's gateway attributes, and the call's tokens and cost added to the budgets."""
        span.set_attribute("frontdesk.gateway.model", route.name)
        span.set_attribute("frontdesk.gateway.fallback", tier > self.start_tier)
        span.set_attribute("frontdesk.gateway.tier", tier)
        if not self.gateway.has_budgets:
            return
        message = result.generations[0].message if result.generations else None
        usage = getattr(message, "usage_metadata", None) or {}
        tokens_in, tokens_out = int(usage.get("input_tokens", 0)), int(usage.get("output_tokens", 0))
        prices = scope.context.prices if scope else None
        cost = prices.cost(instrument.model_name(route.model), tokens_in, tokens_out) if prices else None
        spend.add(engine, thread_id, tokens_in + tokens_out, cost or 0.0)


__all__ = ["BudgetExceeded", "GatewayChatModel", "ModelUnavailable", "Route"]
