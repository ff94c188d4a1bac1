"""A real ``frontdesk serve --demo`` with the scripted OpenAI-compatible model, and Debian's
chromium driven by Playwright (its own browser download is not used)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from frontdesk.llm.openai_test_server import OpenAITestServer
from tests.net import frontdesk_serve

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
OPERATOR_KEY = "console-key-123"
IDENTITY_SECRET = "host-site-secret"

CANCEL = [  # ava: cancel #D1001 (129.00: above the approval limit)
    {
        "tool_calls": [
            {"name": "find_user_id_by_email", "args": {"email": "ava.chen@example.com"}},
            {"name": "get_order_details", "args": {"order_id": "#D1001"}},
        ]
    },
    "Order #D1001 is still pending, so it can be cancelled with a full refund of 129.00. Shall I go ahead?",
    {"verdict": "pass"},
    {"tool_calls": [{"name": "cancel_pending_order", "args": {"order_id": "#D1001", "reason": "no longer needed"}}]},
    "Done: order #D1001 is cancelled and 129.00 is on its way back to your card.",
    {"verdict": "pass"},
]
HANDOFF = [  # ben asks for a person, with markup in his words
    {
        "tool_calls": [
            {"name": "transfer_to_human_agents", "args": {"summary": "Ben wants a person <img src=x onerror=alert(1)>"}}
        ]
    },
]


@dataclass
class Served:
    base: str
    model: OpenAITestServer
    data_dir: Path


@contextmanager
def serving(data_dir: Path, responses: list[Any]) -> Iterator[Served]:
    """``frontdesk serve --demo`` on a free port, its model saying ``responses`` in order."""
    with OpenAITestServer(responses) as model:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "FRONTDESK_", "OTEL_"))}
        env.update(
            FRONTDESK_DATA_DIR=str(data_dir),
            FRONTDESK_MODEL="m",
            OPENAI_BASE_URL=model.base_url,
            OPENAI_API_KEY="k",
            FRONTDESK_API_KEY=OPERATOR_KEY,
            FRONTDESK_IDENTITY_SECRET=IDENTITY_SECRET,
            FRONTDESK_MAX_RETRIES="0",
        )
        with frontdesk_serve(env) as server:
            yield Served(server.base, model, data_dir)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.skip("the browser tests need Debian's chromium package (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            yield launched
        finally:
            launched.close()
