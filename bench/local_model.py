"""The bundled offline model on the live scenarios, before and after the small-model features.

``before``: intent routing off and the model grading its own drafts (what ``--model local``
did before); ``after``: the defaults — intent routing with forced first steps, drafts graded
by rules, the shared prompt prefix warmed when the app opens.

For each variant: the first reply (median of three runs) to "I'm ava.chen@example.com, where is my order #D1001?"
with the settings ``frontdesk chat --model local`` uses (seconds from sending to the reply;
the one-time assembly, the server's start and the prompt warm-up — done while the customer
types — are timed apart), then ``frontdesk replay scenarios/ -k live --live --model local``
in a child process with one model thread (``FRONTDESK_LOCAL_THREADS=1``), with the pass
rate and total time. Keep the machine otherwise idle. Needs the ``local`` extra. Writes
bench/results/local_model.json (a variant run alone keeps the other's last numbers).

    python bench/local_model.py [--variants before,after] [--keyword live]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "local_model.json"
QUESTION = "I'm ava.chen@example.com, where is my order #D1001?"

FIRST_REPLY = """
import sys, time, json
from pathlib import Path
from frontdesk.app import open_app
from frontdesk.llm.local import local_server
from frontdesk.config.settings import Settings
import tempfile
# a fresh shop every run (the model's weights stay in the shared data dir): an earlier run's changes must not change the
    answer
fresh = Path(tempfile.mkdtemp(prefix="frontdesk-first-reply-")) / "shop.sqlite"
settings = Settings.from_env(model="local", data_dir=Path(sys.argv[1]), demo=True, database_url=f"sqlite:///{fresh}")
started = time.perf_counter()
local_server(settings)  # the server is up before the clock starts
server_s = time.perf_counter() - started
with open_app(settings) as app:
    warmup_s = None
    if app.warmup is not None:
        app.warmup.wait()
        warmup_s = app.warmup.seconds
    conversation = app.conversation("first-reply-" + str(time.time_ns()))
    started = time.perf_counter()
    for _ in conversation.send(sys.argv[2]):
        pass
    seconds = time.perf_counter() - started
    reply = conversation.reply
print("RESULT " + json.dumps({"seconds": seconds, "reply": reply, "server_start_s": server_s, "warmup_s": warmup_s}))
"""


VARIANTS = {
    "before": {"FRONTDESK_INTENT_ROUTING": "0", "FRONTDESK_GRADE_WITH": "model"},
    "after": {},
}


def child_env(variant: str, data_dir: Path, *, one_thread: bool = True) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FRONTDESK_", "OPENAI_"))}
    env.update(VARIANTS[variant], FRONTDESK_DATA_DIR=str(data_dir), PYTHONWARNINGS="ignore")
    if one_thread:
        env["FRONTDESK_LOCAL_THREADS"] = "1"
    return env


def first_reply(variant: str, data_dir: Path) -> dict[str, Any]:
    command = [sys.executable, "-c", FIRST_REPLY, str(data_dir), QUESTION]
    done = subprocess.run(
        command, env=child_env(variant, data_dir, one_thread=False), capture_output=True, text=True, timeout=1800
    )
    line = next((line for line in done.stdout.splitlines() if line.startswith("RESULT ")), None)
    if line is None:
        return {"error": (done.stderr.strip().splitlines() or ["no output"])[-1]}
    return dict(json.loads(line[len("RESULT ") :]))


def first_replies(variant: str, data_dir: Path, runs: int) -> dict[str, Any]:
    """The first reply ``runs`` times (each in a fresh process, on a fresh shop): the median run, with every run's
    seconds."""
    results = [first_reply(variant, data_dir) for _ in range(runs)]
    timed = sorted((r for r in results if "seconds" in r), key=lambda r: float(r["seconds"]))
    if not timed:
        return results[0]
    return {**timed[len(timed) // 2], "runs_s": [round(float(r["seconds"]), 1) for r in results if "seconds" in r]}


def live_scenarios(variant: str, data_dir: Path, keyword: str) -> dict[str, Any]:
    report = data_dir / f"live-{variant}.json"
    report.unlink(missing_ok=True)
    command = [
        sys.executable,
        "-m",
        "frontdesk.cli.app",
        "replay",
        str(ROOT / "scenarios"),
        "-k",
        keyword,
        "--live",
        "--model",
        "local",
    ]
    command += ["--report", str(report), "-v"]
    started = time.perf_counter()
    done = subprocess.run(command, env=child_env(variant, data_dir), capture_output=True, text=True, timeout=6 * 3600)
    seconds = time.perf_counter() - started
    (data_dir / f"live-{variant}.txt").write_text(done.stdout, encoding="utf-8")  # every conversation, for reading why
    if not report.exists():
        return {
            "error": (done.stderr.strip().splitlines() or done.stdout.strip().splitlines() or ["no output"])[-1],
            "seconds": seconds,
        }
    data = json.loads(report.read_text())
    scenarios = data["scenarios"]
    return {
        "passed": data["passed"],
        "scenarios": len(scenarios),
        "pass_rate": data["passed"] / len(scenarios) if scenarios else 0.0,
        "seconds": seconds,
        "per_scenario": {
            s["path"].rsplit("/", 1)[-1]: {
                "passed": s["passed"],
                "seconds": s["duration_s"],
                "failures": s["failures"][:2],
            }
            for s in scenarios
        },
        "output_tail": done.stdout.strip().splitlines()[-3:],
    }


def report_live(variant: str, scenarios: dict[str, Any]) -> None:
    if "error" in scenarios:
        print(f"{variant}: live scenarios failed to run: {scenarios['error']}", flush=True)
    else:
        print(
            f"{variant}: {scenarios['passed']}/{scenarios['scenarios']} live scenarios passed in "
            f"{scenarios['seconds'] / 60:.1f} min",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--variants", default="before,after", help="before (routing off, model grader), after (the defaults), or both"
    )
    parser.add_argument("--keyword", default="live")
    parser.add_argument("--no-first-reply", action="store_true", help="Only the live scenarios")
    parser.add_argument("--no-live", action="store_true", help="Only the first reply")
    parser.add_argument("--first-replies", type=int, default=3, help="Runs of the first reply (the median is reported)")
    options = parser.parse_args()
    results: dict[str, Any] = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    for variant in [v.strip() for v in options.variants.split(",") if v.strip()]:
        if variant not in VARIANTS:
            parser.error(f"--variants: {variant!r} is not one of {', '.join(VARIANTS)}")
        data_dir = (
            Path(tempfile.gettempdir()) / "frontdesk-local-bench"
        )  # kept: the model's weights are assembled here once
        data_dir.mkdir(exist_ok=True)
        previous = results.get(variant, {})
        reply = (
            previous.get("first_reply", {})
            if options.no_first_reply
            else first_replies(variant, data_dir, options.first_replies)
        )
        if not options.no_first_reply:
            runs = f" (runs: {', '.join(map(str, reply.get('runs_s', [])))} s)"
            print(
                f"{variant}: first reply in {reply.get('seconds', float('nan')):.1f} s{runs}: "
                f"{reply.get('reply') or reply.get('error')!r}",
                flush=True,
            )
        scenarios = previous.get("live", {}) if options.no_live else live_scenarios(variant, data_dir, options.keyword)
        if not options.no_live:
            report_live(variant, scenarios)
        results[variant] = {
            "keyword": options.keyword,
            "settings": VARIANTS[variant],
            "first_reply": reply,
            "live": scenarios,
        }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
