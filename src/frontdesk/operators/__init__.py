"""Internal: what waits for a person (approval policy and gates). Apps answer a waiting thread with
``frontdesk.Conversation.resolve`` or list waiting threads with ``frontdesk.Inbox``.
"""
