"""What model calls cost: a price table per model, overridable by the user.

Prices are USD per million tokens (input, output). Set ``FRONTDESK_PRICES`` to a JSON file
``{"model-name": [input, output], ...}`` to add or replace entries; unknown models cost 0
and are reported as unpriced rather than guessed.
"""

from __future__ import annotations

import json
from pathlib import Path

from frontdesk.config import environment

DEFAULT_PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o": (2.50, 10.00),
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "scripted": (0.0, 0.0),
}


class PriceTable:
    """Looks up a model's price (exact name, then the longest known prefix)."""

    def __init__(self, prices: dict[str, tuple[float, float]] | None = None) -> None:
        self.prices = dict(DEFAULT_PRICES if prices is None else prices)

    @classmethod
    def from_env(cls) -> PriceTable:
        table = cls()
        path = environment.read("FRONTDESK_PRICES")
        if path:
            overrides = json.loads(Path(path).read_text(encoding="utf-8"))
            table.prices.update({name: (float(p[0]), float(p[1])) for name, p in overrides.items()})
        return table

    def price(self, model: str) -> tuple[float, float] | None:
        if model in self.prices:
            return self.prices[model]
        matches = [name for name in self.prices if model.startswith(name)]
        return self.prices[max(matches, key=len)] if matches else None

    def cost(self, model: str, input_tokens: int, output_tokens: int) -> float | None:
        """USD cost of one call, or None when the model has no price."""
        price = self.price(model)
        if price is None:
            return None
        return (input_tokens * price[0] + output_tokens * price[1]) / 1_000_000
