"""Long-term customer memory: written in one thread, known in the next (SQLite and Postgres)."""

from __future__ import annotations

from pathlib import Path

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from frontdesk import build_graph
from frontdesk.config.settings import Settings
from frontdesk.llm.factory import openai_compatible_model
from frontdesk.llm.openai_test_server import OpenAITestServer
from frontdesk.memory.customer_memory import recall
from frontdesk.persistence.store import open_store
from frontdesk.persistence.urls import BadDatabaseURL
from tests.support_app import agents

LOGIN = {"tool_calls": [{"name": "login", "args": {"email": "ava@example.com"}}]}


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'frontdesk.sqlite'}"
    return request.getfixturevalue("postgres_url")


def run(server_script: list, store_url: str, thread: str, text: str) -> OpenAITestServer:
    with OpenAITestServer(server_script) as server, open_store(store_url) as store:
        settings = Settings(model="m", base_url=server.base_url, api_key="k", max_retries=0)
        graph = build_graph(
            model=openai_compatible_model(settings),
            checkpointer=InMemorySaver(),
            store=store,
            agents=agents(),
            grade_replies=False,
        )
        graph.invoke({"messages": [("user", text)]}, {"configurable": {"thread_id": thread}})
    return server


def test_a_fact_learned_in_one_thread_is_known_in_the_next(store_url: str) -> None:
    remember = {
        "tool_calls": [
            {"name": "remember_customer_fact", "args": {"kind": "preferred_contact", "value": "email, never phone"}}
        ]
    }
    run(
        [LOGIN, remember, "Noted: we'll only email you."],
        store_url,
        "first",
        "I'm ava@example.com, please only email me",
    )
    second = run([LOGIN, "Welcome back."], store_url, "second", "Hi again, ava@example.com")
    before_login = second.requests[0]["messages"][-1]["content"]
    after_login = second.requests[1]["messages"][-1]["content"]
    assert second.requests[0]["messages"][0] == second.requests[1]["messages"][0], (
        "the instructions stay the same, cacheable prefix"
    )
    assert "email, never phone" not in before_login
    assert "preferred_contact: email, never phone" in after_login
    with open_store(store_url) as store:
        assert [e.value for e in recall(store, "ava", query="email")] == ["email, never phone"]
        assert recall(store, "ava", query="phone call") == []
        assert recall(store, "ben") == []


def test_memory_is_refused_before_authentication(tmp_path: Path) -> None:
    remember = {"tool_calls": [{"name": "remember_customer_fact", "args": {"kind": "note", "value": "x"}}]}
    server = run([remember, "ok"], f"sqlite:///{tmp_path / 'db.sqlite'}", "t", "remember me")
    tool_reply = next(m for m in server.requests[1]["messages"] if m["role"] == "tool")
    assert "not authenticated" in tool_reply["content"]


@pytest.mark.parametrize(
    ("url", "shown"),
    [("mysql://root:hunter2@db/x", "mysql://root:***@db/x"), ("sqlite", "sqlite")],
)
def test_unknown_database_urls_give_one_clear_line_without_the_password(url: str, shown: str) -> None:
    with pytest.raises(BadDatabaseURL) as caught, open_store(url):
        pass
    message = str(caught.value)
    assert message.startswith(f"Cannot use database URL {shown}:")
    assert "hunter2" not in message and "\n" not in message


def test_a_store_that_fails_leaves_the_reply_without_memory_not_without_an_answer(tmp_path: Path) -> None:
    """Memory is context for a better reply, never a condition for one: a dropped store
    connection costs the turn its memory, and the customer still gets the answer."""
    with (
        OpenAITestServer([LOGIN, "Welcome back."]) as server,
        open_store(f"sqlite:///{tmp_path / 'frontdesk.sqlite'}") as store,
    ):
        settings = Settings(model="m", base_url=server.base_url, api_key="k", max_retries=0)
        graph = build_graph(
            model=openai_compatible_model(settings),
            checkpointer=InMemorySaver(),
            store=store,
            agents=agents(),
            grade_replies=False,
        )
        store.conn.close()  # the store's connection dropped
        result = graph.invoke(
            {"messages": [("user", "Hi again, ava@example.com")]}, {"configurable": {"thread_id": "t"}}
        )
    assert result["messages"][-1].content == "Welcome back."
    assert "What we remember" not in server.requests[1]["messages"][-1]["content"]
