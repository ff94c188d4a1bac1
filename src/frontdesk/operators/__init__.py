"""frontdesk.operators."""
