"""Internal: long-term memory of a customer (facts kept across threads in the LangGraph store)."""
