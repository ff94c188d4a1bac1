"""The model gateway against failing endpoints, measured side by side in one run.

1. Flaky endpoint: N conversations (three model calls each, 16 at a time) against an
   endpoint failing 20% of calls with 500s plus bursts of 429s (Retry-After 0.2 s). The bare
   client (ChatOpenAI with its own 2 retries) vs the gateway (retries honouring Retry-After,
   then a healthy backup endpoint). Printed: conversations completed, p95 conversation time.
2. Everything down: a support-graph turn with both endpoints answering 500; the time until
   the customer has the fallback reply (and a ticket is open).
3. Cascade: T turns through the graph with the grader on; a small model whose drafts fail
   review 30% of the time, escalating to a strong one — share of turns the small model
   answered and model cost against strong-only, at the same pass rate. Cost is tokens as
   the endpoint reports them × the prices below.

    python bench/resilience.py [--conversations 200] [--turns 60]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from langchain_core.messages import HumanMessage  # noqa: E402
from langgraph.checkpoint.memory import InMemorySaver  # noqa: E402

from frontdesk import Settings, build_graph, open_domain_db  # noqa: E402
from frontdesk.config.gateway import GatewayConfig  # noqa: E402
from frontdesk.gateway.provider import GatewayProvider  # noqa: E402
from frontdesk.llm.factory import as_provider, openai_compatible_model  # noqa: E402
from frontdesk.llm.openai_test_server import HttpError, OpenAITestServer  # noqa: E402
from frontdesk.runtime import NodeScope, RunContext, node_scope  # noqa: E402

CALLS_PER_CONVERSATION = 3
PRICES = {"small": 0.15, "strong": 5.0}
"""USD per million tokens (input and output alike), for the cascade comparison."""


def flaky_script(calls: int, rng: random.Random) -> list[Any]:
    """Answers with 20% 500s and, now and then, a burst of three 429s."""
    script: list[Any] = []
    while len(script) < calls:
        roll = rng.random()
        if roll < 0.2:
            script.append(HttpError(500))
        elif roll < 0.25:
            script += [HttpError(429, retry_after=0.2)] * 3
        else:
            script.append("Here is your answer.")
    return script


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values, default=0.0)


def run_conversations(call: Any, count: int) -> tuple[int, float]:
    def conversation(n: int) -> tuple[bool, float]:
        started = time.perf_counter()
        try:
            for _ in range(CALLS_PER_CONVERSATION):
                call(f"conversation {n}")
        except Exception:
            return False, time.perf_counter() - started
        return True, time.perf_counter() - started

    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(conversation, range(count)))
    return sum(ok for ok, _ in results), p95([seconds for _, seconds in results])


def flaky(count: int) -> None:
    rng = random.Random(11)
    calls = count * CALLS_PER_CONVERSATION * 3
    print(f"1. {count} conversations × {CALLS_PER_CONVERSATION} calls, endpoint failing 20% with 500s plus 429 bursts")
    with OpenAITestServer(flaky_script(calls, rng)) as endpoint:
        settings = Settings(model="m", base_url=endpoint.base_url, api_key="k", request_timeout=10)
        from langchain_openai import ChatOpenAI

        bare = ChatOpenAI(model="m", base_url=endpoint.base_url, api_key="k", timeout=10, max_retries=2)  # type: ignore[call-arg]
        done, slow = run_conversations(lambda text: bare.invoke([HumanMessage(text)]), count)
    print(f"   bare client (2 retries):        {done}/{count} completed ({done / count:.1%}), p95 {slow:.2f} s")
    with OpenAITestServer(flaky_script(calls, rng)) as endpoint, OpenAITestServer(["Backup answer."] * calls) as backup:
        gateway = GatewayConfig.model_validate(
            {"endpoints": {"backup": {"model": "m", "base_url": backup.base_url}}, "fallback_models": ["backup"]}
        )
        settings = Settings(
            model="m", base_url=endpoint.base_url, api_key="k", request_timeout=10, max_retries=2, gateway=gateway
        )
        provider = GatewayProvider(settings, as_provider(openai_compatible_model(settings)))

        def through_gateway(text: str) -> Any:
            with node_scope(NodeScope(RunContext(), text)):
                return provider.for_agent("customer_service").invoke([HumanMessage(text)])

        done, slow = run_conversations(through_gateway, count)
        share = len(backup.requests) / max(1, len(endpoint.requests) + len(backup.requests))
    print(
        f"   gateway (2 retries + backup):   {done}/{count} completed ({done / count:.1%}), p95 {slow:.2f} s; "
        f"{share:.1%} of requests went to the backup"
    )


def all_down() -> None:
    print("2. every endpoint answering 500: time to the customer's fallback reply")
    with tempfile.TemporaryDirectory() as tmp, OpenAITestServer([]) as primary, OpenAITestServer([]) as backup:
        engine = open_domain_db(f"sqlite:///{Path(tmp) / 'shop.sqlite'}", "retail", seed_demo=True)
        gateway = GatewayConfig.model_validate(
            {"endpoints": {"backup": {"model": "m", "base_url": backup.base_url}}, "fallback_models": ["backup"]}
        )
        settings = Settings(data_dir=Path(tmp), model="m", base_url=primary.base_url, api_key="k", gateway=gateway)
        graph = build_graph(
            settings, model=openai_compatible_model(settings), checkpointer=InMemorySaver(), engine=engine
        )
        started = time.perf_counter()
        result = graph.invoke(
            {"messages": [HumanMessage("Where is my order?")]}, {"configurable": {"thread_id": "down"}}
        )
        seconds = time.perf_counter() - started
        reply = result["messages"][-1].content
    print(
        f"   fallback reply after {seconds:.2f} s (target ≤ 10 s), {len(primary.requests) + len(backup.requests)} "
        f"requests: {reply!r}"
    )


def cost_of(server: OpenAITestServer, price: float) -> float:
    tokens = sum(
        sum(len(str(m.get("content") or "").split()) for m in body.get("messages", [])) + 12 for body in server.requests
    )
    return tokens * price / 1_000_000


def cascade(turns: int) -> None:
    rng = random.Random(5)
    failing = [rng.random() < 0.3 for _ in range(turns)]
    print(f"3. cascade over {turns} graded turns; the small model's drafts fail review {sum(failing)} times")
    results = {}
    for mode in ("strong only", "cascade"):
        with tempfile.TemporaryDirectory() as tmp:
            grader_script: list[Any] = []
            for fails in failing:
                if mode == "cascade" and fails:
                    grader_script.append({"verdict": "fail", "score": 0.3, "reasons": ["vague"]})
                grader_script.append({"verdict": "pass"})
            with (
                OpenAITestServer(grader_script) as grader,
                OpenAITestServer(["Small model's answer about your order."] * turns) as small,
                OpenAITestServer(["Strong model's careful answer about your order."] * turns) as strong,
            ):
                models = ["small", "strong"] if mode == "cascade" else ["strong"]
                gateway = GatewayConfig.model_validate(
                    {
                        "endpoints": {
                            "small": {"model": "small", "base_url": small.base_url},
                            "strong": {"model": "strong", "base_url": strong.base_url},
                        },
                        "agents": {"customer_service": {"models": models, "cascade": mode == "cascade"}},
                    }
                )
                settings = Settings(
                    data_dir=Path(tmp), model="grader", base_url=grader.base_url, api_key="k", gateway=gateway
                )
                graph = build_graph(settings, model=openai_compatible_model(settings), checkpointer=InMemorySaver())
                passed = 0
                for n in range(turns):
                    result = graph.invoke(
                        {"messages": [HumanMessage(f"question {n}")]}, {"configurable": {"thread_id": f"{mode}-{n}"}}
                    )
                    passed += (result.get("grade") or {}).get("verdict") == "pass"
                cost = cost_of(small, PRICES["small"]) + cost_of(strong, PRICES["strong"])
                results[mode] = (passed, len(small.requests), len(strong.requests), cost)
    base_cost = results["strong only"][3]
    for mode, (passed, small_calls, strong_calls, cost) in results.items():
        share = (turns - strong_calls) / turns if mode == "cascade" else 0.0
        print(
            f"   {mode:12} pass {passed}/{turns}; small answered {share:.0%} of turns ({small_calls} small, "
            f"{strong_calls} strong calls); "
            f"model cost ${cost:.6f} (×{cost / base_cost:.2f} of strong only)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--turns", type=int, default=60)
    args = parser.parse_args()
    flaky(args.conversations)
    all_down()
    cascade(args.turns)


if __name__ == "__main__":
    main()
