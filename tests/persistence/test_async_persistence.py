"""Async entry points use LangGraph's async savers: a thread written with ainvoke resumes (SQLite, Postgres)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage

from frontdesk import build_graph
from frontdesk.llm.scripted import Script, ScriptedModels, ScriptedStep
from frontdesk.persistence.checkpoint import DURABILITY, open_async_checkpointer
from tests.support_app import agents


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'async.sqlite'}"
    return request.getfixturevalue("postgres_url")


async def turn(url: str, script: Script, index: int, text: str) -> list[str]:
    script.turn = index
    async with open_async_checkpointer(url) as saver:
        graph = build_graph(model=ScriptedModels(script), checkpointer=saver, agents=agents(), grade_replies=False)
        result = await graph.ainvoke(
            {"messages": [HumanMessage(text)]}, {"configurable": {"thread_id": "async"}}, durability=DURABILITY
        )
    return [str(m.content) for m in result["messages"]]


def test_async_threads_persist_between_savers(db_url: str) -> None:
    script = Script(
        "async",
        [{"customer_service": [ScriptedStep(text="first")]}, {"customer_service": [ScriptedStep(text="second")]}],
    )
    assert asyncio.run(turn(db_url, script, 0, "one")) == ["one", "first"]
    assert asyncio.run(turn(db_url, script, 1, "two")) == ["one", "first", "two", "second"]


def test_concurrent_conversations_on_one_async_saver(tmp_path: Path) -> None:
    async def main() -> list[list[str]]:
        turns = [{"customer_service": [ScriptedStep(text=f"reply {n}")]} for n in range(1)]
        async with open_async_checkpointer(f"sqlite:///{tmp_path / 'many.sqlite'}") as saver:

            async def one(n: int) -> list[str]:
                graph = build_graph(
                    model=ScriptedModels(Script(f"c{n}", [dict(t) for t in turns])),
                    checkpointer=saver,
                    agents=agents(),
                    grade_replies=False,
                )
                result = await graph.ainvoke(
                    {"messages": [HumanMessage(f"hi {n}")]}, {"configurable": {"thread_id": f"c{n}"}}
                )
                return [str(m.content) for m in result["messages"]]

            return await asyncio.gather(*(one(n) for n in range(20)))

    results = asyncio.run(main())
    assert results == [[f"hi {n}", "reply 0"] for n in range(20)]
