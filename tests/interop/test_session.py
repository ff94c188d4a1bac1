"""ToolSession: the framework-neutral part, exactly the tools node's behaviour."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from frontdesk.domains.retail.tools import TOOLS_BY_NAME
from frontdesk.interop import ToolSession
from tests.interop.conftest import AGREED, AVA, AVA_EMAIL, AVA_PENDING, BEN_PENDING, db_hash, order_status


def test_package_import_is_light() -> None:
    """``import frontdesk.interop`` loads no framework (checked in a clean interpreter)."""
    code = (
        "import sys, frontdesk.interop; print(sorted(m for m in sys.modules if m.startswith(('autogen', 'crewai', "
        "'frontdesk.interop.'))))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"


def test_authentication_comes_only_from_the_tool_result(shop) -> None:
    session = ToolSession(engine=shop, **AGREED)
    refused = session.run(TOOLS_BY_NAME["get_order_details"], {"order_id": AVA_PENDING})
    assert not refused.ok and "not authenticated" in refused.content
    assert session.run(TOOLS_BY_NAME["find_user_id_by_email"], {"email": AVA_EMAIL}).ok
    assert session.customer_id == AVA
    assert session.run(TOOLS_BY_NAME["get_order_details"], {"order_id": AVA_PENDING}).ok


def test_write_runs_once_per_call_id_within_a_thread(shop) -> None:
    session = ToolSession(engine=shop, customer_id=AVA, **AGREED)
    cancel = TOOLS_BY_NAME["cancel_pending_order"]
    first = session.run(cancel, {"order_id": AVA_PENDING, "reason": "no longer needed"}, call_id="call_1")
    assert first.ok and order_status(shop, AVA_PENDING) == "cancelled"
    before = db_hash(shop)
    again = session.run(cancel, {"order_id": AVA_PENDING, "reason": "no longer needed"}, call_id="call_1")
    assert again.ok and again.content == first.content
    assert db_hash(shop) == before


def test_sessions_do_not_share_a_thread_by_default(shop) -> None:
    assert ToolSession(engine=shop, **AGREED).thread_id != ToolSession(engine=shop, **AGREED).thread_id


def test_handoff_to_a_person_is_recorded_and_reset_each_turn(shop) -> None:
    session = ToolSession(engine=shop, **AGREED)
    session.run(TOOLS_BY_NAME["transfer_to_human_agents"], {"summary": "wants a refund exception"})
    assert session.handoff is not None and session.handoff.to_human
    assert session.handoff.reason == "wants a refund exception"
    session.begin_turn(customer_id=AVA)
    assert session.handoff is None and session.customer_id == AVA


def test_other_customers_order_is_refused(shop) -> None:
    session = ToolSession(engine=shop, customer_id=AVA, **AGREED)
    before = db_hash(shop)
    outcome = session.run(
        TOOLS_BY_NAME["cancel_pending_order"], {"order_id": BEN_PENDING, "reason": "no longer needed"}, call_id="c"
    )
    assert outcome.content == "Error: Order not found"
    assert db_hash(shop) == before


@pytest.mark.parametrize(
    ("module", "extra"),
    [
        ("autogen_tools", "autogen"),
        ("autogen_model", "autogen"),
        ("crewai_tools", "crewai"),
        ("crewai_model", "crewai"),
    ],
)
def test_missing_framework_names_the_extra(monkeypatch: pytest.MonkeyPatch, module: str, extra: str) -> None:
    for hidden in (
        "autogen_core",
        "autogen_core.tools",
        "autogen_core.models",
        "crewai",
        "crewai.tools",
        "crewai.tools.structured_tool",
    ):
        monkeypatch.setitem(sys.modules, hidden, None)
    monkeypatch.delitem(sys.modules, f"frontdesk.interop.{module}", raising=False)
    with pytest.raises(ImportError, match=rf"pip install 'frontdesk\[{extra}\]'"):
        importlib.import_module(f"frontdesk.interop.{module}")
