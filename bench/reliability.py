"""Promises under kills and races, counted: writes applied once, messages never lost, one
winner per operator decision.

Three experiments, each against real parts (SQLite files, real processes, a real HTTP
server on 127.0.0.1), bounded in count and time:

1. Kill trials: a turn that authenticates and writes a credit runs in its own process and
   is SIGKILLed after a random delay (anywhere from start-up to the end of the turn); then
   the customer's next message is sent the way chat and the server send it. Counted:
   credits applied once / twice / never for a stored request, customer messages lost,
   tool calls left without a result.
2. Concurrent posts: M messages posted at once to one thread of `frontdesk serve`;
   accepted (200), refused (409), stored, lost.
3. Operator races: approve and reject sent at the same moment to one approval, K times;
   how many had exactly one winner.
4. Refund races: N customers each confirm two 59.00 credits at the same moment through the
   graph (approval limit 100.00, one SQLite domain DB); how many customers got past the
   limit without an operator.
5. Reused call ids: a model resends the id of a call the customer confirmed, for another
   action, and the customer says no; how many such actions happened anyway.

    python bench/reliability.py [--kills 50] [--posts 100] [--races 20] [--refunds 30] [--reuses 10]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from frontdesk.llm.openai_test_server import OpenAITestServer  # noqa: E402
from tests.server.test_server import running_server, sse  # noqa: E402

APP = ROOT / "tests" / "support_app.py"
FIRST = [
    {
        "customer_service": [
            {"tool_calls": [{"name": "login", "args": {"email": "ava@example.com"}}]},
            {"tool_calls": [{"name": "add_credit", "args": {"amount": 5}, "id": "call-credit-1"}]},
            "Your $5 credit is on its way.",
        ]
    }
]
NEXT = [{"customer_service": ["Your $5 credit is on its way.", "Done.", "Done.", "Done."]}]
ASK = "Please add my $5 credit, I'm ava@example.com"


def kill_trial(folder: Path, delay_s: float) -> dict[str, object]:
    db = f"sqlite:///{folder / 'app.sqlite'}"
    process = subprocess.Popen(
        [sys.executable, str(APP), db, "0", "turn", json.dumps(FIRST), ASK],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(delay_s)
    finished_before_kill = process.poll() is not None
    if not finished_before_kill:
        process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    done = subprocess.run(
        [sys.executable, str(APP), db, "0", "next-message", json.dumps(NEXT), "Thanks!"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "resume failed"}
    state = json.loads(done.stdout)
    asked = sum(1 for m in state["messages"] if m[0] == "human" and m[2] == ASK)
    return {
        "stored": asked,
        "credits": state["credits"],
        "write_called": "call-credit-1" in state["tool_calls"],
        "thanks": sum(1 for m in state["messages"] if m[0] == "human" and m[2] == "Thanks!"),
        "dangling": len(set(state["tool_calls"]) - set(state["tool_results"])),
    }


def kills(count: int) -> None:
    rng = random.Random(7)
    once = twice = never = not_asked = lost_next = dangling = not_stored = errors = 0
    started = time.perf_counter()
    for n in range(count):
        with tempfile.TemporaryDirectory() as tmp:
            result = kill_trial(Path(tmp), rng.uniform(1.2, 4.0))
        if "error" in result:
            errors += 1
            print(f"  trial {n}: {result['error']}")
            continue
        if result["stored"] == 0:
            not_stored += 1
        elif not result["write_called"] and result["credits"] == 0:
            not_asked += 1  # killed before the model asked for the write; on resume the scripted model answered instead
        elif result["credits"] == 1:
            once += 1
        elif result["credits"] == 0:
            never += 1
        else:
            twice += 1
        lost_next += result["thanks"] != 1
        dangling += int(result["dangling"] > 0)
    print(f"kill trials: {count} in {time.perf_counter() - started:.0f} s")
    print(
        f"  request stored before the kill: {count - not_stored - errors}; write applied once {once}, twice {twice}, "
        f"asked for but never applied {never}"
    )
    print(f"  killed before the model asked for the write (the resumed model replied instead): {not_asked}")
    print(f"  killed before the message was stored (the customer saw no reply): {not_stored}")
    print(f"  next message lost: {lost_next}; tool calls left without a result: {dangling}; harness errors: {errors}")


def posts(count: int) -> None:
    script = [step for n in range(count) for step in (f"Answer {n}.", {"verdict": "pass"})]
    outcomes: dict[str, str] = {}
    with (
        tempfile.TemporaryDirectory() as tmp,
        OpenAITestServer(script, delay_s=0.05) as model,
        running_server(Path(tmp), model) as base,
    ):
        created = httpx.post(f"{base}/threads").json()
        thread, headers = created["thread_id"], {"X-Customer-Token": created["customer_token"]}

        def post(n: int) -> None:
            text = f"question {n}"
            try:
                with httpx.stream(
                    "POST", f"{base}/threads/{thread}/messages", json={"text": text}, headers=headers, timeout=300
                ) as response:
                    if response.status_code == 409:
                        response.read()
                        outcomes[text] = "refused"
                        return
                    events = sse(response)
                    outcomes[text] = "accepted" if events and events[-1][0] == "done" else "failed"
            except httpx.HTTPError:
                outcomes[text] = "failed"

        workers = [threading.Thread(target=post, args=(n,)) for n in range(count)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=600)
        stored = {
            m["content"]
            for m in httpx.get(f"{base}/threads/{thread}", headers=headers).json()["messages"]
            if m["role"] == "human"
        }
    accepted = {text for text, outcome in outcomes.items() if outcome == "accepted"}
    print(f"concurrent posts to one thread: {count}")
    print(
        f"  accepted {len(accepted)}, refused with 409 {sum(o == 'refused' for o in outcomes.values())}, failed "
        f"{sum(o == 'failed' for o in outcomes.values())}"
    )
    print(
        f"  stored {len(stored)}; accepted but lost {len(accepted - stored)}; refused but stored "
        f"{len(stored - accepted)}"
    )


def races(count: int) -> None:
    from langgraph.checkpoint.memory import InMemorySaver
    from langgraph.types import Command

    from frontdesk import (
        Inbox,
        InboxError,
        Script,
        ScriptedModels,
        ScriptedStep,
        build_graph,
        get_domain,
        open_domain_db,
    )
    from frontdesk.operators import records

    exactly_one = 0
    for n in range(count):
        with tempfile.TemporaryDirectory() as tmp:
            engine = open_domain_db(f"sqlite:///{tmp}/shop.sqlite", "retail", seed_demo=True)
            steps = [
                {"tool_calls": [{"name": "find_user_id_by_email", "args": {"email": "ava.chen@example.com"}}]},
                {
                    "tool_calls": [
                        {"name": "cancel_pending_order", "args": {"order_id": "#D1001", "reason": "no longer needed"}}
                    ]
                },
                "Done.",
            ]
            script = Script(
                "race",
                [
                    {
                        "customer_service": [ScriptedStep.model_validate(s) for s in steps],
                        "grader": [ScriptedStep.model_validate({"verdict": "pass"})],
                    }
                ],
            )
            graph = build_graph(model=ScriptedModels(script), checkpointer=InMemorySaver(), engine=engine)
            config = {"configurable": {"thread_id": f"race-{n}"}}
            graph.invoke({"messages": [("user", "cancel #D1001, yes")]}, config)
            [asked] = graph.get_state(config).interrupts  # the customer confirms the cancellation
            graph.invoke(Command(resume={asked.id: {"confirmed": True}}), config)
            inbox = Inbox(graph, engine, tools=get_domain("retail").tools_by_name)
            [item] = inbox.items()
            wins: list[str] = []

            def decide(kind: str, inbox: Inbox = inbox, item_id: str = item.id, wins: list[str] = wins) -> None:
                try:
                    inbox.approve(item_id) if kind == "approve" else inbox.reject(item_id, "no")
                    wins.append(kind)
                except InboxError:
                    pass

            racers = [threading.Thread(target=decide, args=(kind,)) for kind in ("approve", "reject")]
            for racer in racers:
                racer.start()
            for racer in racers:
                racer.join(timeout=60)
            status = records.get_approval(engine, item.id)
            exactly_one += (
                len(wins) == 1
                and status is not None
                and status.status == {"approve": "approved", "reject": "rejected"}[wins[0]]
            )
            engine.dispose()
    print(f"approve‖reject races: {count}; exactly one winner, matching the record: {exactly_one}")


def refund_races(customers: int) -> None:
    import concurrent.futures

    from langgraph.types import Command

    from tests.tools import test_money_races as race

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        engine = race.shop(f"sqlite:///{Path(folder) / 'shop.sqlite'}")
        conversations = [race.conversation(engine, f"c{n}") for n in range(customers) for _ in range(2)]
        barrier = threading.Barrier(len(conversations))

        def confirm(graph: object, config: dict[str, object]) -> None:
            [pause] = graph.get_state(config).interrupts  # type: ignore[attr-defined]
            barrier.wait()
            graph.invoke(Command(resume={pause.id: {"confirmed": True}}), config)  # type: ignore[attr-defined]

        with concurrent.futures.ThreadPoolExecutor(len(conversations)) as pool:
            list(pool.map(lambda item: confirm(*item), conversations))
        granted = race.credited(engine)
        engine.dispose()
    over = sum(amount > race.LIMIT for amount in granted.values())
    print(
        f"refund races: {customers} customers x 2 credits of {race.REFUND}.00 confirmed at once (limit "
        f"{race.LIMIT:.2f}), {time.perf_counter() - started:.1f} s"
    )
    print(
        f"  customers over the limit without an operator: {over}; credited once: "
        f"{sum(a == race.REFUND for a in granted.values())}"
    )


def reused_ids(trials: int) -> None:
    from tests.tools import test_reused_call_ids as reuse

    applied = 0
    for _ in range(trials):
        with tempfile.TemporaryDirectory() as folder:
            turns = [
                reuse.turn(reuse.LOGIN, reuse.FAILED_CANCEL, "Not accepted."),
                reuse.turn(reuse.ATTACKER_ADDRESS, "Left as it was."),
            ]
            desk = reuse.Thread(Path(folder), turns)
            reuse.kept_yes_reused(desk)
            applied += reuse.export_tau2_db(desk.engine)["orders"]["#D1001"]["address"]["address1"] == "1 Attacker Way"
            desk.close()
    print(f"reused call ids: {trials}; an action the customer said no to happened anyway: {applied}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--posts", type=int, default=100)
    parser.add_argument("--races", type=int, default=20)
    parser.add_argument("--refunds", type=int, default=30, help="customers in the refund race (two credits each)")
    parser.add_argument("--reuses", type=int, default=10, help="trials of a model reusing a confirmed call's id")
    args = parser.parse_args()
    os.environ.setdefault("COLUMNS", "200")
    experiments = (
        (args.kills, kills),
        (args.posts, posts),
        (args.races, races),
        (args.refunds, refund_races),
        (args.reuses, reused_ids),
    )
    for count, experiment in experiments:
        if count > 0:
            experiment(count)


if __name__ == "__main__":
    main()
