"""The model gateway against real HTTP endpoints that fail on purpose (the test server's fault modes)."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import HumanMessage
from langgraph.checkpoint.memory import InMemorySaver
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from frontdesk import Settings, build_graph, open_domain_db
from frontdesk.config.gateway import DEFAULT_FALLBACK_REPLY, GatewayConfig
from frontdesk.gateway import cache
from frontdesk.gateway.breakers import BREAKERS
from frontdesk.llm.factory import openai_compatible_model
from frontdesk.llm.openai_test_server import Delayed, HttpError, OpenAITestServer, StreamFault
from frontdesk.operators import tickets


@pytest.fixture(params=["invoke", "ainvoke"])
def asynchronous(request: pytest.FixtureRequest) -> bool:
    """Both ways of running a graph: the gateway's policy must hold on each."""
    return bool(request.param == "ainvoke")


@pytest.fixture(autouse=True)
def fresh_gateway() -> Iterator[None]:
    BREAKERS.reset()
    cache.clear()
    yield
    BREAKERS.reset()


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


class Desk:
    """A support graph whose primary model is at one test server and whose fallbacks are named endpoints."""

    def __init__(
        self,
        tmp_path: Path,
        primary: str,
        *,
        grade: bool = False,
        retries: int = 2,
        streaming: bool = False,
        timeout: float = 30,
        asynchronous: bool = False,
        **gateway: Any,
    ) -> None:
        self.asynchronous = asynchronous
        self.engine = open_domain_db(f"sqlite:///{tmp_path / 'shop.sqlite'}", "retail", seed_demo=True)
        config = GatewayConfig.model_validate({"backoff_s": 0.01, "max_backoff_s": 0.05, **gateway})
        self.settings = Settings(
            data_dir=tmp_path,
            model="m",
            base_url=primary,
            api_key="k",
            max_retries=retries,
            gateway=config,
            grade_replies=grade,
            request_timeout=timeout,
        )
        self.spans = InMemorySpanExporter()
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(self.spans))
        model = openai_compatible_model(self.settings, streaming=streaming)
        self.graph = build_graph(
            self.settings,
            model=model,
            checkpointer=InMemorySaver(),
            engine=self.engine,
            tracer=provider.get_tracer("t"),
        )

    def say(self, text: str, thread: str = "t1") -> dict[str, Any]:
        payload, config = {"messages": [HumanMessage(text)]}, {"configurable": {"thread_id": thread}}
        if self.asynchronous:  # the async path: coroutine nodes, the gateway awaiting its models
            return asyncio.run(self.graph.ainvoke(payload, config))
        return self.graph.invoke(payload, config)

    def chat_spans(self) -> list[Any]:
        return [s for s in self.spans.get_finished_spans() if s.name.startswith("chat ")]

    def events(self, name: str) -> list[dict[str, Any]]:
        return [dict(e.attributes or {}) for s in self.spans.get_finished_spans() for e in s.events if e.name == name]


def endpoint(server: OpenAITestServer | str, **extra: Any) -> dict[str, Any]:
    return {"model": "m", "base_url": server if isinstance(server, str) else server.base_url, **extra}


def test_server_errors_are_retried_with_backoff_and_the_turn_completes(tmp_path: Path, asynchronous: bool) -> None:
    with OpenAITestServer([HttpError(500), HttpError(502), "Hello! How can I help?"]) as primary:
        desk = Desk(tmp_path, primary.base_url, asynchronous=asynchronous)
        result = desk.say("hi")
        assert result["messages"][-1].content == "Hello! How can I help?" and len(primary.requests) == 3
    [span] = desk.chat_spans()
    assert span.attributes["frontdesk.gateway.attempts"] == 3 and span.attributes["frontdesk.gateway.fallback"] is False
    assert [e["frontdesk.gateway.reason"] for e in desk.events("frontdesk.gateway.retry")] == ["http_500", "http_502"]


def test_retry_after_is_honoured(tmp_path: Path, asynchronous: bool) -> None:
    with OpenAITestServer([HttpError(429, retry_after=1.0), "Hi there."]) as primary:
        desk = Desk(tmp_path, primary.base_url, asynchronous=asynchronous)
        started = time.monotonic()
        assert desk.say("hi")["messages"][-1].content == "Hi there."
        assert time.monotonic() - started >= 1.0, "the backoff alone is 0.01 s: only Retry-After explains the wait"


