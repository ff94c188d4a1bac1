"""The model gateway: every agent's model calls go through it (retries, fallbacks, breakers, limits, budgets, cascades, cache)."""
