"""How the model gateway (:mod:`frontdesk.gateway`) is set up: endpoints, each agent's chain of models, and the limits
around them.

Read from the ``[gateway]`` table of the config file (and a few environment variables for
the common knobs). Without any, the one configured model is the whole chain and only
retries, deadlines, the breaker and the fallback reply apply.

.. code-block:: toml

    [gateway.endpoints.small]
    model = "qwen2.5:3b"
    base_url = "http://127.0.0.1:11434/v1"
    rpm = 120

    [gateway.endpoints.strong]
    model = "gpt-4.1"
    api_key_env = "OPENAI_API_KEY"
    tpm = 200000

    [gateway.agents.customer_service]
    models = ["small", "strong"]
    cascade = true            # small first; the strong one when a draft fails review
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_FALLBACK_REPLY = (
    "Sorry — we're having trouble answering right now. A person from our team will follow up in "
    "this conversation shortly."
)


class Endpoint(BaseModel):
    """One model at one OpenAI-compatible endpoint (``model = "local"``: the bundled offline model)."""

    model_config = ConfigDict(extra="forbid")
    model: str
    base_url: str | None = Field(default=None, description="Default: the configured base_url")
    api_key_env: str | None = Field(
        default=None, description="Environment variable holding this endpoint's key (default: the configured key)"
    )
    timeout_s: float | None = Field(default=None, gt=0, description="Per-attempt timeout (default: request_timeout)")
    rpm: int | None = Field(default=None, gt=0, description="Requests per minute; calls wait their turn")
    tpm: int | None = Field(
        default=None, gt=0, description="Tokens per minute (prompt estimate + max output); calls wait their turn"
    )


class AgentRoute(BaseModel):
    """An agent's ordered chain of endpoints: the first answers, the next takes over when it cannot."""

    model_config = ConfigDict(extra="forbid")
    models: list[str] = Field(min_length=1)
    cascade: bool = Field(
        default=False,
        description="Cheapest first: a draft the grader fails, or invalid output, is redone by the next model",
    )
    cache: Literal["off", "thread", "shared"] = Field(
        default="off",
        description="Reuse answers to identical prompts: within a thread, or across threads (only for agents that "
        "never read customer data)",
    )


class GatewayConfig(BaseModel):
    """Everything the gateway does, in one place; all optional."""

    model_config = ConfigDict(extra="forbid")
    endpoints: dict[str, Endpoint] = Field(default_factory=dict)
    agents: dict[str, AgentRoute] = Field(default_factory=dict, description="Per agent name; 'default' for the rest")
    fallback_models: list[str] = Field(
        default_factory=list, description="Model names tried after the configured one (FRONTDESK_FALLBACK_MODELS)"
    )
    backoff_s: float = Field(
        default=0.25, ge=0, description="First retry wait; doubles, with jitter, up to max_backoff_s"
    )
    max_backoff_s: float = Field(default=4.0, ge=0)
    call_deadline_s: float = Field(
        default=45.0, gt=0, description="One model call, all attempts and fallbacks included (FRONTDESK_CALL_DEADLINE)"
    )
    turn_deadline_s: float = Field(
        default=120.0, gt=0, description="All model calls of one turn (FRONTDESK_TURN_DEADLINE)"
    )
    breaker_failures: int = Field(default=5, ge=1, description="Failures in a row that open an endpoint's breaker")
    breaker_cooldown_s: float = Field(
        default=30.0, gt=0, description="How long an open breaker skips its endpoint before one trial call"
    )
    fallback_reply: str = Field(
        default=DEFAULT_FALLBACK_REPLY,
        min_length=1,
        description="What the customer reads when no model can answer (FRONTDESK_FALLBACK_REPLY)",
    )
    conversation_tokens: int | None = Field(
        default=None, gt=0, description="Tokens one conversation may use; past it, a person takes over"
    )
    conversation_cost: float | None = Field(
        default=None, gt=0, description="Cost (USD, price table) one conversation may use"
    )
    daily_cost_warning: float | None = Field(
        default=None, gt=0, description="Deployment cost per UTC day that raises an alert event"
    )
    daily_cost_limit: float | None = Field(
        default=None, gt=0, description="Deployment cost per UTC day past which no model is called (fallback reply)"
    )

    @property
    def has_budgets(self) -> bool:
        """Whether any budget is set (only then is spending counted and checked)."""
        return bool(
            self.conversation_tokens or self.conversation_cost or self.daily_cost_limit or self.daily_cost_warning
        )

    def route_for(self, agent: str) -> AgentRoute | None:
        return self.agents.get(agent) or self.agents.get("default")


GATEWAY_ENV = {
    "call_deadline_s": "FRONTDESK_CALL_DEADLINE",
    "turn_deadline_s": "FRONTDESK_TURN_DEADLINE",
    "fallback_reply": "FRONTDESK_FALLBACK_REPLY",
    "conversation_tokens": "FRONTDESK_CONVERSATION_TOKENS",
    "daily_cost_limit": "FRONTDESK_DAILY_COST_LIMIT",
}
"""Gateway knobs an environment variable sets (``FRONTDESK_FALLBACK_MODELS`` is a comma-separated list)."""