def test_a_bad_request_is_not_retried_and_the_next_model_answers(tmp_path: Path, asynchronous: bool) -> None:
    with OpenAITestServer([HttpError(400, message="bad")]) as primary, OpenAITestServer(["From the backup."]) as backup:
        desk = Desk(
            tmp_path,
            primary.base_url,
            endpoints={"backup": endpoint(backup)},
            fallback_models=["backup"],
            asynchronous=asynchronous,
        )
        assert desk.say("hi")["messages"][-1].content == "From the backup."
        assert len(primary.requests) == 1
    [span] = desk.chat_spans()
    assert (
        span.attributes["frontdesk.gateway.model"] == "backup" and span.attributes["frontdesk.gateway.fallback"] is True
    )


def test_a_refused_connection_and_a_cut_stream_go_to_the_next_attempt_or_model(
    tmp_path: Path, asynchronous: bool
) -> None:
    with OpenAITestServer([StreamFault("Half a", "no_finish_reason"), "Whole reply."]) as backup:
        desk = Desk(
            tmp_path,
            closed_port_url(),
            retries=1,
            streaming=True,
            endpoints={"backup": endpoint(backup)},
            fallback_models=["backup"],
            asynchronous=asynchronous,
        )
        assert desk.say("hi")["messages"][-1].content == "Whole reply."
        assert len(backup.requests) == 2


def test_a_slow_endpoint_is_given_up_on_at_its_timeout_and_the_fallback_answers(
    tmp_path: Path, asynchronous: bool
) -> None:
    with OpenAITestServer([Delayed("Too late.", 5)]) as slow, OpenAITestServer(["Quick answer."]) as quick:
        desk = Desk(
            tmp_path,
            slow.base_url,
            retries=0,
            timeout=0.5,
            endpoints={"quick": endpoint(quick, timeout_s=5)},
            fallback_models=["quick"],
            asynchronous=asynchronous,
        )
        started = time.monotonic()
        assert desk.say("hi")["messages"][-1].content == "Quick answer."
        assert time.monotonic() - started < 3


def test_when_every_model_is_down_the_customer_gets_the_fallback_reply_and_a_ticket_fast(
    tmp_path: Path, asynchronous: bool
) -> None:
    with OpenAITestServer([]) as primary, OpenAITestServer([]) as backup:
        ends = {"backup": endpoint(backup), "gone": endpoint(closed_port_url())}
        desk = Desk(
            tmp_path, primary.base_url, endpoints=ends, fallback_models=["backup", "gone"], asynchronous=asynchronous
        )
        started = time.monotonic()
        result = desk.say("hi")
        elapsed = time.monotonic() - started
    assert (
        result["messages"][-1].content == DEFAULT_FALLBACK_REPLY
        and result["__interrupt__"][0].value["type"] == "handoff"
    )
    assert elapsed < 10
    [ticket] = tickets.open_tickets(desk.engine)
    assert ticket.priority == "high" and ticket.reason.startswith(
        "no model answered: primary: http_500 after 3 attempt(s); backup: http_500"
    )


def test_the_breaker_opens_skips_the_endpoint_and_recovers_after_the_cool_down(
    tmp_path: Path, asynchronous: bool
) -> None:
    script = [HttpError(500), HttpError(500), "Primary is back."]
    with OpenAITestServer(script) as primary, OpenAITestServer(["Backup 1.", "Backup 2."]) as backup:
        desk = Desk(
            tmp_path,
            primary.base_url,
            asynchronous=asynchronous,
            retries=1,
            breaker_failures=2,
            breaker_cooldown_s=0.5,
            endpoints={"backup": endpoint(backup)},
            fallback_models=["backup"],
        )
        assert desk.say("one", "a")["messages"][-1].content == "Backup 1."
        assert desk.say("two", "b")["messages"][-1].content == "Backup 2."
        assert len(primary.requests) == 2, "while open, the primary is not called at all"
        time.sleep(0.6)
        assert desk.say("three", "c")["messages"][-1].content == "Primary is back."
    states = [e["frontdesk.gateway.breaker.state"] for e in desk.events("frontdesk.gateway.breaker")]
    assert states == ["open", "half-open", "closed"]
    assert [e["frontdesk.gateway.breaker.state"] for e in desk.events("frontdesk.gateway.skipped")] == ["open"]


