import sys

"""The ``frontdesk`` command line (``frontdesk.cli.app``)."""


def main() -> None:
    """Console-script entry point."""

    from frontdesk.cli.app import app
    from frontdesk.settings import ConfigError

    try:
        app()
    except ConfigError as exc:
        from frontdesk.cli.common import err_console

        err_console.print(f"[bold red]error:[/] {exc}", soft_wrap=True)
        sys.exit(2)
