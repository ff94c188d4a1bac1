"""What a ``frontdesk serve`` process sets for itself, and never for an app that embeds frontdesk.

The garbage collector's thresholds are the process's, not an app's: ``create_app`` (which
an application may mount inside its own process) leaves them alone, and the server's entry
points — the single process and each ``--workers`` worker — set them here.
"""

from __future__ import annotations

import gc

from fastapi import FastAPI

from frontdesk.config.settings import Settings
from frontdesk.server.access_log import AccessLog, print_to_stderr
from frontdesk.server.app import create_app


def tune_garbage_collector(thresholds: tuple[int, int, int] | None) -> None:
    """Set the collector's thresholds (``None``: leave Python's own)."""
    if thresholds is not None:
        gc.set_threshold(*thresholds)


def create_served_app(settings: Settings | None = None) -> FastAPI:
    """The app of a server process: the process tuned from ``settings``, then ``create_app``.

    The factory each ``--workers`` worker builds its app with (settings from the environment).
    It also prints a line per request to stderr (``server.access_log``).
    """
    settings = settings or Settings.from_env()
    tune_garbage_collector(settings.gc_thresholds)
    print_to_stderr()
    app = create_app(settings)
    app.add_middleware(AccessLog)
    return app
