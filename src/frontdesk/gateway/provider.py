"""Builds each agent's gateway model from the settings: its chain of endpoints and its policy."""

from __future__ import annotations

import os
import threading

from langchain_core.language_models import BaseChatModel

from frontdesk.config.gateway import Endpoint, GatewayConfig
from frontdesk.config.settings import Settings
from frontdesk.gateway.attempts import Route
from frontdesk.gateway.model import GatewayChatModel
from frontdesk.llm.factory import ModelProvider, openai_compatible_model
from frontdesk.tracing.instrument import model_name

PRIMARY = "primary"
"""The chain's first model when no route is configured: the model the graph was given (or the configured one)."""


class GatewayProvider:
    """Gives each agent a :class:`GatewayChatModel` over its chain (``ModelProvider`` for the graph).

    ``base`` is the model (or provider) the graph was built with; it is the first model of
    every agent without a configured route, followed by ``fallback_models``.
    """

    def __init__(self, settings: Settings, base: ModelProvider, *, streaming: bool = False) -> None:
        self.settings = settings
        self.config: GatewayConfig = settings.gateway
        self.base = base
        self.streaming = streaming
        self._lock = threading.RLock()  # building an agent's chain builds its endpoints under the same lock
        self._endpoints: dict[str, Route] = {}
        self._agents: dict[str, GatewayChatModel] = {}
        self._unrouted: dict[str, tuple[BaseChatModel, GatewayChatModel]] = {}

    def for_agent(self, agent: str) -> BaseChatModel:
        """The agent's gateway model; an agent without a route wraps whatever ``base`` gives it now
        (a provider may choose per call, e.g. per conversation)."""
        if self.config.route_for(agent) is None:
            first = self.base.for_agent(agent)
            with self._lock:
                known = self._unrouted.get(agent)
                if known is not None and known[0] is first:  # the same model as last time: the same wrapper
                    return known[1]
            wrapper = self._build(agent, first)
            with self._lock:
                self._unrouted[agent] = (first, wrapper)
            return wrapper
        with self._lock:
            model = self._agents.get(agent)
            if model is None:
                model = self._agents[agent] = self._build(agent)
            return model

    def _build(self, agent: str, first: BaseChatModel | None = None) -> GatewayChatModel:
        """The agent's wrapper; building it (and LangChain serialising it on its first call) is
        why it is kept rather than made per call."""
        route = self.config.route_for(agent)
        if route is not None:
            chain = [self._endpoint(name) for name in route.models]
        else:
            first = first if first is not None else self.base.for_agent(agent)
            chain = [
                Route(PRIMARY, f"{model_name(first)}@{getattr(first, 'openai_api_base', None) or 'in-process'}", first)
            ]
            chain += [self._endpoint(name) for name in self.config.fallback_models]
        return GatewayChatModel(
            agent=agent,
            routes=chain,
            gateway=self.config,
            attempts=self.settings.max_retries + 1,
            cascade=bool(route and route.cascade),
            cache_scope=route.cache if route else "off",
        )

    def _endpoint(self, name: str) -> Route:
        """A named endpoint from the config, or a model of that name at the configured endpoint (``local``: the offline
        one)."""
        with self._lock:
            route = self._endpoints.get(name)
        if route is not None:
            return route
        endpoint = self.config.endpoints.get(name) or Endpoint(model=name)
        key = os.environ.get(endpoint.api_key_env, "") if endpoint.api_key_env else None
        settings = self.settings.model_copy(
            update={
                "model": endpoint.model,
                "base_url": endpoint.base_url or self.settings.base_url,
                "api_key": key if key is not None else self.settings.api_key,
                "request_timeout": endpoint.timeout_s or self.settings.request_timeout,
            }
        )
        model = openai_compatible_model(settings, streaming=self.streaming)
        route = Route(
            name,
            f"{endpoint.model}@{settings.base_url or 'default'}",
            model,
            endpoint.rpm,
            endpoint.tpm,
            endpoint.timeout_s,
        )
        with self._lock:
            return self._endpoints.setdefault(name, route)
