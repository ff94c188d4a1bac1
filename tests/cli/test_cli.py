"""The CLI as a person uses it: `frontdesk demo` offline, and `frontdesk chat` over HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from frontdesk.llm.openai_test_server import OpenAITestServer

FRONTDESK = [sys.executable, "-m", "frontdesk.cli.app"]


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "FRONTDESK_", "OTEL_"))}
    env.update(FRONTDESK_DEMO="1", FRONTDESK_DATA_DIR=str(tmp_path / "data"), COLUMNS="200", **extra)
    return env


def run(args: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*FRONTDESK, *args], input=stdin, capture_output=True, text=True, env=env, timeout=300, check=False
    )


def test_demo_runs_offline_and_stores_traces(tmp_path: Path) -> None:
    done = run(["demo"], clean_env(tmp_path))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    shipped = Path(__file__).resolve().parents[2] / "scenarios"
    scenarios = len(list(shipped.rglob("*.yaml"))) - len(
        list((shipped / "airline").glob("*.yaml"))
    )  # the retail ones (the default domain)
    assert f"{scenarios}/{scenarios} scenarios passed" in done.stdout
    assert (
        "⇢ handed to a person" in done.stdout and "grader" in done.stdout and "✓ find_user_id_by_email" in done.stdout
    )
    assert (tmp_path / "data" / "traces.duckdb").exists()
    listed = run(["traces", "list", "--limit", "100"], clean_env(tmp_path))
    assert listed.returncode == 0 and "Order status" in listed.stdout


def test_chat_without_a_model_says_how_to_configure_one(tmp_path: Path) -> None:
    done = run(["chat"], clean_env(tmp_path))
    assert done.returncode == 2
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "No model configured" in lines[0] and "frontdesk demo" in lines[0]
    assert "Traceback" not in done.stderr


def test_chat_talks_to_an_openai_compatible_endpoint_and_resumes_the_thread(tmp_path: Path) -> None:
    script = [
        {"tool_calls": [{"name": "find_user_id_by_email", "args": {"email": "ava.chen@example.com"}}]},
        {"tool_calls": [{"name": "get_order_details", "args": {"order_id": "#D1002"}}]},
        "Your order #D1002 was delivered.",
        {"verdict": "pass"},
    ]
    with OpenAITestServer(script) as server:
        env = clean_env(tmp_path, FRONTDESK_MODEL="test-model", OPENAI_BASE_URL=server.base_url, OPENAI_API_KEY="k")
        first = run(
            ["chat", "--thread", "t-42"], env, stdin="I'm ava.chen@example.com, where is order #D1002?\n/quit\n"
        )
        assert server.remaining == 0
        assert server.requests[0]["stream"] is True
    assert first.returncode == 0, first.stdout + first.stderr
    assert "✓ find_user_id_by_email" in first.stdout and "✓ get_order_details" in first.stdout
    assert "customer_service › Your order #D1002 was delivered." in first.stdout
    assert "frontdesk chat --thread t-42" in first.stdout
    with OpenAITestServer([]) as server:
        env = clean_env(tmp_path, FRONTDESK_MODEL="test-model", OPENAI_BASE_URL=server.base_url, OPENAI_API_KEY="k")
        second = run(["chat", "--thread", "t-42"], env, stdin="/quit\n")
    assert second.returncode == 0
    assert "you › I'm ava.chen@example.com, where is order #D1002?" in second.stdout
    assert "customer_service › Your order #D1002 was delivered." in second.stdout


def test_chat_on_an_empty_database_says_no_customer_can_log_in(tmp_path: Path) -> None:
    with OpenAITestServer([]) as server:
        env = clean_env(tmp_path, FRONTDESK_MODEL="test-model", OPENAI_BASE_URL=server.base_url, OPENAI_API_KEY="k")
        env.pop("FRONTDESK_DEMO")
        empty = run(["chat"], env, stdin="/quit\n")
        seeded = run(["chat", "--demo"], env, stdin="/quit\n")
    assert empty.returncode == 0, empty.stdout + empty.stderr
    assert "the retail database is empty: no customer can log in; --demo loads the demo data" in empty.stdout
    assert seeded.returncode == 0 and "database is empty" not in seeded.stdout


def test_chat_with_a_failing_endpoint_gives_the_fallback_reply_and_a_ticket(tmp_path: Path) -> None:
    import pexpect

    with OpenAITestServer([]) as server:  # every request: 500
        env = clean_env(
            tmp_path,
            FRONTDESK_MODEL="m",
            OPENAI_BASE_URL=server.base_url,
            OPENAI_API_KEY="k",
            FRONTDESK_MAX_RETRIES="1",
            NO_COLOR="1",
        )
        chat = pexpect.spawn(
            sys.executable,
            ["-m", "frontdesk.cli.app", "chat"],
            env=env,
            encoding="utf-8",
            timeout=60,
            dimensions=(40, 200),
        )
        try:
            chat.expect("you")
            chat.sendline("hello")
            chat.expect("we're having trouble answering right now")
            chat.expect("waiting for an operator")
            chat.sendintr()
            chat.expect("stopped waiting")
            chat.sendline("/quit")
            chat.expect(pexpect.EOF)
        finally:
            chat.close(force=True)
        assert len(server.requests) == 2, "one retry, then the fallback reply: no endless retrying"
    assert "Traceback" not in (chat.before or "")
    inbox = run(["inbox"], clean_env(tmp_path))
    assert "no model answered: primary: http_500 after 2 attempt(s)" in inbox.stdout and "high" in inbox.stdout


def test_an_owners_page_survives_the_demo_pages_and_a_deployment_gets_no_demo_data(tmp_path: Path) -> None:
    from frontdesk.knowledge import open_knowledge_base

    own = tmp_path / "pages" / "returns.md"
    own.parent.mkdir()
    own.write_text("# Returns\n\n## Return window\n\nOur shop accepts returns within 90 days of delivery.\n")
    demo_env = clean_env(tmp_path)
    assert run(["inbox"], demo_env).returncode == 0, "the demo pages go in first"
    ingested = run(["kb", "ingest", str(own)], demo_env)
    assert ingested.returncode == 0, ingested.stderr
    assert run(["inbox"], demo_env).returncode == 0
    with OpenAITestServer([]) as model:
        chat = run(
            ["chat"],
            clean_env(tmp_path, FRONTDESK_MODEL="m", OPENAI_BASE_URL=model.base_url, OPENAI_API_KEY="k"),
            stdin="/quit\n",
        )
    assert chat.returncode == 0, chat.stderr
    kb = open_knowledge_base(tmp_path / "data" / "knowledge.duckdb", "bm25")
    assert kb.source("returns") == str(own)
    with kb.connect(read_only=True) as db:
        texts = [row[0] for row in db.execute("SELECT text FROM chunks WHERE doc_id = 'returns'").fetchall()]
    assert texts and all("90 days" in text for text in texts if "window" in text.lower()), texts

    fresh = {k: v for k, v in clean_env(tmp_path / "deployment").items() if k != "FRONTDESK_DEMO"}
    with OpenAITestServer([]) as model:
        refused = run(
            ["chat", "--customer", "ava.chen@example.com"],
            {**fresh, "FRONTDESK_MODEL": "m", "OPENAI_BASE_URL": model.base_url, "OPENAI_API_KEY": "k"},
            stdin="/quit\n",
        )
    assert refused.returncode == 2 and "--customer ava.chen@example.com: User not found" in refused.stderr, (
        refused.stderr
    )
    assert (
        not (tmp_path / "deployment" / "data" / "knowledge.duckdb").exists()
        or open_knowledge_base(tmp_path / "deployment" / "data" / "knowledge.duckdb", "bm25").counts()[0] == 0
    )


def test_every_secret_in_a_database_url_is_masked(tmp_path: Path) -> None:
    from frontdesk.persistence.urls import mask_password

    for url in (
        "postgresql://fd:s3cret@127.0.0.1:1/db",
        "postgresql://127.0.0.1:1/db?user=fd&password=s3cret",
        "postgresql://127.0.0.1:1/db?sslpassword=s3cret",
    ):
        assert "s3cret" not in mask_password(url)
        done = run(["inbox"], clean_env(tmp_path, FRONTDESK_DATABASE_URL=url))
        assert done.returncode == 2 and "s3cret" not in done.stdout + done.stderr and "Traceback" not in done.stderr


def test_an_error_line_keeps_its_brackets(capsys) -> None:
    import pytest
    import typer

    from frontdesk.cli.common import fail

    with pytest.raises(typer.Exit):
        fail("Postgres support needs the extra: pip install 'frontdesk[postgres]' ([bold]not markup[/])")
    assert "pip install 'frontdesk[postgres]' ([bold]not markup[/])" in capsys.readouterr().err


def test_a_local_model_error_is_the_users_line_not_an_unexpected_one(tmp_path: Path, monkeypatch, capsys) -> None:
    import pytest

    import frontdesk.cli
    import frontdesk.cli.app
    from frontdesk.llm.local_errors import LocalModelError

    said = (
        "the local model server crashed on its first completion (SIGILL): rebuild it portable: CMAKE_ARGS=... pip "
        "install ..."
    )

    def failing_app() -> None:
        raise LocalModelError(said)

    monkeypatch.setenv("FRONTDESK_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(frontdesk.cli.app, "app", failing_app)
    with pytest.raises(SystemExit) as exited:
        frontdesk.cli.main()
    err = capsys.readouterr().err
    assert exited.value.code == 2
    assert said in err and "unexpected" not in err and "Traceback" not in err
    assert not (tmp_path / "logs" / "cli.log").exists(), "a known failure is not logged as a crash"


def test_settings_refuse_unknown_fields_and_a_named_config_file_that_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pydantic import ValidationError

    from frontdesk import ConfigError, Settings

    with pytest.raises(ValidationError, match="databse_url"):
        Settings(databse_url="sqlite:///x.sqlite")  # type: ignore[call-arg]
    monkeypatch.setenv("FRONTDESK_CONFIG", str(tmp_path / "typo.toml"))
    with pytest.raises(ConfigError, match=r"FRONTDESK_CONFIG=.*typo.toml: no such file"):
        Settings.from_env()
