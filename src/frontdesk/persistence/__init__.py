"""frontdesk.persistence."""
