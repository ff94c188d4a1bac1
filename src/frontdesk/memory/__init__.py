"""frontdesk.memory."""
