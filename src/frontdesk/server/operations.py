"""The server's operations routes: customer ratings, the dashboard, and alert rules on a schedule.

``POST /threads/{id}/feedback`` (the customer's token) stores a thumbs up or down on a
reply in that reply's trace. ``/dashboard`` (operators) is the page ``frontdesk dashboard``
serves; a browser cannot send the ``X-API-Key`` header, so ``/dashboard?key=…`` once sets
a cookie holding an HMAC of the key (never the key) and redirects to the clean URL. The
alert rules are evaluated every ``alert_interval_s`` in a daemon thread while the server runs.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
from collections import OrderedDict
from datetime import timedelta
from typing import Any, Literal

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from frontdesk.config.settings import Settings
from frontdesk.server.auth import Guards
from frontdesk.tracing import instrument

logger = logging.getLogger("frontdesk.server")
COOKIE = "frontdesk_operator"
RECENT_RUNS = 10_000


class Feedback(BaseModel):
    rating: Literal["up", "down"]
    comment: str | None = Field(default=None, max_length=2000)
    run_id: str | None = Field(
        default=None,
        pattern=r"^[0-9a-f]{32}$",
        description="The `run_id` of the `done` event rated (default: the thread's last reply)",
    )


class RecentRuns:
    """The last run of each thread this server answered (bounded), so a rating names a reply of its own thread."""

    def __init__(self, size: int = RECENT_RUNS) -> None:
        self._runs: OrderedDict[str, list[str]] = OrderedDict()
        self._lock = threading.Lock()
        self.size = size

    def add(self, thread_id: str, run_id: str) -> None:
        with self._lock:
            self._runs.setdefault(thread_id, []).append(run_id)
            self._runs.move_to_end(thread_id)
            self._runs[thread_id] = self._runs[thread_id][-50:]
            while len(self._runs) > self.size:
                self._runs.popitem(last=False)

    def of(self, thread_id: str) -> list[str]:
        with self._lock:
            return list(self._runs.get(thread_id, ()))


def install_operations_routes(
    app: FastAPI, settings: Settings, guards: Guards, state: dict[str, Any], runs: RecentRuns
) -> None:
    """Add feedback, dashboard and (with rules configured) the alert schedule to ``app``."""

    @app.post("/threads/{thread_id}/feedback", status_code=201)
    def rate_reply(body: Feedback, thread_id: str = Depends(guards.customer)) -> dict[str, str]:
        """Thumbs up or down (and a comment) on a reply of this thread; stored in that reply's trace."""
        known = runs.of(thread_id)
        run_id = body.run_id or (known[-1] if known else None)
        if run_id is None:
            raise HTTPException(409, "there is no reply in this thread to rate yet")
        if run_id not in known:
            raise HTTPException(404, "no reply with this run_id in this thread")
        opened = state["stack"]
        instrument.feedback(
            opened.tracing.tracer,
            run_id=run_id,
            thread_id=thread_id,
            rating=body.rating,
            comment=body.comment,
            capture_content=opened.context.capture_content,
        )
        return {"run_id": run_id, "rating": body.rating}

    def operator_page(request: Request) -> None:
        if guards.api_key is None:
            raise HTTPException(403, "operator pages are disabled: set FRONTDESK_API_KEY on the server")
        cookie = request.cookies.get(COOKIE, "")
        header = request.headers.get("x-api-key", "")
        if not (
            hmac.compare_digest(cookie.encode(), _cookie_value(guards).encode())
            or (header and hmac.compare_digest(header.encode(), guards.api_key.encode()))
        ):
            raise HTTPException(401, "open /dashboard?key=<operator key> once, or send X-API-Key")

    @app.get("/dashboard", response_class=HTMLResponse, response_model=None)
    def dashboard(request: Request, key: str | None = None) -> Response:
        """The operations dashboard (operators)."""
        if key is not None:
            if guards.api_key is None or not hmac.compare_digest(
                key.encode("utf-8", "surrogateescape"), guards.api_key.encode()
            ):
                raise HTTPException(403, "wrong operator key")
            clean = RedirectResponse(str(request.url.remove_query_params("key")), status_code=303)
            clean.set_cookie(COOKIE, _cookie_value(guards), httponly=True, samesite="strict", max_age=8 * 3600)
            return clean
        operator_page(request)
        from frontdesk.operations.alerts import current_states  # noqa: PLC0415  # the dashboard's code loads on first view
        from frontdesk.operations.page import dashboard_page  # noqa: PLC0415

        opened = state["stack"]
        opened.tracing.flush()
        values = {name: request.query_params.get(name) for name in ("since", "until", "model", "agent")}
        page = dashboard_page(
            settings.resolved_traces_path,
            values,
            plotly_src="/dashboard/plotly.js",
            engine=opened.engine,
            sla=timedelta(minutes=settings.ticket_sla_minutes),
            alerts=current_states(settings),
        )
        return HTMLResponse(page, headers={"Cache-Control": "no-store"})

    @app.get("/dashboard/plotly.js", dependencies=[Depends(operator_page)])
    def plotly_script() -> Response:
        from frontdesk.operations.dashboard import DashboardUnavailable, plotly_js  # noqa: PLC0415

        try:
            return Response(
                plotly_js(), media_type="application/javascript", headers={"Cache-Control": "max-age=86400"}
            )
        except DashboardUnavailable as exc:
            raise HTTPException(501, str(exc)) from None


def start_alert_schedule(settings: Settings) -> threading.Event | None:
    """Evaluate the alert rules every ``alert_interval_s`` until the returned event is set (None: no rules)."""
    if not settings.alerts:
        return None
    from frontdesk.operations.alerts import evaluate  # noqa: PLC0415

    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(settings.alert_interval_s):
            try:
                evaluate(settings)
            except Exception:  # a bad evaluation must not stop the next one, nor the server
                logger.exception("alert evaluation failed")

    threading.Thread(target=loop, name="frontdesk alerts", daemon=True).start()
    return stop


def _cookie_value(guards: Guards) -> str:
    """What the operator cookie holds: a MAC of the key under the server secret, not the key."""
    return hmac.new(guards.secret, b"operator:" + (guards.api_key or "").encode(), hashlib.sha256).hexdigest()
