"""`frontdesk chat` in a real terminal (a pty), read as a person reads it."""

from __future__ import annotations

import io
import json
import os
import signal
import sys
import time
from pathlib import Path

import pexpect

from frontdesk.llm.openai_test_server import OpenAITestServer


def chat_env(data_dir: Path, base_url: str | None = None) -> dict[str, str]:
    """The environment of a `frontdesk chat` on the demo shop in ``data_dir``, with the test model at ``base_url``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "FRONTDESK_"))}
    env.update(
        FRONTDESK_DEMO="1",
        FRONTDESK_DATA_DIR=str(data_dir),
        FRONTDESK_MODEL="m",
        OPENAI_API_KEY="k",
        NO_COLOR="1",
        TERM="xterm",
    )
    if base_url is not None:
        env["OPENAI_BASE_URL"] = base_url
    return env


def ctrl_c_works() -> None:
    """In the spawned terminal, Ctrl-C interrupts as in a person's shell, even when the tests
    themselves run as a background job (which starts every child with SIGINT ignored, and a
    Python started so never installs its KeyboardInterrupt handler)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


ADDRESS_CHANGE = {
    "order_id": "#D1001",
    "address1": "77 Broadway",
    "address2": "",
    "city": "New York",
    "state": "NY",
    "country": "USA",
    "zip": "10006",
}


def test_a_chat_session_in_a_terminal(tmp_path: Path) -> None:
    script = [
        {"tool_calls": [{"name": "get_order_details", "args": {"order_id": "#D1002"}}]},
        "Your order #D1002 was delivered on Monday.",
        {"verdict": "pass"},
    ]
    with OpenAITestServer(script) as server:
        env = {**chat_env(tmp_path, server.base_url), "COLUMNS": "160"}
        chat = pexpect.spawn(
            sys.executable,
            ["-m", "frontdesk.cli.app", "chat", "--customer", "ava.chen@example.com", "--thread", "tty-1"],
            env=env,
            encoding="utf-8",
            timeout=60,
            dimensions=(40, 160),
        )
        try:
            chat.expect("authenticated as ava_chen_1001")
            chat.expect("you")
            chat.sendline("Has order #D1002 arrived?")
            chat.expect(r"get_order_details")
            chat.expect("customer_service")
            chat.expect("delivered on Monday")
            chat.expect("you")
            chat.sendline("/history")
            chat.expect("you › Has order #D1002 arrived\\?")
            chat.sendline("/tools")
            chat.expect(r'get_order_details\S{0,12}\(\{"order_id": "#D1002"\}\)')
            chat.expect('"status": "delivered"')
            chat.sendline("/trace")
            chat.expect("invoke_agent customer_service")
            chat.expect("execute_tool get_order_details")
            chat.sendline("/quit")
            chat.expect("frontdesk chat --thread tty-1")
            chat.expect(pexpect.EOF)
        finally:
            chat.close(force=True)
    assert chat.exitstatus == 0


def test_config_show_and_a_broken_config_file(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "FRONTDESK_"))}
    config = tmp_path / "config.toml"
    config.write_text('model = "from-file"\nbase_url = "http://127.0.0.1:9/v1"\n')
    env.update(
        FRONTDESK_CONFIG=str(config), FRONTDESK_DATA_DIR=str(tmp_path), OPENAI_API_KEY="sk-secret", COLUMNS="200"
    )
    shown = pexpect.run(f"{sys.executable} -m frontdesk.cli.app config show", env=env, encoding="utf-8", timeout=60)
    assert "from-file" in shown and "config file" in shown and "sk-secret" not in shown and "***" in shown
    config.write_text("model = \n")
    broken, status = pexpect.run(
        f"{sys.executable} -m frontdesk.cli.app config show", env=env, encoding="utf-8", timeout=60, withexitstatus=True
    )
    assert status == 2 and f"{config}: invalid TOML" in broken and "Traceback" not in broken


