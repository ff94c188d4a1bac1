"""A kept-alive model connection never outlives its event loop.

Model endpoints keep connections alive. With the default client, a caller running each turn
in its own ``asyncio.run`` got the previous loop's idle connection and a connection error
before anything was sent (the gateway then spent an attempt on it, or handed the customer
to a person).
"""

from __future__ import annotations

import asyncio

from frontdesk.config.settings import Settings
from frontdesk.llm.factory import openai_compatible_model
from frontdesk.llm.openai_test_server import OpenAITestServer


def test_each_asyncio_run_gets_a_working_connection() -> None:
    with OpenAITestServer(["one", "two", "three"]) as server:
        model = openai_compatible_model(Settings(model="m", base_url=server.base_url, api_key="k"))
        replies = [asyncio.run(model.ainvoke("hi")).content for _ in range(3)]
    assert replies == ["one", "two", "three"]
