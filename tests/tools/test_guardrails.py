"""The public guardrail API: an app's input, output and tool checks hold whatever the model does."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import HumanMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command
from sqlmodel import Field, Session, SQLModel, create_engine, select

from frontdesk import (
    GuardrailContext,
    GuardrailResult,
    Script,
    ScriptedModels,
    ScriptedStep,
    Settings,
    Tool,
    ToolContext,
    ToolGuardrail,
    ToolKind,
    build_graph,
    input_guardrail,
    output_guardrail,
    tool,
    tool_guardrail,
)
from frontdesk.domains.database import ensure_frontdesk_tables
from frontdesk.graphs.events import Verdict, stream_turn
from frontdesk.operators import tickets
from frontdesk.tools.base import ToolOutcome
from frontdesk.tracing.queries import stats
from frontdesk.tracing.setup import configure_tracing

CARD = re.compile(r"\b(?:\d[ -]?){13,16}\b")


@input_guardrail
def no_card_numbers(text: str, ctx: GuardrailContext) -> GuardrailResult:
    """Card numbers never reach a model (or a model provider's logs)."""
    return GuardrailResult.block("it contained a payment card number") if CARD.search(text) else GuardrailResult.ok()


@input_guardrail
def legal_threats_go_to_a_person(text: str, ctx: GuardrailContext) -> GuardrailResult:
    return (
        GuardrailResult.handoff("the customer mentions a lawyer") if "lawyer" in text.lower() else GuardrailResult.ok()
    )


@output_guardrail
def no_discount_codes(draft: str, ctx: GuardrailContext) -> GuardrailResult:
    return (
        GuardrailResult.block("never promise a discount code")
        if "discount code" in draft.lower()
        else GuardrailResult.ok()
    )


@output_guardrail
def never_admit_liability(draft: str, ctx: GuardrailContext) -> GuardrailResult:
    return (
        GuardrailResult.handoff("the draft admits liability") if "our fault" in draft.lower() else GuardrailResult.ok()
    )


class Credit(SQLModel, table=True):
    __tablename__ = "test_guardrail_credit"
    id: int | None = Field(default=None, primary_key=True)
    customer_id: str
    amount: int


@tool(kind=ToolKind.READ, authenticates=True)
def login(email: str) -> str:
    """Find the customer's id by email."""
    return email.split("@")[0]


@tool(kind=ToolKind.WRITE, requires_auth=True)
def grant_credit(ctx: ToolContext, amount: int) -> str:
    """Grant store credit to the authenticated customer."""
    ctx.db.add(Credit(customer_id=ctx.require_customer(), amount=amount))
    return f"granted {amount}"


@tool(kind=ToolKind.READ, requires_auth=True)
def account_notes(ctx: ToolContext) -> str:
    """Internal notes on the customer's account."""
    return "VIP; internal risk score 0.93"


@tool_guardrail
def credit_cap(tool: Tool, args: dict[str, Any], ctx: ToolContext) -> GuardrailResult:
    if tool.name == "grant_credit" and int(args.get("amount", 0)) > 50:
        return GuardrailResult.block("credit above 50 is not allowed from chat")
    if tool.name == "grant_credit" and int(args.get("amount", 0)) < 0:
        return GuardrailResult.handoff("a negative credit was attempted")
    return GuardrailResult.ok()


class NoInternalScores(ToolGuardrail):
    name = "no_internal_scores"

    def after_call(self, tool: Tool, args: dict[str, Any], outcome: ToolOutcome, ctx: ToolContext) -> GuardrailResult:
        return (
            GuardrailResult.block("the result held internal data")
            if "risk score" in outcome.content
            else GuardrailResult.ok()
        )


GUARDRAILS = [
    no_card_numbers,
    legal_threats_go_to_a_person,
    no_discount_codes,
    never_admit_liability,
    credit_cap,
    NoInternalScores(),
]


def steps(*items: Any) -> list[ScriptedStep]:
    return [ScriptedStep.model_validate(item) for item in items]


def calls(*pairs: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    return {"tool_calls": [{"name": name, "args": args} for name, args in pairs]}


@pytest.fixture
def world(tmp_path: Path) -> dict[str, Any]:
    engine = create_engine(f"sqlite:///{tmp_path / 'app.db'}")
    SQLModel.metadata.create_all(engine, tables=[Credit.__table__])  # type: ignore[list-item]
    ensure_frontdesk_tables(engine)
    tracing = configure_tracing(duckdb_path=tmp_path / "traces.duckdb")
    return {"engine": engine, "tracing": tracing, "traces": tmp_path / "traces.duckdb"}


def graph_for(world: dict[str, Any], script: Script, **options: Any) -> Any:
    settings = Settings(
        grade_replies=options.pop("grade_replies", False), confirm_writes=options.pop("confirm_writes", False)
    )
    return build_graph(
        settings,
        model=ScriptedModels(script),
        checkpointer=InMemorySaver(),
        tools=[login, grant_credit, account_notes],
        engine=world["engine"],
        tracer=world["tracing"].tracer,
        capture_content=True,
        guardrails=GUARDRAILS,
        **options,
    )


def config(thread: str) -> dict[str, Any]:
    return {"configurable": {"thread_id": thread}}


def trips(world: dict[str, Any]) -> dict[tuple[str, str, str], int]:
    world["tracing"].flush()
    return {(name, stage, action): count for name, stage, action, count in stats(world["traces"]).guardrail_trips}


def test_a_blocked_message_is_kept_in_the_thread_but_no_model_ever_sees_it(world: dict[str, Any]) -> None:
    secret = "my card is 4111 1111 1111 1111, charge it"
    script = Script(
        "card", [{"customer_service": steps("I can't take card numbers here.")}, {"customer_service": steps("Sure.")}]
    )
    graph = graph_for(world, script)
    graph.invoke({"messages": [HumanMessage(secret)]}, config("t-card"))
    script.turn = 1
    graph.invoke({"messages": [HumanMessage("ok, what now?")]}, config("t-card"))
    stored = [m.content for m in graph.get_state(config("t-card")).values["messages"] if isinstance(m, HumanMessage)]
    assert stored == [secret, "ok, what now?"]
    shown = [str(m.content) for _agent, prompt in script.prompts for m in prompt]
    assert not any("4111" in text for text in shown)
    assert any("withheld by the no_card_numbers check: it contained a payment card number" in text for text in shown)
    assert trips(world) == {("no_card_numbers", "input", "block"): 1}


def test_an_input_handoff_opens_a_high_priority_ticket_without_asking_any_model(world: dict[str, Any]) -> None:
    script = Script("lawyer", [{}])
    graph = graph_for(world, script)
    result = graph.invoke({"messages": [HumanMessage("My lawyer will hear about this")]}, config("t-lawyer"))
    assert result["__interrupt__"][0].value["type"] == "handoff" and script.prompts == []
    ticket = tickets.open_tickets(world["engine"])[0]
    assert ticket.priority == "high" and "legal_threats_go_to_a_person: the customer mentions a lawyer" in ticket.reason


def test_a_blocked_draft_never_reaches_the_customer_and_the_agent_revises(world: dict[str, Any]) -> None:
    script = Script(
        "discount",
        [
            {
                "customer_service": steps(
                    "Use discount code SAVE50!", "I can't offer discounts, but I can check your order."
                )
            }
        ],
    )
    graph = graph_for(world, script)
    events = list(stream_turn(graph, {"messages": [HumanMessage("any discounts?")]}, config("t-disc")))
    verdicts = [e.grade["checked_by"] for e in events if isinstance(e, Verdict)]
    assert verdicts == ["no_discount_codes", "guardrails"]
    replies = [m.content for m in graph.get_state(config("t-disc")).values["messages"] if m.type == "ai"]
    assert replies == ["I can't offer discounts, but I can check your order."]
    assert "never promise a discount code" in str(script.prompts[1][1][-1].content)


def test_an_output_handoff_withdraws_the_draft_and_calls_a_person(world: dict[str, Any]) -> None:
    script = Script("liability", [{"customer_service": steps("Yes, that was our fault, sorry.")}])
    graph = graph_for(world, script)
    result = graph.invoke({"messages": [HumanMessage("you broke my lamp")]}, config("t-liab"))
    assert result["__interrupt__"][0].value["type"] == "handoff"
    assert not [m for m in result["messages"] if m.type == "ai"]
    assert tickets.open_tickets(world["engine"])[0].priority == "high"


def test_output_guardrails_run_before_the_grader_model_which_is_not_asked(world: dict[str, Any]) -> None:
    script = Script(
        "both",
        [
            {
                "customer_service": steps("Here is a discount code!", "No discounts, sorry."),
                "grader": steps({"verdict": "pass"}),
            }
        ],
    )
    graph = graph_for(world, script, grade_replies=True)
    graph.invoke({"messages": [HumanMessage("discount?")]}, config("t-both"))
    assert [agent for agent, _prompt in script.prompts] == ["customer_service", "customer_service", "grader"]


def test_a_blocked_write_is_not_run_and_the_customer_is_not_even_asked_to_confirm(world: dict[str, Any]) -> None:
    script = Script(
        "cap",
        [
            {
                "customer_service": steps(
                    calls(("login", {"email": "ava@x"}), ("grant_credit", {"amount": 500})),
                    "I can't grant that much here.",
                )
            }
        ],
    )
    graph = graph_for(world, script, confirm_writes=True)
    result = graph.invoke({"messages": [HumanMessage("give me 500 credit")]}, config("t-cap"))
    assert "__interrupt__" not in result
    refused = next(m for m in result["messages"] if m.type == "tool" and m.name == "grant_credit")
    assert refused.status == "error" and "Stopped by the credit_cap check: credit above 50" in refused.content
    with Session(world["engine"]) as session:
        assert session.exec(select(Credit)).all() == []


def test_a_tool_guardrail_handoff_stops_the_call_and_opens_a_ticket(world: dict[str, Any]) -> None:
    script = Script(
        "negative",
        [{"customer_service": steps(calls(("login", {"email": "ava@x"}), ("grant_credit", {"amount": -20})))}],
    )
    graph = graph_for(world, script)
    result = graph.invoke({"messages": [HumanMessage("credit me -20")]}, config("t-neg"))
    assert result["__interrupt__"][0].value["type"] == "handoff"
    assert tickets.open_tickets(world["engine"])[0].priority == "high"
    with Session(world["engine"]) as session:
        assert session.exec(select(Credit)).all() == []


def test_an_after_call_guardrail_replaces_a_result_before_the_model_reads_it(world: dict[str, Any]) -> None:
    script = Script(
        "notes",
        [
            {
                "customer_service": steps(
                    calls(("login", {"email": "ava@x"}), ("account_notes", {})), "Your account is in good standing."
                )
            }
        ],
    )
    graph = graph_for(world, script)
    graph.invoke({"messages": [HumanMessage("what do you know about me?")]}, config("t-notes"))
    shown = [str(m.content) for _agent, prompt in script.prompts for m in prompt]
    assert not any("0.93" in text for text in shown)
    assert any("Stopped by the no_internal_scores check" in text for text in shown)


def test_refused_confirmations_and_every_kind_of_trip_are_counted_in_traces_stats(world: dict[str, Any]) -> None:
    script = Script(
        "mixed",
        [
            {
                "customer_service": steps(
                    calls(("login", {"email": "bo@x"}), ("grant_credit", {"amount": 10})), "Alright, nothing done."
                )
            },
            {"customer_service": steps(calls(("grant_credit", {"amount": 99})), "Too much, sorry.")},
        ],
    )
    graph = graph_for(world, script, confirm_writes=True)
    paused = graph.invoke({"messages": [HumanMessage("credit 10 please")]}, config("t-mixed"))
    assert paused["__interrupt__"][0].value["type"] == "confirmation"
    graph.invoke(Command(resume="no"), config("t-mixed"))
    script.turn = 1
    graph.invoke({"messages": [HumanMessage("then 99")]}, config("t-mixed"))
    assert trips(world) == {("confirmation", "tool_before", "block"): 1, ("credit_cap", "tool_before", "block"): 1}


def test_anything_else_passed_as_a_guardrail_is_refused_by_name() -> None:
    with pytest.raises(TypeError, match="not a guardrail: 'strict'"):
        build_graph(Settings(), model=ScriptedModels(Script("x", [])), guardrails=["strict"])  # type: ignore[list-item]


def test_a_deployment_names_its_guardrails_in_the_settings_and_the_server_applies_them(tmp_path: Path) -> None:
    import httpx

    from frontdesk.llm.openai_test_server import OpenAITestServer
    from tests.server.test_server import running_server, sse

    root = str(Path(__file__).resolve().parents[2])
    with (
        OpenAITestServer(
            ["I can't take card numbers in chat; please use the payment page.", {"verdict": "pass"}]
        ) as model,
        running_server(
            tmp_path, model, FRONTDESK_GUARDRAILS="tests.deployment_guardrails:no_card_numbers", PYTHONPATH=root
        ) as base,
    ):
        created = httpx.post(f"{base}/threads").json()
        headers = {"X-Customer-Token": created["customer_token"]}
        text = "charge 4111 1111 1111 1111 please"
        with httpx.stream(
            "POST", f"{base}/threads/{created['thread_id']}/messages", json={"text": text}, headers=headers, timeout=60
        ) as response:
            events = sse(response)
        stored = httpx.get(f"{base}/threads/{created['thread_id']}", headers=headers).json()["messages"][0]["content"]
    assert events[-1][0] == "done" and stored == text, "the message is kept"
    assert "4111" not in str(model.requests) and "withheld by the no_card_numbers check" in str(model.requests[0])


def test_a_bad_guardrail_entry_is_one_line_naming_it(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    root = str(Path(__file__).resolve().parents[2])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "FRONTDESK_"))}
    env.update(
        FRONTDESK_DATA_DIR=str(tmp_path),
        FRONTDESK_MODEL="m",
        OPENAI_BASE_URL="http://127.0.0.1:9/v1",
        OPENAI_API_KEY="k",
        PYTHONPATH=root,
    )
    for entry, message in [
        ("tests.deployment_guardrails:not_a_guardrail", "is a int, not an input, output or tool guardrail"),
        ("tests.nowhere:x", "cannot import tests.nowhere"),
        ("no_colon", "is not 'package.module:name'"),
    ]:
        done = subprocess.run(
            [sys.executable, "-m", "frontdesk.cli.app", "serve", "--port", "1"],
            env={**env, "FRONTDESK_GUARDRAILS": entry},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr, done.stderr
