"""Internal: the support graph's state, nodes and wiring. Apps build it with ``frontdesk.build_graph`` or
``frontdesk.open_app`` and talk to it through ``frontdesk.Conversation``; its turn events are exported
from ``frontdesk``.
"""