def test_a_conversation_past_its_token_budget_goes_to_a_person(tmp_path: Path) -> None:
    with OpenAITestServer(["First answer."]) as primary:
        desk = Desk(tmp_path, primary.base_url, conversation_tokens=5)
        assert desk.say("hi")["messages"][-1].content == "First answer."
        second = desk.say("and again")
        assert len(primary.requests) == 1, "no model is called past the budget"
    assert second["messages"][-1].content == "A person from our team will take this conversation from here."
    [ticket] = tickets.open_tickets(desk.engine)
    assert ticket.reason.startswith("budget: this conversation used") and ticket.priority == "high"


def test_the_daily_cost_warning_is_an_alert_and_the_limit_stops_every_conversation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prices = tmp_path / "prices.json"
    prices.write_text('{"m": [1000000, 1000000]}')  # a dollar a token: every call is expensive
    monkeypatch.setenv("FRONTDESK_PRICES", str(prices))
    with OpenAITestServer(["One.", "Two."]) as primary:
        desk = Desk(tmp_path, primary.base_url, daily_cost_warning=1, daily_cost_limit=10_000)
        assert desk.say("hi", "a")["messages"][-1].content == "One."
        assert desk.events("frontdesk.budget.warning") == []
        assert desk.say("hi", "b")["messages"][-1].content == "Two."
        [warning] = desk.events("frontdesk.budget.warning")
        assert warning["frontdesk.budget.day_cost"] > 1
        desk.settings.gateway.daily_cost_limit = 1
        stopped = desk.say("hi", "c")
        assert len(primary.requests) == 2
    assert stopped["messages"][-1].content == DEFAULT_FALLBACK_REPLY
    assert any(t.reason.startswith("budget: the deployment spent") for t in tickets.open_tickets(desk.engine))


def test_a_cascade_escalates_only_the_drafts_the_grader_fails(tmp_path: Path) -> None:
    fail = {"verdict": "fail", "score": 0.2, "reasons": ["too vague"]}
    with (
        OpenAITestServer([fail, {"verdict": "pass"}, {"verdict": "pass"}]) as grader,
        OpenAITestServer(["Something about returns.", "Returns are accepted for 30 days."]) as small,
        OpenAITestServer(["Delivered items can be returned within 30 days for a refund."]) as strong,
    ):
        routes = {"customer_service": {"models": ["small", "strong"], "cascade": True}}
        desk = Desk(
            tmp_path,
            grader.base_url,
            grade=True,
            endpoints={"small": endpoint(small), "strong": endpoint(strong)},
            agents=routes,
        )
        first = desk.say("how do returns work?", "a")
        second = desk.say("and exchanges?", "b")
        assert (len(small.requests), len(strong.requests)) == (2, 1)
    assert first["messages"][-1].content == "Delivered items can be returned within 30 days for a refund."
    assert second["messages"][-1].content == "Returns are accepted for 30 days."
    assert [e["frontdesk.gateway.reason"] for e in desk.events("frontdesk.gateway.escalated")] == [
        "draft_failed_review"
    ]


def test_a_cascade_moves_on_at_once_when_the_cheap_model_says_nothing(tmp_path: Path) -> None:
    with OpenAITestServer([""]) as small, OpenAITestServer(["A real answer."]) as strong:
        routes = {"customer_service": {"models": ["small", "strong"], "cascade": True}}
        desk = Desk(
            tmp_path, small.base_url, endpoints={"small": endpoint(small), "strong": endpoint(strong)}, agents=routes
        )
        assert desk.say("hi")["messages"][-1].content == "A real answer."
    assert [e["frontdesk.gateway.reason"] for e in desk.events("frontdesk.gateway.escalated")] == ["unusable_output"]


def provider_for(server: OpenAITestServer, **gateway: Any) -> Any:
    from frontdesk.gateway.provider import GatewayProvider
    from frontdesk.llm.factory import as_provider

    settings = Settings(model="m", base_url=server.base_url, api_key="k", gateway=GatewayConfig.model_validate(gateway))
    return GatewayProvider(settings, as_provider(openai_compatible_model(settings)))


def ask(provider: Any, agent: str, thread: str, text: str = "What is the return window?") -> str:
    from frontdesk.runtime import NodeScope, RunContext, node_scope

    with node_scope(NodeScope(RunContext(), thread)):
        return str(provider.for_agent(agent).invoke([HumanMessage(text)]).content)


