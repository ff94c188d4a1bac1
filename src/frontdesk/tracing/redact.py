"""Redaction of personal data in span content: emails, card numbers, phone numbers.

Content (messages, tool arguments and results) goes on spans only when content capture
is on; even then a deployment can keep identifiers out of its trace store with
``FRONTDESK_TRACE_REDACT`` (on by default). Redaction keeps the shape of the text, so a
trace still reads naturally: ``[email]``, ``[card]``, ``[phone]``.
"""

from __future__ import annotations

import re

_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
"""The lookbehind lets a match start only where a run of address characters starts: without it
every position of a long letter run started a scan to the run's end (quadratic: 256 KB hung a turn)."""
_CARD = re.compile(r"\b(?:\d[ -]?){12,18}\d\b")
_PHONE = re.compile(r"(?<![\w#])(?:\+\d[\d ().-]{7,}\d|\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4})(?!\w)")
"""International numbers (``+1 415 555 0100``) and separated national ones (``(415) 555-0100``);
bare digit runs are ids (orders, items), not phones."""


def redact(text: str) -> str:
    """``text`` with emails, card numbers and phone numbers replaced by a placeholder."""
    text = _EMAIL.sub("[email]", text)
    text = _CARD.sub("[card]", text)
    return _PHONE.sub("[phone]", text)
