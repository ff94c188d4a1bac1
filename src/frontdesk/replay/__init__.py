"""frontdesk.replay."""
