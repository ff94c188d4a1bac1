"""frontdesk.knowledge."""
