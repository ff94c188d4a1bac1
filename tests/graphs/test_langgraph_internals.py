"""The one LangGraph internal frontdesk uses (``graphs/nodes.py``) is pinned and still behaves.

``RunnableCallable`` is private to LangGraph: a new release may move or change it. This test
fails first — naming the version — when the pin moves, so whoever bumps LangGraph checks the
node wrapper again instead of learning from a broken ``astream``.
"""

from __future__ import annotations

import ast
import asyncio
import re
from importlib.metadata import version
from pathlib import Path
from typing import Any

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, StateGraph
from typing_extensions import TypedDict

from frontdesk.graphs.nodes import SyncAndAsync, graph_node
from frontdesk.runtime import RunContext

REPO = Path(__file__).resolve().parents[2]
CHECKED_WITH = "1.2.22"


class State(TypedDict):
    path: str


def test_the_installed_langgraph_is_the_one_the_node_wrapper_was_checked_with() -> None:
    pinned = re.search(r'"langgraph==([^"]+)"', (REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert pinned is not None and pinned.group(1) == CHECKED_WITH, (
        "LangGraph's pin moved: check graphs/nodes.py against it, then update CHECKED_WITH"
    )
    assert version("langgraph") == CHECKED_WITH


def test_a_two_form_node_runs_its_sync_body_on_invoke_and_awaits_its_async_body_on_ainvoke() -> None:
    def sync(state: Any, config: Any, context: RunContext) -> dict[str, str]:
        return {"path": "sync"}

    async def asynchronous(state: Any, config: Any, context: RunContext) -> dict[str, str]:
        await asyncio.sleep(0)
        return {"path": "async"}

    builder = StateGraph(State, context_schema=RunContext)
    builder.add_node("step", graph_node(RunContext(), "step", SyncAndAsync(sync, asynchronous)))
    builder.add_edge(START, "step")
    builder.add_edge("step", END)
    graph = builder.compile(checkpointer=InMemorySaver())
    assert graph.invoke({"path": ""}, {"configurable": {"thread_id": "a"}})["path"] == "sync"
    assert asyncio.run(graph.ainvoke({"path": ""}, {"configurable": {"thread_id": "b"}}))["path"] == "async"


def test_no_other_module_imports_a_langgraph_internal() -> None:
    importing = []
    for path in (REPO / "src" / "frontdesk").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module
                and node.module.startswith("langgraph")
                and "._" in f".{node.module}"
            ):
                importing.append(path.relative_to(REPO).as_posix())
    assert importing == ["src/frontdesk/graphs/nodes.py"]
