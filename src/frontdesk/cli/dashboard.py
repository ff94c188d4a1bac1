"""``frontdesk dashboard``: the operations dashboard from the span store, in a browser or as one HTML file."""

from __future__ import annotations

from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qs, urlparse

import typer

from frontdesk.cli.common import console, fail
from frontdesk.config.settings import Settings


def dashboard(
    port: Annotated[int, typer.Option(help="Port to serve the dashboard on (127.0.0.1 unless --host)")] = 8050,
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write one self-contained HTML file instead of serving (plotly.js inlined)"),
    ] = None,
    since: Annotated[str | None, typer.Option(help="With --out: only turns since (7d, 24h or a date)")] = None,
    db: Annotated[Path | None, typer.Option("--db", help="Span store [default: traces.duckdb in the data dir]")] = None,
) -> None:
    """Latency, volume, automation and handoff causes, grader, tools, cost per model, ratings, alerts and the inbox."""
    from frontdesk.operations.dashboard import DashboardUnavailable, plotly_js
    from frontdesk.operations.page import dashboard_page

    settings = Settings.from_env()
    traces = db or settings.resolved_traces_path
    if not traces.is_file():
        named = "--db " if db is not None else ""
        fail(f"{named}{traces}: no span store there; record turns first (frontdesk demo, chat or serve) or pass --db")
    try:
        script = plotly_js()
    except DashboardUnavailable as exc:
        fail(str(exc))
    engine = _operator_tables(settings)
    sla = timedelta(minutes=settings.ticket_sla_minutes)
    alerts = _alert_states(settings)
    if out is not None:
        page = dashboard_page(traces, {"since": since}, plotly_src="plotly.js", engine=engine, sla=sla, alerts=alerts)
        page = page.replace("<script src='plotly.js'></script>", f"<script>{script}</script>", 1)
        try:
            out.write_text(page, encoding="utf-8")
        except OSError as exc:
            fail(f"cannot write {out}: {exc.strerror}")
        console.print(f"wrote {out} ({len(page) / 1e6:.1f} MB)", markup=False)
        return

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            url = urlparse(self.path)
            if url.path == "/plotly.js":
                self._send(200, script.encode(), "application/javascript", cache=True)
            elif url.path in ("/", "/dashboard"):
                values = {key: items[-1] for key, items in parse_qs(url.query).items()}
                self._send(
                    200,
                    dashboard_page(
                        traces, values, plotly_src="/plotly.js", engine=engine, sla=sla, alerts=_alert_states(settings)
                    ).encode(),
                    "text/html",
                )
            else:
                self._send(404, b"not found", "text/plain")

        def _send(self, status: int, body: bytes, kind: str, *, cache: bool = False) -> None:
            self.send_response(status)
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "max-age=86400" if cache else "no-store")
            self.end_headers()
            self.wfile.write(body)

    try:
        server = ThreadingHTTPServer((host, port), Handler)
    except OSError as exc:
        fail(f"cannot listen on {host}:{port}: {exc.strerror}")
    console.print(f"frontdesk dashboard on http://{host}:{port}/ (span store {traces}); Ctrl-C stops it", markup=False)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def _operator_tables(settings: Settings) -> Any:
    """The domain DB (inbox, approvals) when the deployment has one here; the dashboard works without it."""
    from frontdesk.persistence.urls import backend

    url = settings.resolved_database_url
    if backend(url) == "sqlite" and not Path(url.removeprefix("sqlite:///")).exists():
        return None
    from frontdesk.app import open_engine
    from frontdesk.domains import get_domain

    try:
        return open_engine(settings, get_domain(settings.domain))
    except Exception:  # an unreachable database: the charts still work
        return None


def _alert_states(settings: Settings) -> list[dict[str, Any]]:
    from frontdesk.operations.alerts import current_states

    return current_states(settings)
