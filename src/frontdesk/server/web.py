"""The browser pages ``frontdesk serve`` hands out: the chat widget, its demo page, the operator
console, and the operator's full view of a thread the console reads.

The files live in ``frontdesk/web/static`` and are served as they are (no build step, nothing
fetched from elsewhere). The widget may be embedded on another site, so ``/widget.js`` and the
customer endpoints it calls are open to any origin (they are guarded by the thread's customer
token, never by cookies); the console is same-origin only.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.responses import HTMLResponse, Response

from frontdesk.server.auth import Guards

PAGES = {
    "/widget.js": ("widget.js", "text/javascript; charset=utf-8"),
    "/console": ("console.html", "text/html; charset=utf-8"),
    "/console.js": ("console.js", "text/javascript; charset=utf-8"),
    "/demo": ("demo.html", "text/html; charset=utf-8"),
}
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": (
        "default-src 'self'; style-src 'self' 'unsafe-inline'; connect-src *; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
}


def _static(name: str) -> bytes:
    return (resources.files("frontdesk.web") / "static" / name).read_bytes()


def message_view(message: Any) -> dict[str, Any]:
    """A message as JSON: its kind, who wrote it, its text, and the tool calls it made with their arguments."""
    data: dict[str, Any] = {
        "role": message.type,
        "name": getattr(message, "name", None),
        "content": str(message.content),
    }
    if getattr(message, "tool_calls", None):
        data["tool_calls"] = [{"name": call["name"], "args": call["args"]} for call in message.tool_calls]
    return data


def install_web_routes(app: FastAPI, guards: Guards, state: dict[str, Any]) -> None:
    """The pages, and ``GET /operator/threads/{id}`` (the whole conversation, for operators)."""

    def page(path: str, name: str, media_type: str) -> None:
        body = _static(name)
        headers = dict(SECURITY_HEADERS)
        if path == "/widget.js":
            headers["Access-Control-Allow-Origin"] = "*"
            headers.pop("Content-Security-Policy")

        def serve() -> Response:
            return Response(body, media_type=media_type, headers=headers)

        app.add_api_route(path, serve, methods=["GET"], include_in_schema=False, response_class=HTMLResponse)

    for path, (name, media_type) in PAGES.items():
        page(path, name, media_type)

    @app.get("/operator/threads/{thread_id}", dependencies=[Depends(guards.operator)])
    def operator_thread(thread_id: str) -> dict[str, Any]:
        """The whole conversation of a thread for an operator: tool calls, their results, the last verdict."""
        snapshot = state["stack"].graph.get_state({"configurable": {"thread_id": thread_id}})
        values = snapshot.values
        return {
            "thread_id": thread_id,
            "customer_id": values.get("customer_id"),
            "messages": [message_view(m) for m in values.get("messages", [])],
            "grade": values.get("grade"),
            "waiting_for": [i.value for i in snapshot.interrupts],
        }
