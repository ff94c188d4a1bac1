"""The ``frontdesk`` command line (``frontdesk.cli.app``)."""


def main() -> None:
    """Console-script entry point."""
    from frontdesk.cli.app import app

    app()
