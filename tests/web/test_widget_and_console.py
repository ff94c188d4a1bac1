"""The web front door in a real browser: a customer on the chat widget, an operator in the
console, against a real ``frontdesk serve`` and the scripted model."""

from __future__ import annotations

import hashlib
import hmac
import http.server
import os
import shutil
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from tests.web.conftest import CANCEL, HANDOFF, IDENTITY_SECRET, OPERATOR_KEY, Served, serving

REPO = Path(__file__).resolve().parents[2]


def page_handler(body: bytes) -> type[http.server.BaseHTTPRequestHandler]:
    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    return Page


def signed(customer_id: str, expires_at: int, secret: str = IDENTITY_SECRET) -> dict[str, Any]:
    signature = hmac.new(secret.encode(), f"{customer_id}:{expires_at}".encode(), hashlib.sha256).hexdigest()
    return {"customer_id": customer_id, "expires_at": expires_at, "signature": signature}


def keep_screenshot(page: Any, name: str, tmp_path: Path) -> None:
    """The README's screenshots are made here; FRONTDESK_UPDATE_SCREENSHOTS=1 writes them into docs/."""
    shot = tmp_path / name
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    if os.environ.get("FRONTDESK_UPDATE_SCREENSHOTS") == "1":
        shutil.copy(shot, REPO / "docs" / "images" / name)


def sign_in_console(page: Any, base: str, name: str) -> None:
    page.goto(f"{base}/console")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Operator key").fill(OPERATOR_KEY)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text(f"Signed in as {name}").wait_for()


def test_a_refund_confirmed_on_the_widget_and_approved_in_the_console(browser: Any, tmp_path: Path) -> None:
    with serving(tmp_path / "data", CANCEL) as served:
        refund_flow(served, browser, tmp_path)


def refund_flow(served: Served, browser: Any, tmp_path: Path) -> None:
    customer = browser.new_page(viewport={"width": 1100, "height": 800})
    customer.goto(f"{served.base}/demo")
    box = customer.get_by_label("Your message")
    box.fill("Hi, I'm ava.chen@example.com. Please cancel order #D1001.")
    box.press("Enter")
    customer.get_by_text("Shall I go ahead?").wait_for(timeout=30_000)
    box.fill("yes")
    box.press("Enter")
    yes = customer.get_by_role("button", name="Yes, go ahead")
    yes.wait_for(timeout=30_000)  # the exact action, with buttons
    customer.get_by_text("Please confirm: cancel order #D1001").wait_for()
    yes.click()
    customer.get_by_text("A person from our team is reviewing this").wait_for(timeout=30_000)
    keep_screenshot(customer, "widget.png", tmp_path)

    operator = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in_console(operator, served.base, "maya")
    operator.locator("tr.item", has_text="approval").first.click()
    operator.get_by_text("cancel_pending_order").first.wait_for()
    keep_screenshot(operator, "console.png", tmp_path)
    operator.get_by_role("button", name="Approve", exact=True).click()
    operator.get_by_text("Approved A-").wait_for(timeout=30_000)

    # the customer's page shows the reply without a reload
    try:
        customer.get_by_text("order #D1001 is cancelled").wait_for(timeout=30_000)
    except Exception:
        threads = httpx.get(f"{served.base}/inbox", headers={"X-API-Key": OPERATOR_KEY}).json()
        raise AssertionError((customer.locator("frontdesk-chat").inner_text(), threads)) from None
    decisions = httpx.get(f"{served.base}/inbox", headers={"X-API-Key": OPERATOR_KEY}).json()
    assert not [item for item in decisions if item["kind"] == "approval"], "decided once, gone from the inbox"


def test_markup_in_customer_text_is_inert_in_the_console_and_the_operators_reply_arrives_live(
    browser: Any, tmp_path: Path
) -> None:
    with serving(tmp_path / "data", HANDOFF) as served:
        handoff_flow(served, browser)


def handoff_flow(served: Served, browser: Any) -> None:
    payload = 'I\'m ben.ortiz@example.com <img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
    customer = browser.new_page()
    customer.goto(f"{served.base}/demo")
    box = customer.get_by_label("Your message")
    box.fill(payload)
    box.press("Enter")
    customer.get_by_text("A person from our team will answer you here.").wait_for(timeout=30_000)

    operator = browser.new_page()
    sign_in_console(operator, served.base, "li")
    operator.locator("tr.item", has_text="ticket").first.click()
    operator.get_by_text("<script>window.__pwned=2</script>", exact=False).first.wait_for()
    assert operator.evaluate("window.__pwned") is None and operator.locator("img").count() == 0
    operator.get_by_label("Your reply to the customer").fill("Hello Ben, Li here. I'm on it.")
    operator.get_by_role("button", name="Send reply").click()
    operator.get_by_text("Replied to T-").wait_for(timeout=30_000)
    customer.get_by_text("Hello Ben, Li here. I'm on it.").wait_for(timeout=30_000)
    assert customer.evaluate("window.__pwned") is None


def test_a_phone_sized_screen_holds_the_whole_widget(browser: Any, tmp_path: Path) -> None:
    with serving(tmp_path / "data", []) as served:
        phone_check(served, browser)


