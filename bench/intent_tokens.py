"""Prompt tokens per model call with and without intent routing, on a hosted-style endpoint.

For the first message of every scenario tagged ``live``, the customer-service agent's call
is sent to the scripted OpenAI-compatible test server (the customer already
authenticated, so every tool the request may need is offered), once with intent routing off
and once on; the request body's tokens are estimated as the gateway's rate limits do (4
characters a token; no tokenizer files can be fetched here): the messages plus the tool
schemas, as a hosted API bills them. Then the whole first turn of "I'm ava.chen@example.com,
where is my order #D1001?" with intent routing on, direct steps off and on: model calls and
prompt tokens summed over them. Writes bench/results/intent_tokens.json.

    python bench/intent_tokens.py
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import yaml  # noqa: E402
from langchain_core.messages import HumanMessage  # noqa: E402
from langgraph.checkpoint.memory import InMemorySaver  # noqa: E402

from frontdesk import Settings, build_graph, open_domain_db  # noqa: E402
from frontdesk.gateway.limits import CHARS_PER_TOKEN  # noqa: E402
from frontdesk.llm.factory import openai_compatible_model  # noqa: E402
from frontdesk.llm.openai_test_server import OpenAITestServer  # noqa: E402

RESULTS = ROOT / "bench" / "results"
LOGIN = {"tool_calls": [{"name": "find_user_id_by_email", "args": {"email": "ava.chen@example.com"}}]}


def request_tokens(body: dict[str, Any]) -> int:
    """Tokens of what a hosted API reads: every message's text and the tool schemas."""
    text = "".join(
        str(m.get("content") or "") + json.dumps(m.get("tool_calls") or "") for m in body.get("messages", [])
    )
    return (len(text) + len(json.dumps(body.get("tools") or []))) // CHARS_PER_TOKEN


def measure(message: str, routing: bool, workdir: Path) -> tuple[int, int]:
    """(prompt tokens, tools offered) of the agent's call answering ``message``."""
    engine = open_domain_db(f"sqlite:///{workdir / f'shop-{routing}.sqlite'}", "retail", seed_demo=True)
    settings = Settings(data_dir=workdir, model="m", api_key="k", grade_replies=False, intent_routing=routing)
    with OpenAITestServer([LOGIN, "Hello Ava!", "Let me check."]) as server:
        settings = settings.model_copy(update={"base_url": server.base_url})
        graph = build_graph(
            settings, model=openai_compatible_model(settings), checkpointer=InMemorySaver(), engine=engine
        )
        config: Any = {"configurable": {"thread_id": "t"}}
        for text in ["Hi, I'm ava.chen@example.com", message]:
            graph.invoke({"messages": [HumanMessage(text)]}, config)
        body = server.requests[-1]
    engine.dispose()
    return request_tokens(body), len(body.get("tools") or [])


DIRECT_QUESTION = "I'm ava.chen@example.com, where is my order #D1001?"


def turn_with_direct_steps(direct: bool, workdir: Path) -> tuple[int, int]:
    """(model calls, prompt tokens summed over them) of ``DIRECT_QUESTION``'s turn, logged out."""
    engine = open_domain_db(f"sqlite:///{workdir / f'shop-direct-{direct}.sqlite'}", "retail", seed_demo=True)
    settings = Settings(
        data_dir=workdir, model="m", api_key="k", grade_replies=False, intent_routing=True, direct_steps=direct
    )
    lookup = {"tool_calls": [{"name": "get_order_details", "args": {"order_id": "#D1001"}}]}
    script = ["Your order #D1001 is pending."] if direct else [LOGIN, lookup, "Your order #D1001 is pending."]
    with OpenAITestServer(script) as server:
        settings = settings.model_copy(update={"base_url": server.base_url})
        graph = build_graph(
            settings, model=openai_compatible_model(settings), checkpointer=InMemorySaver(), engine=engine
        )
        graph.invoke({"messages": [HumanMessage(DIRECT_QUESTION)]}, {"configurable": {"thread_id": "t"}})
        requests = list(server.requests)
    engine.dispose()
    return len(requests), sum(request_tokens(body) for body in requests)


def main() -> None:
    rows = []
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        scenario = yaml.safe_load(path.read_text(encoding="utf-8"))
        if "live" not in scenario.get("tags", []):
            continue
        message = scenario["turns"][0]["user"]
        with tempfile.TemporaryDirectory() as tmp:
            off, tools_off = measure(message, False, Path(tmp))
            on, tools_on = measure(message, True, Path(tmp))
        rows.append(
            {"scenario": path.stem, "tokens_off": off, "tokens_on": on, "tools_off": tools_off, "tools_on": tools_on}
        )
        print(f"{path.stem:38} {off:6} -> {on:6} tokens   {tools_off:2} -> {tools_on:2} tools", flush=True)
    mean_off = statistics.fmean(r["tokens_off"] for r in rows)
    mean_on = statistics.fmean(r["tokens_on"] for r in rows)
    print(
        f"mean prompt tokens per call: {mean_off:.0f} -> {mean_on:.0f} (x{mean_on / mean_off:.2f}) over {len(rows)} "
        "live scenarios"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        direct = {
            name: dict(zip(("model_calls", "prompt_tokens"), turn_with_direct_steps(on, Path(tmp)), strict=True))
            for name, on in (("off", False), ("on", True))
        }
    print(
        f"direct steps, {DIRECT_QUESTION!r}: {direct['off']['model_calls']} calls / {direct['off']['prompt_tokens']} "
        "tokens -> ",
        end="",
    )
    print(f"{direct['on']['model_calls']} call(s) / {direct['on']['prompt_tokens']} tokens")
    summary = {
        "mean_tokens_off": mean_off,
        "mean_tokens_on": mean_on,
        "ratio": mean_on / mean_off,
        "scenarios": rows,
        "direct_steps": direct,
    }
    (RESULTS / "intent_tokens.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
