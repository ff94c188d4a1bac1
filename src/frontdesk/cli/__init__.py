"""Internal: the ``frontdesk`` command line (``frontdesk.cli.app``).

Whatever goes wrong, a user sees one line on stderr, never a traceback: known failures
say what to do; anything unexpected is logged in full to ``<data dir>/logs/cli.log`` and
named in one line.
"""

from __future__ import annotations

import logging
import sys
import traceback

from rich.markup import escape

from frontdesk.errors import FrontdeskError
from frontdesk.terminal import err_console


def main() -> None:
    """Console-script entry point."""
    from frontdesk.cli.app import app

    try:
        app()  # usage errors, --help and typer.Exit end here with their own message and code
    except KeyboardInterrupt:
        sys.exit(130)
    except FrontdeskError as exc:  # raised on purpose: its message is written for the user
        _fail(str(exc))
    except Exception as exc:  # the last net: one line for the user, the traceback in the log
        from frontdesk.persistence.urls import mask_password

        first_line = str(exc).splitlines()[0] if str(exc) else ""
        _fail(f"unexpected {type(exc).__name__}: {mask_password(first_line)} (details in {_log(exc)})")


def _fail(message: str) -> None:
    err_console.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True, highlight=False)
    sys.exit(2)


def _log(exc: BaseException) -> str:
    from frontdesk.config.settings import default_data_dir

    path = default_data_dir() / "logs" / "cli.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as log:
            log.write("".join(traceback.format_exception(exc)))
    except OSError:
        logging.getLogger("frontdesk.cli").exception("could not write %s", path)
        return "the logs"
    return str(path)
