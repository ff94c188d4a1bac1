"""Helpers shared by the CLI commands: the console and the one-line error exit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, NoReturn

import typer
from rich.markup import escape

from frontdesk.terminal import console, err_console, fitting_table

__all__ = ["console", "database_errors", "err_console", "fail", "fail_each", "fitting_table"]


def fail(message: str, code: int = 2) -> NoReturn:
    """Print one clear error line and exit with ``code``.

    The message is printed as text, not markup: ``pip install 'frontdesk[postgres]'`` keeps
    its brackets, and text that came from a user or a server cannot restyle the terminal.
    """
    err_console.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
    raise typer.Exit(code)


def fail_each(problems: list[str], code: int = 2) -> NoReturn:
    """One error line per problem (every bad field of every bad file), then exit with ``code``."""
    for problem in problems:
        err_console.print(f"[bold red]error:[/] {escape(problem)}", soft_wrap=True)
    raise typer.Exit(code)


@contextmanager
def database_errors(url: str) -> Iterator[None]:
    """Turn an unusable or unreachable database into one line naming the URL (password masked)."""
    from sqlalchemy.exc import OperationalError as SQLAlchemyOperationalError

    from frontdesk.persistence.urls import BadDatabaseURL, mask_password

    try:
        yield
    except BadDatabaseURL as exc:
        fail(str(exc))
    except (SQLAlchemyOperationalError, OSError) as exc:
        fail(f"cannot open {mask_password(url)}: {str(exc).splitlines()[0]}")
    except Exception as exc:
        if type(exc).__module__.startswith("psycopg") and "Operational" in type(exc).__name__:
            fail(f"cannot open {mask_password(url)}: {str(exc).splitlines()[0]}")
        raise


DemoOption = Annotated[
    bool,
    typer.Option(
        "--demo",
        help="Use the domain's demo data: demo customers in an empty DB, the shipped knowledge-base pages "
        "(FRONTDESK_DEMO=1)",
    ),
]
DomainOption = Annotated[
    str | None, typer.Option("--domain", help="The business domain (FRONTDESK_DOMAIN; default retail)")
]
