"""Hostile and broken input: one clear refusal, nothing stored, nothing echoed, no 500."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontdesk.inputs import BadMessage, clean_message, printable
from frontdesk.llm.openai_test_server import OpenAITestServer
from tests.server.test_server import running_server


def test_messages_are_cleaned_or_refused_in_one_line() -> None:
    assert clean_message("  where is\x00 my order?\x07 ") == "where is my order?"
    assert clean_message("line one\nline two\ttab") == "line one\nline two\ttab"
    for bad, why in (
        ("   \n\t ", "empty"),
        ("\x00\x01", "empty"),
        ("x" * 9000, "too long"),
        ("bad \udc80 byte", "not valid text"),
    ):
        with pytest.raises(BadMessage, match=why):
            clean_message(bad)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_whatever_is_typed_a_message_is_clean_or_refused(text: str) -> None:
    try:
        cleaned = clean_message(text, max_chars=150)
    except BadMessage:
        return
    assert cleaned and cleaned == cleaned.strip() and len(cleaned) <= 150
    assert not any(ord(ch) < 32 and ch not in "\n\t" for ch in cleaned)
    cleaned.encode("utf-8")


def test_terminal_escape_sequences_are_shown_not_obeyed() -> None:
    hostile = "hi \x1b]0;pwned\x07\x1b[2J\x1b[31mred"
    shown = printable(hostile)
    assert "\x1b" not in shown and "\x07" not in shown and "\\x1b[2J" in shown


def test_the_http_api_refuses_bad_input_without_echo_or_500(tmp_path: Path) -> None:
    with OpenAITestServer([]) as model, running_server(tmp_path, model) as base:
        created = httpx.post(f"{base}/threads").json()
        url = f"{base}/threads/{created['thread_id']}/messages"
        headers = {"X-Customer-Token": created["customer_token"], "content-type": "application/json"}
        huge = httpx.post(url, content='{"text": "' + "A" * 5_000_000 + '"}', headers=headers, timeout=60)
        assert huge.status_code == 413 and len(huge.content) < 500

        def chunks() -> Iterator[bytes]:  # no Content-Length: sent chunked
            yield b'{"text": "'
            for _ in range(50):
                yield b"C" * 100_000
            yield b'"}'

        chunked = httpx.post(url, content=chunks(), headers=headers, timeout=60)
        assert chunked.status_code == 413 and len(chunked.content) < 500
        long_text = httpx.post(url, json={"text": "B" * 9000}, headers=headers)
        assert long_text.status_code == 422 and "too long" in long_text.text and "BBBB" not in long_text.text
        blank = httpx.post(url, json={"text": "  \n "}, headers=headers)
        assert blank.status_code == 422 and "empty" in blank.text
        surrogate = httpx.post(url, content='{"text": "bad \\ud800 text"}', headers=headers)
        assert surrogate.status_code == 422 and "not valid text" in surrogate.text
        wrong_type = httpx.post(url, json={"text": ["x" * 1000]}, headers=headers)
        assert wrong_type.status_code == 422 and "xxxx" not in wrong_type.text
        for header in ({"X-Customer-Token": "tökén"}, {"X-Customer-Token": "x" * 64}):
            refused = httpx.get(
                f"{base}/threads/{created['thread_id']}", headers={k: v.encode("utf-8") for k, v in header.items()}
            )  # type: ignore[misc]
            assert refused.status_code == 403
        operator = httpx.get(f"{base}/inbox", headers={"X-API-Key": "clé".encode()})
        assert operator.status_code == 403
        state = httpx.get(
            f"{base}/threads/{created['thread_id']}", headers={"X-Customer-Token": created["customer_token"]}
        ).json()
    assert state["messages"] == [], "nothing refused was stored"
