"""The README as a newcomer uses it: two commands first, short, and its tour runs as written."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.net import free_port

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
CUSTOMER_LINES = "Hi, I'm ava.chen@example.com. Please cancel order #D1001.\nyes\nyes\n/quit\n"


def shell_blocks(section: str) -> list[str]:
    text = README.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)```", text, re.S)


def test_the_readme_starts_with_the_two_commands_and_stays_short() -> None:
    first = re.findall(r"```sh\n(.*?)```", README, re.S)[0].splitlines()
    assert len(first) == 2 and first[0].endswith("frontdesk demo") and "pytest" in first[1]
    assert README.startswith("# frontdesk\n\n```sh\n")
    assert len(README.splitlines()) <= 150


def test_the_first_ten_minutes_run_as_written(tmp_path: Path) -> None:
    """Every command of the tour, in one shell as a reader would type them (the chat's lines on
    its input, the approval's id read from the inbox, free ports for the two servers), in an
    empty home after ``frontdesk demo``: each must succeed and say what the README promises."""
    blocks = shell_blocks("Your first ten minutes")
    assert len(blocks) == 4
    model_port, server_port = free_port(), free_port()
    script = "\n".join(blocks)
    script = script.replace("8100", str(model_port)).replace("localhost:8000", f"localhost:{server_port}")
    script = script.replace("--port 8000", f"--port {server_port}")
    script = script.replace("A-…", "$(frontdesk inbox | grep -o 'A-[0-9a-f]*' | head -1)")
    work = tmp_path / "checkout"
    work.mkdir()
    (work / ".venv").symlink_to(sys.prefix)  # the venv these tests run in, where the README's would be
    (work / "examples").symlink_to(REPO / "examples")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "FRONTDESK_", "OTEL_", "VIRTUAL_ENV"))}
    env.update(HOME=str(tmp_path / "home"), COLUMNS="100")
    demo = subprocess.run(
        [sys.executable, "-m", "frontdesk.cli.app", "demo"], cwd=work, env=env, capture_output=True, text=True
    )
    assert demo.returncode == 0, demo.stderr[-2000:]
    done = subprocess.run(
        ["bash", "-e", "-c", f"set -o pipefail\n{script}\nwait"],
        cwd=work,
        env=env,
        input=CUSTOMER_LINES,
        capture_output=True,
        text=True,
        timeout=600,
    )
    out = done.stdout
    assert done.returncode == 0, (out[-3000:], done.stderr[-3000:])
    assert "Traceback" not in out + done.stderr
    assert "wrote dashboard.html" in out and (work / "dashboard.html").stat().st_size > 100_000
    assert "Shall I go ahead? (yes/no)" in out and "Please confirm: cancel order #D1001" in out
    assert "waiting for an operator to approve cancel_pending_order" in out
    assert "Approved A-" in out
    assert "order #D1001 is cancelled and the refund of 129.00" in out  # the reply after the approval
    assert "event: done" in out and "What is the email address on your account?" in out
    assert re.search(r"POST /threads/web-[0-9a-f]+/messages 200", done.stderr), done.stderr[-2000:]


def test_every_link_in_the_readme_leads_somewhere() -> None:
    links = re.findall(r"\]\(([^)#]+)\)", README)
    local = [link for link in links if not link.startswith("http")]
    assert local and [link for link in local if not (REPO / link).exists()] == []


def test_the_documentation_site_builds_strictly(tmp_path: Path) -> None:
    """``mkdocs build --strict``: a broken link, a missing snippet or a page left out of the
    navigation fails; the generated references (settings, commands, HTTP API) render."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    configuration = (tmp_path / "site" / "reference" / "configuration" / "index.html").read_text()
    assert "FRONTDESK_APPROVAL_LIMIT" in configuration and "FRONTDESK_HEADER_TIMEOUT" in configuration
    commands = (tmp_path / "site" / "reference" / "cli" / "index.html").read_text()
    assert "frontdesk inbox approve" in commands and "--all" in commands
    http = (tmp_path / "site" / "reference" / "http-api" / "index.html").read_text()
    assert "/threads/{thread_id}/messages" in http
    embedding = (tmp_path / "site" / "guides" / "embedding" / "index.html").read_text()
    assert "conversation" in embedding and "--8&lt;--" not in embedding and "--8<--" not in embedding
