"""langgraph.json points LangGraph's server at a factory that builds the support graph."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from langchain_core.messages import HumanMessage
from langgraph.checkpoint.memory import InMemorySaver

from frontdesk.llm.openai_test_server import OpenAITestServer

REPO = Path(__file__).resolve().parents[2]


def test_the_declared_graph_factory_builds_a_working_graph(tmp_path: Path, monkeypatch) -> None:
    spec = json.loads((REPO / "langgraph.json").read_text())
    path, attribute = spec["graphs"]["support"].split(":")
    module_spec = importlib.util.spec_from_file_location("frontdesk_langgraph_entry", REPO / path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    with OpenAITestServer(["Hello! How can I help?", {"verdict": "pass"}]) as server:
        for name, value in {
            "FRONTDESK_DEMO": "1",
            "FRONTDESK_DATA_DIR": str(tmp_path),
            "FRONTDESK_MODEL": "m",
            "OPENAI_BASE_URL": server.base_url,
            "OPENAI_API_KEY": "k",
        }.items():
            monkeypatch.setenv(name, value)
        graph = getattr(module, attribute)({})
        graph.checkpointer = InMemorySaver()
        result = graph.invoke({"messages": [HumanMessage("hi")]}, {"configurable": {"thread_id": "lg"}})
    assert result["messages"][-1].content == "Hello! How can I help?"
    assert set(graph.get_graph().nodes) >= {"customer_service", "summarize", "researcher", "tools", "human_handoff"}
