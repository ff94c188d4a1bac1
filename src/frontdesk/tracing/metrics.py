"""GenAI client metrics: token usage and operation duration histograms."""

from __future__ import annotations

from typing import Any

from opentelemetry.metrics import Meter
from opentelemetry.semconv._incubating.attributes import gen_ai_attributes as gen_ai
from opentelemetry.semconv._incubating.metrics import gen_ai_metrics


class GenAIMetrics:
    """The two histograms the GenAI conventions define for clients."""

    def __init__(self, meter: Meter) -> None:
        self.token_usage = gen_ai_metrics.create_gen_ai_client_token_usage(meter)
        self.duration = gen_ai_metrics.create_gen_ai_client_operation_duration(meter)

    def record_call(
        self, attributes: dict[str, Any], seconds: float, input_tokens: int | None, output_tokens: int | None
    ) -> None:
        self.duration.record(seconds, attributes)
        if input_tokens is not None:
            self.token_usage.record(input_tokens, {**attributes, gen_ai.GEN_AI_TOKEN_TYPE: "input"})
        if output_tokens is not None:
            self.token_usage.record(output_tokens, {**attributes, gen_ai.GEN_AI_TOKEN_TYPE: "output"})