def phone_check(served: Served, browser: Any) -> None:
    phone = browser.new_page(viewport={"width": 375, "height": 667}, is_mobile=True)
    phone.goto(f"{served.base}/demo")
    panel = phone.locator("frontdesk-chat section.panel")
    panel.wait_for()
    shape = panel.bounding_box()
    assert shape is not None and shape["x"] >= 0 and shape["x"] + shape["width"] <= 375
    assert shape["y"] >= 0 and shape["y"] + shape["height"] <= 667
    assert phone.get_by_label("Your message").is_visible() and phone.get_by_role("button", name="Send").is_visible()


def test_a_reload_mid_turn_loses_nothing(browser: Any, tmp_path: Path) -> None:
    from frontdesk.testing import Delayed

    slow = [Delayed("Returns are free within 30 days of delivery.", 4.0), {"verdict": "pass"}]
    with serving(tmp_path / "data", slow) as served:
        page = browser.new_page()
        page.goto(f"{served.base}/demo")
        box = page.get_by_label("Your message")
        box.fill("What is your returns policy?")
        box.press("Enter")
        page.get_by_text("Sending…").wait_for()
        page.reload()  # while the model is still answering
        page.get_by_text("What is your returns policy?").wait_for(timeout=10_000)
        # the turn went on without the page, and its reply arrives on the reloaded one
        page.get_by_text("Returns are free within 30 days of delivery.").wait_for(timeout=60_000)
        assert page.get_by_text("What is your returns policy?").count() == 1


def test_identity_from_the_host_site_valid_forged_expired_and_replayed(browser: Any, tmp_path: Path) -> None:
    with serving(tmp_path / "data", []) as served:
        identity_checks(served)
        widget_on_another_site(served, browser)


def widget_on_another_site(served: Served, browser: Any) -> None:
    """A shop's own page (another origin) embeds the widget with its signed-in customer."""
    identity = signed("ben_ortiz_1002", int(time.time()) + 300)
    host_page = (
        "<!doctype html><html lang=en><head><title>Shop</title></head><body><h1>Shop</h1>"
        f'<script src="{served.base}/widget.js" data-customer-id="{identity["customer_id"]}" '
        f'data-expires-at="{identity["expires_at"]}" data-signature="{identity["signature"]}"></script></body></html>'
    )
    shop = http.server.ThreadingHTTPServer(("127.0.0.1", 0), page_handler(host_page.encode()))
    threading.Thread(target=shop.serve_forever, daemon=True).start()
    page = browser.new_page()
    try:
        page.goto(f"http://localhost:{shop.server_address[1]}/")  # another origin than the server's
        page.get_by_label("Your message").wait_for()
        page.wait_for_function(f"localStorage.getItem('frontdesk.thread.{served.base}') !== null")
        thread = page.evaluate(f"JSON.parse(localStorage.getItem('frontdesk.thread.{served.base}')).thread_id")
    finally:
        shop.shutdown()
    state = httpx.get(f"{served.base}/operator/threads/{thread}", headers={"X-API-Key": OPERATOR_KEY}).json()
    assert state["customer_id"] == "ben_ortiz_1002"


def identity_checks(served: Served) -> None:
    now = int(time.time())
    valid = signed("ava_chen_1001", now + 300)
    opened = httpx.post(f"{served.base}/threads", json={"identity": valid})
    assert opened.status_code == 201
    thread = opened.json()["thread_id"]
    state = httpx.get(f"{served.base}/operator/threads/{thread}", headers={"X-API-Key": OPERATOR_KEY}).json()
    assert state["customer_id"] == "ava_chen_1001"
    replayed = httpx.post(f"{served.base}/threads", json={"identity": valid})
    assert replayed.status_code == 403 and "already been used" in replayed.json()["detail"]
    forged = signed("ben_ortiz_1002", now + 300, secret="guessed")
    assert httpx.post(f"{served.base}/threads", json={"identity": forged}).status_code == 403
    tampered = {**signed("ava_chen_1001", now + 301), "customer_id": "ben_ortiz_1002"}
    assert httpx.post(f"{served.base}/threads", json={"identity": tampered}).status_code == 403
    expired = httpx.post(f"{served.base}/threads", json={"identity": signed("ava_chen_1001", now - 1)})
    assert expired.status_code == 403 and "expired" in expired.json()["detail"]


def test_the_widget_and_the_console_have_no_serious_accessibility_violations(browser: Any, tmp_path: Path) -> None:
    with serving(tmp_path / "data", []) as served:
        accessibility(served, browser)


def accessibility(served: Served, browser: Any) -> None:
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(bypass_csp=True)  # axe-core is injected into the page
    page = context.new_page()
    page.goto(f"{served.base}/demo")
    page.locator("frontdesk-chat section.panel").wait_for()
    found = []
    for url in (f"{served.base}/demo", f"{served.base}/console"):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        results = Axe().run(page)
        found += [
            f"{url}: {v['id']} ({v['impact']}): {v['help']}"
            for v in results.response["violations"]
            if v["impact"] in {"serious", "critical"}
        ]
    context.close()
    assert found == []
