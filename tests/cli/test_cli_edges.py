"""The CLI's edges as a newcomer meets them: help that reads as words, a version, one line
for every mistake (all of a file's mistakes at once), and a fast start."""

from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys
from pathlib import Path

from tests.cli.test_cli import clean_env, run


def test_version_and_help_name_values_in_words_not_python_types(tmp_path: Path) -> None:
    env = clean_env(tmp_path)
    version = run(["--version"], env)
    assert version.returncode == 0 and version.stdout.strip() == f"frontdesk {importlib.metadata.version('frontdesk')}"
    shown = run(["replay", "--help"], env).stdout + run(["alerts", "--help"], env).stdout
    assert "<bool>" not in shown and "<str>" not in shown and "list[" not in shown
    assert "PATH" in shown and "TEXT" in shown and "[[alerts]]" in shown  # brackets are text, not markup


def test_an_unknown_domain_is_one_line_in_every_command(tmp_path: Path) -> None:
    env = clean_env(tmp_path, FRONTDESK_MODEL="m", OPENAI_BASE_URL="http://127.0.0.1:9/v1")
    for command in (["chat", "--domain", "bank"], ["demo", "--domain", "bank"]):
        done = run(command, env, stdin="")
        assert done.returncode == 2, command
        assert done.stderr.strip() == "error: unknown domain 'bank'; known: airline, retail", done.stderr


def test_a_dashboard_of_a_span_store_that_is_not_there_is_an_error_not_an_empty_page(tmp_path: Path) -> None:
    page = tmp_path / "x.html"
    done = run(["dashboard", "--db", str(tmp_path / "nope.duckdb"), "--out", str(page)], clean_env(tmp_path))
    assert done.returncode == 2 and "nope.duckdb: no span store there" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and not page.exists()


def test_every_mistake_of_every_bad_scenario_file_is_listed_at_once(tmp_path: Path) -> None:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "a.yaml").write_text("name: a\nturns: 3\nfoo: 1\n")
    (folder / "b.yaml").write_text("name: b\nturns:\n  - customer: hi\n")
    done = run(["replay", str(folder)], clean_env(tmp_path))
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert lines == [
        f"error: {folder / 'a.yaml'}:2: field turns: Input should be a valid list",
        f"error: {folder / 'a.yaml'}:3: field foo: Extra inputs are not permitted",
        f"error: {folder / 'b.yaml'}:3: field turns.0.user: Field required",
        f"error: {folder / 'b.yaml'}:3: field turns.0.customer: Extra inputs are not permitted",
    ]


def test_help_and_version_start_without_the_graph_the_models_or_the_databases() -> None:
    """``--help`` lists commands without importing what they run (LangChain, LangGraph, DuckDB,
    the app): those imports took it from 0.4 s to 2.5 s (``python bench/cli_startup.py``)."""
    probe = (
        "import sys, runpy; sys.argv = ['frontdesk', '--help']\n"
        "try:\n    runpy.run_module('frontdesk.cli.app', run_name='__main__')\nexcept SystemExit:\n    pass\n"
        "import json; print(json.dumps(sorted(sys.modules)), file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False)
    loaded = set(json.loads(done.stderr.strip().splitlines()[-1]))
    heavy = {"langchain_core", "langgraph", "duckdb", "sqlalchemy", "frontdesk.app", "frontdesk.graphs", "numpy"}
    assert loaded & heavy == set()
    assert "Usage: frontdesk" in done.stdout


def test_chat_against_an_endpoint_nothing_answers_at_says_so_at_start(tmp_path: Path) -> None:
    from tests.net import free_port

    env = clean_env(tmp_path, FRONTDESK_MODEL="m", OPENAI_BASE_URL=f"http://127.0.0.1:{free_port()}/v1")
    done = run(["chat"], env, stdin="hello\n")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("error: cannot reach the model endpoint http://127.0.0.1:")
    assert "frontdesk model-server" in done.stderr
    assert "fallback" not in done.stdout and run(["inbox"], clean_env(tmp_path)).stdout.count("high") == 0


def test_chat_with_its_input_closed_does_not_wait_for_an_operator_for_ever(tmp_path: Path) -> None:
    from frontdesk.llm.openai_test_server import OpenAITestServer

    with OpenAITestServer([]) as server:  # every request fails: the fallback reply hands the thread to a person
        env = clean_env(
            tmp_path,
            FRONTDESK_MODEL="m",
            OPENAI_BASE_URL=server.base_url,
            OPENAI_API_KEY="k",
            FRONTDESK_MAX_RETRIES="0",
        )
        done = run(["chat", "--thread", "piped"], env, stdin="hello\n")
    assert done.returncode == 0, done.stderr
    assert "stopped waiting" in done.stdout and "`frontdesk chat --thread piped`" in done.stdout
    assert "Thread kept" in done.stdout


def test_the_demo_fits_an_80_column_terminal_and_tours_a_few_conversations(tmp_path: Path) -> None:
    """A newcomer's first output: a handful of whole conversations, then one row per scenario with
    its name whole, not 1,500 lines with names split mid-word; ``--all`` prints every conversation."""
    env = clean_env(tmp_path)
    env["COLUMNS"] = "80"
    done = run(["demo"], env)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) < 250
    assert sum(" PASS " in line for line in lines) == 5  # the tour: five whole conversations
    assert all(len(line.rstrip()) <= 80 for line in lines)
    assert any(line.split()[:2] == ["consent-in-the-message-is-not-enough", "pass"] for line in lines if line.strip())
    assert "`frontdesk demo --all`" in done.stdout
    every = run(["demo", "--all"], env)
    assert every.returncode == 0 and sum(" PASS " in line for line in every.stdout.splitlines()) > 40
