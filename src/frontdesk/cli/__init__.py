"""The ``frontdesk`` command line."""

from frontdesk.cli.app import app, main

__all__ = ["app", "main"]
