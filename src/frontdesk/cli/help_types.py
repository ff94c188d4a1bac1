"""How ``--help`` names what an option takes: ``PATH``, ``TEXT``, ``INTEGER``, ``retail|airline``.

The pinned typer shows Python's own type names (``<str>``, ``<list[Path]>``, and ``<bool>``
beside every flag, ``--help`` included), which read as internals to someone who never
wrote Python. Flags take no value, so they show none; values show the words click's own
help uses. One override of typer's rendering, applied when the CLI is built (a test reads
the help to hold it).
"""

from __future__ import annotations

import re
from typing import Any

from typer import core

WORDS = {
    "str": "TEXT",
    "int": "INTEGER",
    "int range": "INTEGER",
    "float": "NUMBER",
    "path": "PATH",
    "datetime": "DATETIME",
    "uuid": "UUID",
}


def readable(label: str) -> str:
    """``<list[Path]>`` as ``PATH...``, ``<str>`` as ``TEXT``; choices (``a|b``) stay as they are."""
    inner = label.strip("<>")
    many = re.fullmatch(r"list\[(.+)\]", inner)
    if many:
        return f"{readable(many.group(1))}..."
    if "|" in inner:
        return inner
    return WORDS.get(inner.lower(), inner.upper())


def _option_type(self: core.TyperOption, ctx: Any) -> str | None:
    if self.is_flag:
        return None
    if self.metavar is not None:
        return self.metavar
    return readable(self.display_type(ctx)) + ("..." if self.nargs != 1 else "")


def _argument_type(self: core.TyperArgument, ctx: Any) -> str | None:
    return readable(self.display_type(ctx))


def install() -> None:
    """Use the readable names in every command's help."""
    core.TyperOption.display_type_rich = _option_type  # type: ignore[method-assign]
    core.TyperArgument.display_type_rich = _argument_type  # type: ignore[method-assign, assignment]
