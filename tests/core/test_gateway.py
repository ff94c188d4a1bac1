"""The model gateway against real HTTP endpoints that fail on purpose (the test server's fault modes)."""

from __future__ import annotations

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
from frontdesk.gateway import cache
from frontdesk.gateway.breakers import BREAKERS
from frontdesk.gateway_config import DEFAULT_FALLBACK_REPLY, GatewayConfig
from frontdesk.llm.factory import openai_compatible_model
from frontdesk.llm.openai_test_server import Delayed, HttpError, OpenAITestServer, StreamFault
from frontdesk.operators import tickets


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
        self, tmp_path: Path, primary: str, *, grade: bool = False, retries: int = 2, streaming: bool = False, timeout: float = 30, **gateway: Any
    ) -> None:
        self.engine = open_domain_db(f"sqlite:///{tmp_path / 'shop.sqlite'}", "retail", seed_demo=True)
        config = GatewayConfig.model_validate({"backoff_s": 0.01, "max_backoff_s": 0.05, **gateway})
        self.settings = Settings(
            data_dir=tmp_path, model="m", base_url=primary, api_key="k", max_retries=retries, gateway=config, grade_replies=grade, request_timeout=timeout
        )
        self.spans = InMemorySpanExporter()
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(self.spans))
        model = openai_compatible_model(self.settings, streaming=streaming)
        self.graph = build_graph(self.settings, model=model, checkpointer=InMemorySaver(), engine=self.engine, tracer=provider.get_tracer("t"))

    def say(self, text: str, thread: str = "t1") -> dict[str, Any]:
        return self.graph.invoke({"messages": [HumanMessage(text)]}, {"configurable": {"thread_id": thread}})

    def chat_spans(self) -> list[Any]:
        return [s for s in self.spans.get_finished_spans() if s.name.startswith("chat ")]

    def events(self, name: str) -> list[dict[str, Any]]:
        return [dict(e.attributes or {}) for s in self.spans.get_finished_spans() for e in s.events if e.name == name]


def endpoint(server: OpenAITestServer | str, **extra: Any) -> dict[str, Any]:
    return {"model": "m", "base_url": server if isinstance(server, str) else server.base_url, **extra}


def test_server_errors_are_retried_with_backoff_and_the_turn_completes(tmp_path: Path) -> None:
    with OpenAITestServer([HttpError(500), HttpError(502), "Hello! How can I help?"]) as primary:
        desk = Desk(tmp_path, primary.base_url)
        result = desk.say("hi")
        assert result["messages"][-1].content == "Hello! How can I help?" and len(primary.requests) == 3
    [span] = desk.chat_spans()
    assert span.attributes["frontdesk.gateway.attempts"] == 3 and span.attributes["frontdesk.gateway.fallback"] is False
    assert [e["frontdesk.gateway.reason"] for e in desk.events("frontdesk.gateway.retry")] == ["http_500", "http_502"]


def test_retry_after_is_honoured(tmp_path: Path) -> None:
    with OpenAITestServer([HttpError(429, retry_after=1.0), "Hi there."]) as primary:
        desk = Desk(tmp_path, primary.base_url)
        started = time.monotonic()
        assert desk.say("hi")["messages"][-1].content == "Hi there."
        assert time.monotonic() - started >= 1.0, "the backoff alone is 0.01 s: only Retry-After explains the wait"


def test_a_bad_request_is_not_retried_and_the_next_model_answers(tmp_path: Path) -> None:
    with OpenAITestServer([HttpError(400, message="bad")]) as primary, OpenAITestServer(["From the backup."]) as backup:
        desk = Desk(tmp_path, primary.base_url, endpoints={"backup": endpoint(backup)}, fallback_models=["backup"])
        assert desk.say("hi")["messages"][-1].content == "From the backup."
        assert len(primary.requests) == 1
    [span] = desk.chat_spans()
    assert span.attributes["frontdesk.gateway.model"] == "backup" and span.attributes["frontdesk.gateway.fallback"] is True


def test_a_refused_connection_and_a_cut_stream_go_to_the_next_attempt_or_model(tmp_path: Path) -> None:
    with OpenAITestServer([StreamFault("Half a", "no_finish_reason"), "Whole reply."]) as backup:
        desk = Desk(tmp_path, closed_port_url(), retries=1, streaming=True, endpoints={"backup": endpoint(backup)}, fallback_models=["backup"])
        assert desk.say("hi")["messages"][-1].content == "Whole reply."
        assert len(backup.requests) == 2


def test_a_slow_endpoint_is_given_up_on_at_its_timeout_and_the_fallback_answers(tmp_path: Path) -> None:
    with OpenAITestServer([Delayed("Too late.", 5)]) as slow, OpenAITestServer(["Quick answer."]) as quick:
        desk = Desk(tmp_path, slow.base_url, retries=0, timeout=0.5, endpoints={"quick": endpoint(quick, timeout_s=5)}, fallback_models=["quick"])
        started = time.monotonic()
        assert desk.say("hi")["messages"][-1].content == "Quick answer."
        assert time.monotonic() - started < 3


def test_when_every_model_is_down_the_customer_gets_the_fallback_reply_and_a_ticket_fast(tmp_path: Path) -> None:
    with OpenAITestServer([]) as primary, OpenAITestServer([]) as backup:
        ends = {"backup": endpoint(backup), "gone": endpoint(closed_port_url())}
        desk = Desk(tmp_path, primary.base_url, endpoints=ends, fallback_models=["backup", "gone"])
        started = time.monotonic()
        result = desk.say("hi")
        elapsed = time.monotonic() - started
    assert result["messages"][-1].content == DEFAULT_FALLBACK_REPLY and result["__interrupt__"][0].value["type"] == "handoff"
    assert elapsed < 10
    [ticket] = tickets.open_tickets(desk.engine)
    assert ticket.priority == "high" and ticket.reason.startswith("no model answered: primary: http_500 after 3 attempt(s); backup: http_500")


def test_the_breaker_opens_skips_the_endpoint_and_recovers_after_the_cool_down(tmp_path: Path) -> None:
    script = [HttpError(500), HttpError(500), "Primary is back."]
    with OpenAITestServer(script) as primary, OpenAITestServer(["Backup 1.", "Backup 2."]) as backup:
        desk = Desk(
            tmp_path,
            primary.base_url,
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


def test_the_daily_cost_warning_is_an_alert_and_the_limit_stops_every_conversation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
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
