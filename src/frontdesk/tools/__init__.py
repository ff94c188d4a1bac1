"""frontdesk.tools."""
