"""Internal: the model gateway every agent's model calls go through (retries, fallbacks, breakers, limits,
budgets, cascades, cache). Apps configure it with ``Settings.gateway`` ([gateway] in the config file)
and meet its one error, ``frontdesk.ModelUnavailable``.
"""
