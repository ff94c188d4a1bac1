"""Internal: where threads, the store and data files live (LangGraph savers and stores, thread locks,
database URLs). Apps open them with ``frontdesk.open_checkpointer`` and ``frontdesk.open_store``.
"""
