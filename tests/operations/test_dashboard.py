"""The dashboard drawn in a real headless browser, its numbers against `traces stats`, and the server's routes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from frontdesk.llm.openai_test_server import OpenAITestServer
from frontdesk.tracing.queries import stats
from tests.net import free_port, listening
from tests.server.test_server import running_server, sse

FRONTDESK = str(Path(sys.executable).with_name("frontdesk"))
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--virtual-time-budget=10000",
]
CHARTS = ("latency", "volume", "automation", "grader", "tool_errors", "feedback", "gateway", "cost")


def environment(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "FRONTDESK_", "OTEL_"))}
    env.update(FRONTDESK_DATA_DIR=str(data_dir), COLUMNS="200")
    return env


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir holding the traces of the shipped scenarios (`frontdesk demo`)."""
    data = tmp_path_factory.mktemp("replayed")
    done = subprocess.run([FRONTDESK, "demo"], env=environment(data), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return data


@contextmanager
def dashboard_server(data: Path) -> Iterator[str]:
    port = free_port()
    with listening([FRONTDESK, "dashboard", "--port", str(port)], port, env=environment(data), text=True):
        yield f"http://127.0.0.1:{port}/"


def browser(*arguments: str, profile: Path) -> subprocess.CompletedProcess[str]:
    if CHROMIUM is None:
        pytest.skip("the browser tests need Debian's chromium package (apt-get install chromium)")
    return subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *arguments],
        capture_output=True,
        text=True,
        timeout=180,
    )


def chart_parts(dom: str) -> dict[str, str]:
    """Each chart's part of the page, by key."""
    parts = re.split(r'<div id="chart-', dom)[1:]
    return {part.split('"', 1)[0]: part for part in parts}


def kpi(dom: str, name: str) -> str:
    match = re.search(rf"""data-kpi=["']{re.escape(name)}["']>([^<]*)<""", dom)
    assert match, name
    return match.group(1)


def test_the_charts_draw_in_a_browser_and_the_numbers_are_those_of_traces_stats(replayed: Path, tmp_path: Path) -> None:
    with dashboard_server(replayed) as url:
        rendered = browser("--dump-dom", url, profile=tmp_path / "profile")
        shot = browser(
            "--window-size=1280,2400", f"--screenshot={tmp_path / 'dashboard.png'}", url, profile=tmp_path / "profile-2"
        )
    assert rendered.returncode == 0, rendered.stderr[-2000:]
    dom = rendered.stdout
    parts = chart_parts(dom)
    assert set(CHARTS) <= set(parts)
    for key in CHARTS:
        assert 'class="main-svg"' in parts[key], f"{key}: plotly drew no SVG"
    for key in ("latency", "volume", "automation", "grader", "tool_errors"):
        drawn = re.search(r'<g class="point"><path d="M', parts[key]) or re.search(
            r'<path class="point"[^>]*d="M', parts[key]
        )  # a bar, a marker
        assert drawn, f"{key}: no data drawn"
    expected = stats(replayed / "traces.duckdb")
    assert kpi(dom, "turns") == str(expected.runs)
    assert kpi(dom, "conversations") == str(expected.conversations)
    assert kpi(dom, "handoff rate") == f"{expected.handoff_rate * 100:.1f}%"
    assert (
        expected.grader_pass_rate is not None
        and kpi(dom, "grader pass rate") == f"{expected.grader_pass_rate * 100:.1f}%"
    )
    assert kpi(dom, "verdicts") == str(expected.verdicts)
    assert shot.returncode == 0 and (tmp_path / "dashboard.png").stat().st_size > 50_000


def test_a_filter_narrows_the_page_and_a_bad_one_is_one_line_on_it(replayed: Path) -> None:
    with dashboard_server(replayed) as url:
        narrowed = httpx.get(url, params={"agent": "researcher"}, timeout=30).text
        everything = httpx.get(url, timeout=30).text
        bad = httpx.get(url, params={"since": "last tuesday"}, timeout=30)
    assert 0 < int(kpi(narrowed, "turns")) < int(kpi(everything, "turns"))
    assert (
        bad.status_code == 200
        and "is neither a duration (7d) nor a date" in bad.text
        and kpi(bad.text, "turns") == kpi(everything, "turns")
    )


def test_the_page_can_be_written_as_one_file(replayed: Path, tmp_path: Path) -> None:
    out = tmp_path / "dashboard.html"
    done = subprocess.run(
        [FRONTDESK, "dashboard", "--out", str(out)],
        env=environment(replayed),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    page = out.read_text(encoding="utf-8")
    assert (
        "<script src=" not in page and "Plotly.newPlot" in page and len(page) > 3_000_000
    )  # plotly.js inlined: opens offline


def test_traces_list_fits_80_columns(replayed: Path) -> None:
    env = {**environment(replayed), "COLUMNS": "80"}
    done = subprocess.run(
        [FRONTDESK, "traces", "list", "--limit", "10"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "…" not in done.stdout  # nothing cut off: long names wrap
    assert re.search(r"^\s*[0-9a-f]{8}\s+\d\d:\d\d:\d\d\s+\d+", done.stdout, re.MULTILINE)


SCRIPT = [step for n in range(3) for step in (f"Hello {n}! How can I help?", {"verdict": "pass"})]


def test_the_server_rates_replies_and_shows_the_dashboard_to_operators(tmp_path: Path) -> None:
    with (
        OpenAITestServer(SCRIPT) as model,
        running_server(tmp_path / "data", model) as base,
        httpx.Client(base_url=base, timeout=60) as client,
    ):
        created = client.post("/threads").json()
        thread, headers = created["thread_id"], {"X-Customer-Token": created["customer_token"]}
        assert (
            client.post(f"/threads/{thread}/feedback", json={"rating": "up"}, headers=headers).status_code == 409
        )  # nothing to rate yet
        with client.stream("POST", f"/threads/{thread}/messages", json={"text": "hi"}, headers=headers) as response:
            done = sse(response)[-1]
        run_id = done[1]["run_id"]
        rated = client.post(
            f"/threads/{thread}/feedback", json={"rating": "down", "comment": "too slow"}, headers=headers
        )
        assert rated.status_code == 201 and rated.json() == {"run_id": run_id, "rating": "down"}
        assert client.post(f"/threads/{thread}/feedback", json={"rating": "meh"}, headers=headers).status_code == 422
        other = client.post("/threads").json()
        other_headers = {"X-Customer-Token": other["customer_token"]}
        stolen = client.post(
            f"/threads/{other['thread_id']}/feedback", json={"rating": "up", "run_id": run_id}, headers=other_headers
        )
        assert stolen.status_code == 404  # a reply of another thread cannot be rated from here
        assert client.post(f"/threads/{thread}/feedback", json={"rating": "up"}).status_code == 401

        assert client.get("/dashboard").status_code == 401
        assert client.get("/dashboard", params={"key": "wrong"}).status_code == 403
        entered = client.get("/dashboard", params={"key": "operator-key"}, follow_redirects=False)
        assert (
            entered.status_code == 303
            and "key=" not in entered.headers["location"]
            and "operator-key" not in entered.headers["set-cookie"]
        )
        page = client.get("/dashboard")  # the client keeps the cookie
        assert (
            page.status_code == 200
            and kpi(page.text, "turns") == "1"
            and kpi(page.text, "ratings") == "1"
            and kpi(page.text, "thumbs-up rate") == "0.0%"
        )
        assert client.get("/dashboard/plotly.js").headers["content-type"].startswith("application/javascript")
        assert httpx.get(f"{base}/dashboard/plotly.js").status_code == 401  # without the cookie
