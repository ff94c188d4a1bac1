"""The async path: under ``ainvoke`` the agent nodes (and the grader, in their step) await their model calls.

A conversation waiting on its model must hold no thread: a server handling many
conversations at once cannot have one thread per conversation. The model here lets no
call finish until every conversation's call has arrived, so the test passes only if all
of them wait at the same time, with the event loop's executor cut to two threads.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langgraph.checkpoint.memory import InMemorySaver

from frontdesk import Settings, build_graph

CONVERSATIONS = 24


class MeetingModel(BaseChatModel):
    """Answers only once ``CONVERSATIONS`` calls are waiting together (or fails after a while)."""

    arrived: Any = None
    everyone: Any = None
    waiting: int = 0
    most_waiting: int = 0

    @property
    def _llm_type(self) -> str:
        return "meeting"

    def _generate(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kwargs: Any
    ) -> ChatResult:
        raise AssertionError("the async path called the model synchronously")

    async def _agenerate(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kwargs: Any
    ) -> ChatResult:
        self.waiting += 1
        self.most_waiting = max(self.most_waiting, self.waiting)
        if self.waiting >= CONVERSATIONS:
            self.everyone.set()
        try:
            await asyncio.wait_for(self.everyone.wait(), timeout=20)
        finally:
            self.waiting -= 1
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content="Thanks for waiting."))])

    def bind_tools(self, tools: Any, **kwargs: Any) -> Any:
        return self


def test_conversations_wait_on_the_model_together_without_a_thread_each(tmp_path: Path) -> None:
    model = MeetingModel()
    graph = build_graph(Settings(data_dir=tmp_path), model=model, checkpointer=InMemorySaver(), grade_replies=False)

    async def converse(n: int) -> str:
        result = await graph.ainvoke(
            {"messages": [HumanMessage(f"hello {n}")]}, {"configurable": {"thread_id": f"t{n}"}}
        )
        return str(result["messages"][-1].content)

    async def main() -> list[str]:
        asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(max_workers=2))
        model.everyone = asyncio.Event()
        return await asyncio.gather(*(converse(n) for n in range(CONVERSATIONS)))

    replies = asyncio.run(main())
    assert replies == ["Thanks for waiting."] * CONVERSATIONS
    assert model.most_waiting == CONVERSATIONS, "every conversation's model call was waiting at once"


def test_the_same_graph_still_runs_synchronously(tmp_path: Path) -> None:
    """``invoke`` takes the nodes' synchronous form (a sync model call), on the same compiled graph."""

    class Plain(MeetingModel):
        def _generate(
            self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kwargs: Any
        ) -> ChatResult:
            return ChatResult(generations=[ChatGeneration(message=AIMessage(content="Sync answer."))])

    graph = build_graph(Settings(data_dir=tmp_path), model=Plain(), checkpointer=InMemorySaver(), grade_replies=False)
    result = graph.invoke({"messages": [HumanMessage("hi")]}, {"configurable": {"thread_id": "s"}})
    assert result["messages"][-1].content == "Sync answer."
