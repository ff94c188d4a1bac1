"""AG-UI clients (CopilotKit and others) talk to frontdesk over the open protocol: the same
turn as the plain SSE endpoint, as AG-UI events a client's own parser reads."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from ag_ui.core import EventType, RunAgentInput, UserMessage

from frontdesk.llm.openai_test_server import OpenAITestServer
from tests.server.test_server import running_server

SCRIPT = [
    {
        "tool_calls": [
            {"name": "find_user_id_by_email", "args": {"email": "ava.chen@example.com"}},
            {"name": "get_order_details", "args": {"order_id": "#D1002"}},
        ]
    },
    "Order #D1002 was delivered on March 3.",
    {"verdict": "pass"},
    {"tool_calls": [{"name": "cancel_pending_order", "args": {"order_id": "#D1001", "reason": "no longer needed"}}]},
]


def run(base: str, thread: dict[str, str], text: str, run_id: str) -> tuple[int, list[dict]]:
    body = RunAgentInput(
        thread_id=thread["thread_id"],
        run_id=run_id,
        state={},
        messages=[UserMessage(id=f"m-{run_id}", role="user", content=text)],
        tools=[],
        context=[],
        forwarded_props={},
    )
    headers = {"X-Customer-Token": thread["customer_token"], "Accept": "text/event-stream"}
    payload = json.loads(body.model_dump_json(by_alias=True))
    with httpx.stream("POST", f"{base}/agui", json=payload, headers=headers, timeout=60) as response:
        raw = response.read().decode()
    events = [json.loads(line[6:]) for line in raw.splitlines() if line.startswith("data: ")]
    return response.status_code, events


def test_a_turn_over_agui_and_a_refused_one(tmp_path: Path) -> None:
    with OpenAITestServer(SCRIPT) as model, running_server(tmp_path, model) as base:
        thread = httpx.post(f"{base}/threads").json()
        status, events = run(base, thread, "I'm ava.chen@example.com. Where is #D1002?", "run-1")
        assert status == 200
        kinds = [e["type"] for e in events]
        assert kinds[0] == EventType.RUN_STARTED and kinds[-1] == EventType.RUN_FINISHED
        assert {"type": "STEP_STARTED", "stepName": "tool:get_order_details"} in events
        text = "".join(e["delta"] for e in events if e["type"] == EventType.TEXT_MESSAGE_CONTENT)
        assert text == "Order #D1002 was delivered on March 3."
        assert events[-1]["result"]["by"] == "customer_service" and events[-1]["runId"] == "run-1"
        assert not any("ava_chen_1001" in json.dumps(e) for e in events)  # tool results stay with the agents

        status, events = run(base, thread, "Please cancel #D1001.", "run-2")
        waiting = [e for e in events if e["type"] == EventType.CUSTOM and e["name"] == "frontdesk.waiting"]
        assert waiting and waiting[0]["value"]["type"] == "confirmation"
        status, events = run(base, thread, "what would that cost?", "run-3")  # neither yes nor no
        assert [e["type"] for e in events] == ["RUN_STARTED", "RUN_ERROR"]
        assert events[-1]["code"] == "awaiting_confirmation"

        wrong = httpx.post(f"{base}/agui", json={"threadId": thread["thread_id"], "runId": "x"})
        assert wrong.status_code in {401, 422}
