"""One dashboard page for a request: its filters read, the turns rolled up, the panels rendered.

Shared by ``frontdesk dashboard`` and the ``/dashboard`` route of ``frontdesk serve`` so both
show the same page. A filter that cannot be read is shown on the page as one line, with
every turn, rather than an error page.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from frontdesk.operations.dashboard import render_dashboard
from frontdesk.operations.panels import Panels, build_panels
from frontdesk.operations.population import BadFilter, Population, parse_moment
from frontdesk.operations.turns import turns
from frontdesk.tracing.queries import NoTraces

FILTER_FIELDS = ("since", "until", "model", "agent")


def population_of(values: Mapping[str, str | None]) -> Population:
    """The population a dashboard's form describes (``since``/``until`` as 7d or a date)."""
    from datetime import UTC, datetime  # noqa: PLC0415

    now = datetime.now(UTC)
    given = {key: value.strip() for key, value in values.items() if value and value.strip()}
    return Population(
        since=parse_moment(given["since"], now) if "since" in given else None,
        until=parse_moment(given["until"], now) if "until" in given else None,
        model=given.get("model"),
        agent=given.get("agent"),
    )


def dashboard_page(
    traces_path: Path,
    values: Mapping[str, str | None],
    *,
    plotly_src: str,
    engine: Engine | None = None,
    sla: timedelta = timedelta(minutes=30),
    alerts: list[dict[str, Any]] | None = None,
) -> str:
    """The page for ``values`` (the form's fields)."""
    shown = {key: value or "" for key, value in values.items() if key in FILTER_FIELDS}
    problem = ""
    try:
        population = population_of(values)
    except BadFilter as exc:
        population, problem = Population(), str(exc)
    try:
        with turns(traces_path, population) as db:
            panels = build_panels(db, engine, sla=sla)
    except NoTraces:
        panels = Panels(summary={"turns": 0})
        problem = problem or f"no traces yet in {traces_path}: run `frontdesk demo` or talk to the agents first"
    page = render_dashboard(panels, population, plotly_src=plotly_src, alerts=alerts, form_values=shown)
    if problem:
        page = page.replace("</header>", f"</header><p class='problem' role='alert'>{html.escape(problem)}</p>", 1)
    return page