def test_ctrl_c_mid_answer_cancels_the_turn_and_the_thread_goes_on(tmp_path: Path) -> None:
    script = ["This answer is never seen.", "Second answer.", {"verdict": "pass"}]
    with OpenAITestServer(script, delay_s=2.0) as server:
        env = chat_env(tmp_path, server.base_url)
        chat = pexpect.spawn(
            sys.executable,
            ["-m", "frontdesk.cli.app", "chat", "--thread", "tty-2"],
            env=env,
            encoding="utf-8",
            timeout=60,
            dimensions=(40, 160),
            preexec_fn=ctrl_c_works,
        )
        shown = io.StringIO()
        chat.logfile_read = shown  # the whole screen, for the failure message
        try:
            chat.expect("you")
            chat.sendline("first question")
            started = time.monotonic()
            while not server.requests and time.monotonic() - started < 30:  # mid-answer: the model has the request
                time.sleep(0.05)
            time.sleep(0.3)
            chat.sendintr()
            assert chat.expect(["turn cancelled", pexpect.TIMEOUT], timeout=30) == 0, shown.getvalue()
            chat.expect("you")
            chat.sendline("second question")
            chat.expect("Second answer.")
            chat.expect("you")
            chat.sendline("/history")
            chat.expect("you › first question")
            chat.expect("you › second question")
            chat.expect("customer_service › Second answer.")
            chat.sendline("/quit")
            chat.expect(pexpect.EOF)
        finally:
            chat.close(force=True)
    assert "This answer is never seen." not in (chat.before or "")
    # the step that was running ends without asking the grader about the cancelled draft (a paid call nobody reads)
    assert not any("This answer is never seen." in json.dumps(request) for request in server.requests)


def test_chat_killed_during_a_model_call_loses_nothing_when_the_customer_comes_back(tmp_path: Path) -> None:
    env = chat_env(tmp_path)
    with OpenAITestServer(["never delivered"], delay_s=30) as slow:
        chat = pexpect.spawn(
            sys.executable,
            ["-m", "frontdesk.cli.app", "chat", "--customer", "ava.chen@example.com", "--thread", "k1"],
            env={**env, "OPENAI_BASE_URL": slow.base_url},
            encoding="utf-8",
            timeout=60,
        )
        chat.expect("you")
        chat.sendline("Where is #D1002?")
        deadline = time.monotonic() + 30
        while not slow.requests and time.monotonic() < deadline:
            time.sleep(0.1)
        os.kill(chat.pid, signal.SIGKILL)
        chat.close(force=True)
    script = ["Your order #D1002 was delivered on Monday.", {"verdict": "pass"}, "Glad to help!", {"verdict": "pass"}]
    with OpenAITestServer(script) as model:
        back = pexpect.spawn(
            sys.executable,
            ["-m", "frontdesk.cli.app", "chat", "--thread", "k1"],
            env={**env, "OPENAI_BASE_URL": model.base_url},
            encoding="utf-8",
            timeout=60,
        )
        try:
            back.expect("you › Where is #D1002\\?")
            back.expect("you")
            back.sendline("thanks, that's all")
            back.expect("Glad to help!")
            back.expect("you")
            back.sendline("/history")
            back.expect("delivered on Monday")
            back.sendline("/quit")
            back.expect(pexpect.EOF)
        finally:
            back.close(force=True)
        assert model.remaining == 0


def test_a_write_waits_for_the_customers_yes_in_the_terminal(tmp_path: Path) -> None:
    script = [
        {"tool_calls": [{"name": "modify_pending_order_address", "args": ADDRESS_CHANGE}]},
        "I've left the address as it was.",
        {"verdict": "pass"},
        {"tool_calls": [{"name": "modify_pending_order_address", "args": ADDRESS_CHANGE}]},
        "Done: #D1001 now ships to 77 Broadway.",
        {"verdict": "pass"},
    ]
    with OpenAITestServer(script) as server:
        env = chat_env(tmp_path, server.base_url)
        command = ["-m", "frontdesk.cli.app", "chat", "--customer", "ava.chen@example.com", "--thread", "c-1"]
        chat = pexpect.spawn(sys.executable, command, env=env, encoding="utf-8", timeout=60, dimensions=(40, 200))
        try:
            chat.expect("you")
            chat.sendline("Ship #D1001 to 77 Broadway instead")
            chat.expect("Please confirm: ship order #D1001 to 77 Broadway")
            chat.expect("you")
            chat.sendline("what would that change?")
            chat.expect("I need a clear yes or no")
            chat.sendline("no")
            chat.expect("did not confirm")
            chat.expect("left the address as it was")
            chat.expect("you")
            chat.sendline("ok, do it")
            chat.expect("Please confirm: ship order #D1001")
            chat.expect("you")
            chat.sendline("yes")
            chat.expect("now ships to 77 Broadway")
            chat.sendline("/quit")
            chat.expect(pexpect.EOF)
        finally:
            chat.close(force=True)