def test_cached_answers_stay_in_their_thread_unless_the_agent_never_reads_customer_data() -> None:
    with OpenAITestServer(["Passages say 30 days.", "Verdict for t1.", "Verdict for t2.", "Uncached."]) as server:
        agents = {"researcher": {"models": ["e"], "cache": "shared"}, "grader": {"models": ["e"], "cache": "thread"}}
        provider = provider_for(server, endpoints={"e": endpoint(server)}, agents=agents)
        assert ask(provider, "researcher", "t1") == ask(provider, "researcher", "t2") == "Passages say 30 days."
        assert ask(provider, "grader", "t1") == ask(provider, "grader", "t1") == "Verdict for t1."
        assert ask(provider, "grader", "t2") == "Verdict for t2."
        assert (
            ask(provider, "customer_service", "t1", "uncached") == "Uncached."
        )  # no route: no cache, the primary answers
        assert len(server.requests) == 4


def test_a_rate_limited_endpoint_makes_calls_wait_and_past_the_deadline_the_next_model_answers() -> None:
    with OpenAITestServer(["Limited answers."]) as limited, OpenAITestServer(["Backup answers."]) as backup:
        provider = provider_for(
            limited,
            endpoints={"limited": endpoint(limited, rpm=1), "backup": endpoint(backup)},
            agents={"default": {"models": ["limited", "backup"]}},
            call_deadline_s=0.5,
        )
        assert ask(provider, "customer_service", "t1") == "Limited answers."
        started = time.monotonic()
        assert ask(provider, "customer_service", "t2") == "Backup answers."
        assert 0.2 < time.monotonic() - started < 3


def test_traces_stats_show_fallbacks_escalations_and_cost_by_model(tmp_path: Path) -> None:
    from frontdesk.tracing.queries import stats
    from frontdesk.tracing.setup import configure_tracing

    tracing = configure_tracing(duckdb_path=tmp_path / "traces.duckdb")
    with OpenAITestServer([HttpError(400)]) as primary, OpenAITestServer(["Backup answer."]) as backup:
        routes = {"customer_service": {"models": ["primary", "backup"]}}
        desk = Desk(
            tmp_path,
            primary.base_url,
            endpoints={"primary": endpoint(primary), "backup": endpoint(backup)},
            agents=routes,
            fallback_models=[],
        )
        desk.graph = build_graph(
            desk.settings,
            model=openai_compatible_model(desk.settings),
            checkpointer=InMemorySaver(),
            tracer=tracing.tracer,
        )
        desk.say("hi")
    tracing.flush()
    gateway = stats(tmp_path / "traces.duckdb").gateway
    assert gateway is not None and (
        gateway.model_calls,
        gateway.fallback_rate,
        gateway.unavailable,
        gateway.escalations,
    ) == (1, 1.0, 0, 0)
    assert [model for model, _calls, _cost in gateway.cost_by_model] == [
        "scripted-http"
    ]  # the model the endpoint says answered


