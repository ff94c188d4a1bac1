"""What a customer's message must be before anything stores it, and what a terminal may print.

Every entry point (the HTTP server, chat) passes customer text through
:func:`clean_message`: one rule for empty, oversized and malformed input, each refused in
one line that names the problem. Text shown to an operator passes :func:`printable`, so
escape sequences a customer typed cannot rewrite the operator's terminal.
"""

from __future__ import annotations

import re
import unicodedata

from frontdesk.errors import FrontdeskError

MAX_MESSAGE_CHARS = 8000
"""The default longest customer message (``Settings.max_message_chars``)."""

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]")


class BadMessage(FrontdeskError, ValueError):
    """A customer message that cannot be taken; the text says why in one line."""


def clean_message(text: str, max_chars: int = MAX_MESSAGE_CHARS) -> str:
    """The message as it will be stored: control characters removed, surrounding space trimmed.

    Refused (:class:`BadMessage`): text that is not valid Unicode (lone surrogates, which
    come from undecodable bytes), text that is empty once trimmed, text over ``max_chars``.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise BadMessage("the message is not valid text (it contains bytes that are not UTF-8)") from None
    cleaned = _CONTROL.sub("", text).strip()
    if not cleaned:
        raise BadMessage("the message is empty")
    if len(cleaned) > max_chars:
        raise BadMessage(f"the message is too long ({len(cleaned)} characters; at most {max_chars})")
    return cleaned


SHOWN_AS_CODES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
"""Unicode categories a terminal must not interpret: controls, format characters (bidirectional
overrides such as U+202E, zero-width characters), lone surrogates, line and paragraph separators."""


def printable(text: str) -> str:
    """Text safe for a terminal: control and format characters shown as ``\\x1b``/``\\u202e``-style codes.

    Newlines and tabs stay; the rest of those categories is made visible instead of being
    interpreted (colour changes, cursor moves, window titles, hyperlinks, and bidirectional
    overrides that make "refund of 0001" display as 1000).
    """
    return "".join(
        ch if ch in "\n\t" or unicodedata.category(ch) not in SHOWN_AS_CODES else _code(ord(ch)) for ch in text
    )


def _code(point: int) -> str:
    return f"\\x{point:02x}" if point < 0x100 else f"\\u{point:04x}" if point < 0x10000 else f"\\U{point:08x}"
