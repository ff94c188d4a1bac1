"""A streamed model reply that was cut off or never finished is not acted on: asked again,
then handed to a person. Real HTTP against the test server's fault modes."""

from __future__ import annotations

from pathlib import Path

from langgraph.checkpoint.memory import InMemorySaver

from frontdesk import Settings, build_graph, open_domain_db
from frontdesk.domains.retail import export_tau2_db
from frontdesk.llm.factory import openai_compatible_model
from frontdesk.llm.openai_test_server import OpenAITestServer, StreamFault
from frontdesk.operators import tickets

LOGIN = {"tool_calls": [{"name": "find_user_id_by_email", "args": {"email": "ava.chen@example.com"}}]}
CANCEL = {
    "tool_calls": [{"name": "cancel_pending_order", "args": {"order_id": "#D1001", "reason": "no longer needed"}}]
}


def run(tmp_path: Path, script: list) -> tuple[dict, object, OpenAITestServer]:
    engine = open_domain_db(f"sqlite:///{tmp_path / 'shop.sqlite'}", "retail", seed_demo=True)
    with OpenAITestServer(script) as server:
        settings = Settings(
            data_dir=tmp_path, model="m", base_url=server.base_url, api_key="k", max_retries=1, approval_limit=1000
        )
        graph = build_graph(
            settings,
            model=openai_compatible_model(settings, streaming=True),
            checkpointer=InMemorySaver(),
            engine=engine,
        )
        result = graph.invoke(
            {"messages": [("user", "I'm ava.chen@example.com, cancel #D1001, yes")]},
            {"configurable": {"thread_id": "cut"}},
        )
    return result, engine, server


def test_cut_off_tool_arguments_are_never_executed_and_the_model_is_asked_again(tmp_path: Path) -> None:
    script = [LOGIN, StreamFault(CANCEL, "cut_arguments"), "Which order would you like to cancel?", {"verdict": "pass"}]
    result, engine, server = run(tmp_path, script)
    assert server.remaining == 0
    assert [m.name for m in result["messages"] if m.type == "tool"] == ["find_user_id_by_email"], (
        "the cut-off cancel never ran"
    )
    assert export_tau2_db(engine)["orders"]["#D1001"]["status"] == "pending"
    assert result["messages"][-1].content == "Which order would you like to cancel?"


def test_a_reply_cut_off_twice_goes_to_a_person_at_high_priority(tmp_path: Path) -> None:
    script = [LOGIN, StreamFault(CANCEL, "cut_arguments"), StreamFault(CANCEL, "cut_arguments")]
    _result, engine, _server = run(tmp_path, script)
    [ticket] = tickets.open_tickets(engine)
    assert ticket.priority == "high" and "incomplete" in ticket.reason
    assert export_tau2_db(engine)["orders"]["#D1001"]["status"] == "pending"


def test_a_stream_without_finish_reason_is_not_taken_as_a_reply(tmp_path: Path) -> None:
    script = [
        LOGIN,
        StreamFault("Your order is cancelled and refunded.", "no_finish_reason"),
        "I haven't changed anything yet; shall I cancel #D1001?",
        {"verdict": "pass"},
    ]
    result, _engine, _server = run(tmp_path, script)
    texts = [str(m.content) for m in result["messages"] if m.type == "ai"]
    assert "Your order is cancelled and refunded." not in texts
    assert result["messages"][-1].content == "I haven't changed anything yet; shall I cancel #D1001?"
