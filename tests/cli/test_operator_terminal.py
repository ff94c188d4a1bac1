"""What a customer or a model wrote reaches an operator's terminal as text: no markup, no hidden characters.

An approval's arguments come from the model, which the customer can steer. ``[conceal]`` in
them hid the amount in ``frontdesk inbox show``, ``[/]`` crashed it, and a right-to-left
override made "refund of 0001" display as 1000.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage
from typer.testing import CliRunner

from frontdesk.cli import inbox as inbox_cli
from frontdesk.conversation.inbox import InboxItem
from frontdesk.inputs import printable

HOSTILE = {
    "order_id": "#D1001",
    "reason": "[conceal]secret[/conceal] [/] [bold red]urgent",
    "note": "refund of \u202e1000",
}


class FakeInbox:
    item = InboxItem(
        id="A-1", kind="approval", thread_id="t[/]1", customer_id="ava", created_at=datetime.now(UTC), priority="high",
        summary="[conceal]flagged[/conceal]", status="pending", overdue=False,
        details={"tool": "cancel_pending_order", "args": HOSTILE, "amount": 129.0},
    )  # fmt: skip

    def get(self, _item_id: str) -> InboxItem:
        return self.item

    def items(self) -> list[InboxItem]:
        return [self.item]

    def conversation(self, _item_id: str) -> list[Any]:
        return [HumanMessage("[/] cancel it \u202eplease"), AIMessage("[red]ok[/red]", name="customer_service")]


@pytest.fixture
def fake_inbox(monkeypatch: pytest.MonkeyPatch) -> None:
    @contextlib.contextmanager
    def opened(*, needs_model: bool) -> Iterator[FakeInbox]:
        yield FakeInbox()

    monkeypatch.setattr(inbox_cli, "_inbox", opened)


def test_inbox_show_prints_markup_as_text_and_reveals_format_characters(fake_inbox: None) -> None:
    done = CliRunner().invoke(inbox_cli.app, ["show", "A-1"], env={"COLUMNS": "300", "NO_COLOR": "1"})
    assert done.exit_code == 0, done.output
    assert "[conceal]secret[/conceal] [/] [bold red]urgent" in done.output and "amount 129.0" in done.output
    assert "\u202e" not in done.output and "refund of \\u202e1000" in done.output
    assert "t[/]1" in done.output and "[/] cancel it \\u202eplease" in done.output and "[red]ok[/red]" in done.output


def test_inbox_list_prints_markup_as_text(fake_inbox: None) -> None:
    done = CliRunner().invoke(inbox_cli.app, [], env={"COLUMNS": "300", "NO_COLOR": "1"})
    assert done.exit_code == 0, done.output
    assert "\u202e" not in done.output and "[conceal]" in done.output


def test_printable_shows_every_kind_of_invisible_or_steering_character() -> None:
    assert (
        printable("a\u202eb\u200bc\u2066d\u2069\x1b[2J\u2028e\tf\n")
        == "a\\u202eb\\u200bc\\u2066d\\u2069\\x1b[2J\\u2028e\tf\n"
    )


def test_kb_search_prints_page_text_and_the_query_as_text(tmp_path: Path) -> None:
    """A page's markdown link or a bracket in a query is text: it neither vanishes nor crashes the table."""
    from frontdesk.cli.app import app

    page = tmp_path / "pages" / "returns.md"
    page.parent.mkdir()
    page.write_text(
        "# Returns\n\n## Window\n\nReturns within 90 days [/] see [the returns page](https://x) \u202eevil.\n"
    )
    env = {
        "COLUMNS": "300",
        "FRONTDESK_DATA_DIR": str(tmp_path / "data"),
        "FRONTDESK_RETRIEVAL": "bm25",
        "NO_COLOR": "1",
    }
    runner = CliRunner()
    assert runner.invoke(app, ["kb", "ingest", str(page)], env=env).exit_code == 0
    done = runner.invoke(app, ["kb", "search", "returns within 90 days [bold]", "--mode", "bm25"], env=env)
    assert done.exit_code == 0, done.output
    assert "[the returns page](https://x)" in done.output and "[/]" in done.output and "[bold]" in done.output
    assert "\u202e" not in done.output and "\\u202e" in done.output