def test_the_documented_config_example_is_a_valid_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (Path(__file__).resolve().parents[2] / "docs" / "guides" / "real-models.md").read_text(encoding="utf-8")
    example = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "config.toml").write_text(example)
    monkeypatch.setenv("FRONTDESK_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("FRONTDESK_FALLBACK_MODELS", "backup")
    settings = Settings.from_env()
    assert (
        settings.gateway.route_for("customer_service") is not None
        and settings.gateway.route_for("customer_service").cascade
    )  # type: ignore[union-attr]
    assert settings.gateway.fallback_models == ["backup"] and settings.gateway.endpoints["backup"].rpm == 600


def test_a_bad_gateway_setting_is_one_line_naming_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from frontdesk.config.settings import ConfigError

    (tmp_path / "config.toml").write_text("[gateway]\ncall_deadline_s = -1\n")
    monkeypatch.setenv("FRONTDESK_CONFIG", str(tmp_path / "config.toml"))
    with pytest.raises(ConfigError, match=r"config.toml: gateway.call_deadline_s=-1 is not valid"):
        Settings.from_env()
    (tmp_path / "empty.toml").write_text("")
    monkeypatch.setenv("FRONTDESK_CONFIG", str(tmp_path / "empty.toml"))
    monkeypatch.setenv("FRONTDESK_TURN_DEADLINE", "soon")
    with pytest.raises(ConfigError, match=r"FRONTDESK_TURN_DEADLINE: gateway.turn_deadline_s='soon' is not valid"):
        Settings.from_env()


def test_the_turn_deadline_bounds_all_the_calls_of_a_turn_together(tmp_path: Path) -> None:
    from frontdesk.graphs.events import stream_turn

    with OpenAITestServer([Delayed("A draft.", 0.8), Delayed({"verdict": "pass"}, 2.0)]) as primary:
        desk = Desk(tmp_path, primary.base_url, grade=True, retries=0, timeout=5, turn_deadline_s=1.2)
        started = time.monotonic()
        list(stream_turn(desk.graph, {"messages": [HumanMessage("hi")]}, {"configurable": {"thread_id": "d"}}))
        elapsed = time.monotonic() - started
    messages = desk.graph.get_state({"configurable": {"thread_id": "d"}}).values["messages"]
    assert messages[-1].content == DEFAULT_FALLBACK_REPLY, "the ungraded draft was not sent"
    assert elapsed < 2.0, "the grader's call got only what was left of the turn's 1.2 s"


def test_calls_through_a_closed_breaker_run_side_by_side_and_failures_still_open_it() -> None:
    import threading

    import pybreaker

    from frontdesk.gateway.breakers import guarded_call

    breaker = pybreaker.CircuitBreaker(fail_max=3, reset_timeout=60, throw_new_error_on_trip=False)
    together = threading.Barrier(4, timeout=20)  # passes only if four calls are inside the breaker at once

    def model_call() -> str:
        together.wait()
        return "ok"

    results: list[str] = []
    workers = [threading.Thread(target=lambda: results.append(guarded_call(breaker, model_call))) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert results == ["ok"] * 4, "one endpoint serves many conversations at once"

    def down() -> str:
        raise ConnectionError("endpoint down")

    for _ in range(3):
        with pytest.raises(ConnectionError):
            guarded_call(breaker, down)
    assert breaker.current_state == pybreaker.STATE_OPEN
    with pytest.raises(pybreaker.CircuitBreakerError):
        guarded_call(breaker, model_call)  # skipped at once while open


def test_the_local_model_gets_deadlines_it_can_meet_unless_they_are_set() -> None:
    """A first local call reads the whole prompt at ~20 tokens/s: 45 s would make it the fallback reply every time."""
    local = Settings(model="local")
    assert local.gateway.call_deadline_s >= 600 and local.gateway.turn_deadline_s >= local.gateway.call_deadline_s
    assert Settings(model="local", gateway=GatewayConfig(call_deadline_s=30)).gateway.call_deadline_s == 30
    assert Settings(model="gpt-4o-mini").gateway.call_deadline_s == GatewayConfig().call_deadline_s


def test_the_graders_forced_call_is_sent_in_the_form_every_openai_compatible_server_takes(tmp_path: Path) -> None:
    """LangChain's generic "any" made llama.cpp's server answer 500, so every graded local reply went to a person."""
    verdict = {"tool_calls": [{"name": "GradeVerdict", "args": {"verdict": "pass", "score": 0.9, "reasons": ["fine"]}}]}
    with OpenAITestServer(["Hello! How can I help?", verdict]) as primary:
        desk = Desk(tmp_path, primary.base_url, grade=True)
        assert desk.say("hi")["messages"][-1].content == "Hello! How can I help?"
        grader_request = primary.requests[1]
    assert grader_request["tool_choice"] == {"type": "function", "function": {"name": "GradeVerdict"}}
    assert [tool["function"]["name"] for tool in grader_request["tools"]] == ["GradeVerdict"]


def test_a_wall_clock_step_mid_turn_neither_ends_nor_stretches_the_turn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The clock jumps 10 minutes ahead while the model drafts: the reply is still graded and sent, not handed to a
    person."""
    import threading

    from frontdesk.graphs.events import stream_turn

    real_time, stepped = time.time, threading.Event()
    monkeypatch.setattr(time, "time", lambda: real_time() + (600.0 if stepped.is_set() else 0.0))
    with OpenAITestServer([Delayed("A draft.", 0.8), {"verdict": "pass"}]) as primary:
        desk = Desk(tmp_path, primary.base_url, grade=True, retries=0, timeout=5, turn_deadline_s=30)
        threading.Timer(0.3, stepped.set).start()  # while the first call drafts
        list(stream_turn(desk.graph, {"messages": [HumanMessage("hi")]}, {"configurable": {"thread_id": "d"}}))
    assert stepped.is_set()
    assert desk.graph.get_state({"configurable": {"thread_id": "d"}}).values["messages"][-1].content == "A draft."
