"""What graph nodes need at run time besides state: DB engine, knowledge base, tracer.

Nodes receive this through a closure when the graph is built, so an app that embeds
frontdesk hands in its own engine or tracer without globals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from opentelemetry import trace
from opentelemetry.trace import Tracer


def _noop_tracer() -> Tracer:
    return trace.NoOpTracerProvider().get_tracer("frontdesk")


@dataclass
class Services:
    """Shared run-time dependencies of the support graph's nodes and tools."""

    engine: Any = None
    knowledge: Any = None
    store: Any = None
    tracer: Tracer = field(default_factory=_noop_tracer)
    capture_content: bool = False
    metrics: Any = None
    prices: Any = None
