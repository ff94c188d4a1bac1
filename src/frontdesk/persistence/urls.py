"""Database URLs: parsing, and error messages that never show a password."""

from __future__ import annotations

import re
from pathlib import Path

from frontdesk.errors import FrontdeskError

SECRET_PARAMETERS = ("password", "passwd", "pwd", "sslpassword", "secret", "token", "api_key", "apikey", "key")


def mask_password(url: str) -> str:
    """Every secret in a database URL masked: ``user:secret@``, ``?password=``, ``&sslpassword=``...

    ``postgresql://user:secret@host/db?password=x`` → ``postgresql://user:***@host/db?password=***``.
    """
    masked = re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)
    names = "|".join(SECRET_PARAMETERS)
    return re.sub(rf"([?&;](?:{names})=)[^&;#]*", r"\1***", masked, flags=re.IGNORECASE)


class BadDatabaseURL(FrontdeskError, ValueError):
    """A database URL frontdesk cannot use; the message names it with the password masked."""

    def __init__(self, url: str, why: str) -> None:
        super().__init__(f"Cannot use database URL {mask_password(url)}: {why}")


def sqlite_path(url: str) -> str:
    """The file of a SQLite URL, as SQLAlchemy reads it: ``sqlite:///rel.db``, ``sqlite:////abs/x.db``."""
    if not url.startswith("sqlite://"):
        raise BadDatabaseURL(url, "not a sqlite:// URL")
    path = url.removeprefix("sqlite://").removeprefix("/")
    return path or ":memory:"


def domain_url(database_url: str) -> str:
    """The SQLAlchemy URL of the domain DB for a frontdesk database URL."""
    if database_url.startswith("memory://"):
        return "sqlite://"
    if database_url.startswith("postgres://"):
        return "postgresql+psycopg://" + database_url.removeprefix("postgres://")
    if database_url.startswith("postgresql://"):
        return "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    return database_url


def backend(url: str) -> str:
    """Which kind of database ``url`` names: ``memory``, ``sqlite`` or ``postgres``.

    A Postgres URL without the ``postgres`` extra installed, or any other scheme, is one
    clear error naming the URL.
    """
    if url.startswith("memory://"):
        return "memory"
    if url.startswith("sqlite://"):
        return "sqlite"
    if url.startswith(("postgresql://", "postgres://")):
        try:
            import psycopg  # noqa: PLC0415, F401 — optional (extra postgres)
        except ImportError as exc:
            raise BadDatabaseURL(url, "Postgres support needs the extra: pip install 'frontdesk[postgres]'") from exc
        return "postgres"
    raise BadDatabaseURL(url, "expected sqlite:///path, postgresql://... or memory://")


def sqlite_file(url: str) -> str:
    """The SQLite file of ``url``, with its folder created."""

    path = sqlite_path(url)
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    return path
