"""Prompt tokens per model call with and without intent routing, on a hosted-style endpoint.

For the first message of every scenario tagged ``live``, the customer-service agent's call
is sent to the scripted OpenAI-compatible test server (the customer already
authenticated, so every tool the request may need is offered), once with intent routing off
and once on; the request body's tokens are estimated as the gateway's rate limits do (4
characters a token; no tokenizer files can be fetched here): the messages plus the tool
schemas, as a hosted API bills them. Writes bench/results/intent_tokens.json.

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
    text = "".join(str(m.get("content") or "") + json.dumps(m.get("tool_calls") or "") for m in body.get("messages", []))
    return (len(text) + len(json.dumps(body.get("tools") or []))) // CHARS_PER_TOKEN


def measure(message: str, routing: bool, workdir: Path) -> tuple[int, int]:
    """(prompt tokens, tools offered) of the agent's call answering ``message``."""
    engine = open_domain_db(f"sqlite:///{workdir / f'shop-{routing}.sqlite'}", "retail", seed_demo=True)
    settings = Settings(data_dir=workdir, model="m", api_key="k", grade_replies=False, intent_routing=routing)
    with OpenAITestServer([LOGIN, "Hello Ava!", "Let me check."]) as server:
        settings = settings.model_copy(update={"base_url": server.base_url})
        graph = build_graph(settings, model=openai_compatible_model(settings), checkpointer=InMemorySaver(), engine=engine)
        config: Any = {"configurable": {"thread_id": "t"}}
        for text in ["Hi, I'm ava.chen@example.com", message]:
            graph.invoke({"messages": [HumanMessage(text)]}, config)
        body = server.requests[-1]
    engine.dispose()
    return request_tokens(body), len(body.get("tools") or [])


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
        rows.append({"scenario": path.stem, "tokens_off": off, "tokens_on": on, "tools_off": tools_off, "tools_on": tools_on})
        print(f"{path.stem:38} {off:6} -> {on:6} tokens   {tools_off:2} -> {tools_on:2} tools", flush=True)
    mean_off = statistics.fmean(r["tokens_off"] for r in rows)
    mean_on = statistics.fmean(r["tokens_on"] for r in rows)
    print(f"mean prompt tokens per call: {mean_off:.0f} -> {mean_on:.0f} (x{mean_on / mean_off:.2f}) over {len(rows)} live scenarios")
    RESULTS.mkdir(parents=True, exist_ok=True)
    summary = {"mean_tokens_off": mean_off, "mean_tokens_on": mean_on, "ratio": mean_on / mean_off, "scenarios": rows}
    (RESULTS / "intent_tokens.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
