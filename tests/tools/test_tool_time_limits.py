"""A hung lookup cannot hold a customer's turn; a slow write is never walked away from."""

from __future__ import annotations

import contextvars
import multiprocessing
import threading
import time
from pathlib import Path

from langchain_core.messages import HumanMessage
from langgraph.checkpoint.memory import InMemorySaver
from sqlmodel import Field, Session, SQLModel, create_engine, select

from frontdesk import Script, ScriptedModels, ScriptedStep, Settings, ToolContext, ToolKind, build_graph, tool
from frontdesk.domains.database import ensure_frontdesk_tables
from frontdesk.tools.execution import ToolCallRequest, ToolPipeline

released = threading.Event()
request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="none")


@tool(kind=ToolKind.READ)
def stock_level(sku: str) -> str:
    """Ask the warehouse service (which hangs)."""
    released.wait(20)
    return "12 in stock"


@tool(kind=ToolKind.READ, time_limit=5.0)
def slow_but_patient(sku: str) -> str:
    """A lookup given more time than the pipeline's default."""
    time.sleep(0.4)
    return f"ok for request {request_id.get()}"


@tool(kind=ToolKind.READ, requires_auth=False)
def sleepy_lookup(ctx: ToolContext, sku: str) -> str:
    """A lookup that answers after the limit, then finds its context as it left it."""
    time.sleep(0.3)
    return f"late answer, session {'open' if ctx.session is not None else 'none'}"


class Payment(SQLModel, table=True):
    __tablename__ = "test_time_limit_payment"
    id: int | None = Field(default=None, primary_key=True)
    amount: int


@tool(kind=ToolKind.WRITE, confirm=False)
def take_payment(ctx: ToolContext, amount: int) -> str:
    """A payment provider that answers slowly."""
    time.sleep(0.5)
    ctx.db.add(Payment(amount=amount))
    return f"charged {amount}"


def test_a_hung_read_gives_the_model_an_error_in_time_and_the_turn_goes_on() -> None:
    script = Script(
        "hung",
        [
            {
                "customer_service": [
                    ScriptedStep.model_validate({"tool_calls": [{"name": "stock_level", "args": {"sku": "A1"}}]}),
                    ScriptedStep(text="Sorry, stock is unavailable."),
                ]
            }
        ],
    )
    graph = build_graph(
        Settings(grade_replies=False, tool_time_limit=0.3),
        model=ScriptedModels(script),
        checkpointer=InMemorySaver(),
        tools=[stock_level],
    )
    started = time.monotonic()
    result = graph.invoke({"messages": [HumanMessage("is A1 in stock?")]}, {"configurable": {"thread_id": "hung"}})
    elapsed = time.monotonic() - started
    released.set()
    answer = next(m for m in result["messages"] if m.type == "tool")
    assert answer.status == "error" and "stock_level did not answer within 0.3 s" in answer.content
    assert result["messages"][-1].content == "Sorry, stock is unavailable." and elapsed < 5


def test_a_tool_keeps_the_callers_context_and_its_own_longer_limit() -> None:
    pipeline = ToolPipeline([slow_but_patient], time_limit=0.1)
    token = request_id.set("req-42")
    try:
        outcome = pipeline.run(ToolCallRequest(id="c1", name="slow_but_patient", args={"sku": "A1"}), ToolContext())
    finally:
        request_id.reset(token)
    assert outcome.ok and outcome.content == "ok for request req-42"


def test_a_slow_write_is_never_abandoned_and_commits_once(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'pay.db'}")
    SQLModel.metadata.create_all(engine, tables=[Payment.__table__])  # type: ignore[list-item]
    ensure_frontdesk_tables(engine)
    pipeline = ToolPipeline([take_payment, sleepy_lookup], time_limit=0.05)
    ctx = ToolContext(thread_id="pay", engine=engine)
    batch = pipeline.run_all(
        [
            ToolCallRequest(id="r1", name="sleepy_lookup", args={"sku": "A1"}),
            ToolCallRequest(id="w1", name="take_payment", args={"amount": 30}),
        ],
        ctx,
    )
    assert "sleepy_lookup did not answer within 0.05 s" in batch.results[0].outcome.content
    assert batch.results[1].outcome.content == "charged 30"
    time.sleep(0.5)  # the abandoned read finishes late: it had its own copy of the context
    assert ctx.session is None
    again = pipeline.run(
        ToolCallRequest(id="w1", name="take_payment", args={"amount": 30}), ToolContext(thread_id="pay", engine=engine)
    )
    assert again.content == "charged 30"
    with Session(engine) as session:
        assert [p.amount for p in session.exec(select(Payment)).all()] == [30]


@tool(kind=ToolKind.READ, requires_auth=False)
def quick_lookup(sku: str) -> str:
    """A lookup that answers at once, noting which thread ran it."""
    ran_on.append(threading.current_thread())  # kept alive, so two threads never compare equal
    return "ok"


ran_on: list[threading.Thread] = []


def test_a_hung_call_keeps_its_worker_and_later_calls_reuse_idle_ones() -> None:
    """Workers are kept between calls, but one stuck in a hung tool is never handed the next call."""
    released.clear()
    pipeline = ToolPipeline([stock_level, quick_lookup], time_limit=0.2)
    try:
        hung = pipeline.run(ToolCallRequest(id="h1", name="stock_level", args={"sku": "A1"}), ToolContext())
        assert pipeline.run(
            ToolCallRequest(id="w1", name="quick_lookup", args={"sku": "A1"}), ToolContext()
        ).ok  # a free worker now waits
        kept = {t for t in threading.enumerate() if t.name == "frontdesk tool worker"}
        started = time.perf_counter()
        answers = [
            pipeline.run(ToolCallRequest(id=f"q{n}", name="quick_lookup", args={"sku": "A1"}), ToolContext())
            for n in range(5)
        ]
        elapsed = time.perf_counter() - started
    finally:
        released.set()
    assert "did not answer within 0.2 s" in hung.content
    assert all(a.ok for a in answers) and elapsed < 0.2 * 5  # none of them waited behind the hung call
    assert set(ran_on[-5:]) <= kept  # no thread was started for them: kept workers answered all five


def test_a_forked_process_runs_its_calls_on_workers_of_its_own() -> None:
    """A process pool forks after calls have run: the child must not hand its calls to the parent's idle workers."""
    pipeline = ToolPipeline([quick_lookup], time_limit=5.0)
    assert pipeline.run(
        ToolCallRequest(id="p1", name="quick_lookup", args={"sku": "A1"}), ToolContext()
    ).ok  # leaves an idle worker
    with multiprocessing.get_context("fork").Pool(1) as pool:
        started = time.perf_counter()
        ok, seconds = pool.apply(_lookup_in_child)
    assert ok and seconds < 5.0 and time.perf_counter() - started < 5.0


def _lookup_in_child() -> tuple[bool, float]:
    started = time.perf_counter()
    outcome = ToolPipeline([quick_lookup], time_limit=5.0).run(
        ToolCallRequest(id="c1", name="quick_lookup", args={"sku": "A1"}), ToolContext()
    )
    return outcome.ok, time.perf_counter() - started
