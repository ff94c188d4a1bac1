"""The shared, real infrastructure a batch of scenario replays runs on.

Built once per batch: a work folder, a seeded template of the domain DB (copied per
scenario, so each starts from the same fixture in milliseconds), the knowledge base and
the tracer. Closing it flushes traces and removes the work folder.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from opentelemetry.trace import Tracer

from frontdesk.domains import get_domain
from frontdesk.domains.base import Domain
from frontdesk.domains.database import open_domain_db
from frontdesk.domains.diff import db_diff
from frontdesk.knowledge import default_knowledge_base
from frontdesk.persistence.engine import create_domain_engine
from frontdesk.runtime import RunContext
from frontdesk.tracing import instrument


class ReplayEnvironment:
    """Work folder, domain fixture, knowledge base and tracer for replays."""

    def __init__(
        self,
        *,
        tracer: Tracer | None = None,
        meter: Any = None,
        knowledge: Any = None,
        workdir: Path | None = None,
        domain: Domain | str = "retail",
        settings: dict[str, Any] | None = None,
    ) -> None:
        self.domain = get_domain(domain)
        self.settings: dict[str, Any] = dict(settings or {})
        """Settings every scenario runs with unless it sets its own (a live run's intent routing)."""
        self._owned_workdir = workdir is None
        self.workdir = workdir or Path(tempfile.mkdtemp(prefix="frontdesk-replay-"))
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.tracer = tracer or RunContext().tracer
        self.meter = meter
        self._knowledge: dict[str, Any] = {self.domain.name: knowledge} if knowledge is not None else {}
        self._templates: dict[tuple[str, str], Path] = {}

    @property
    def knowledge(self) -> Any:
        """The knowledge base of the environment's own domain."""
        return self.knowledge_for(self.domain)

    def knowledge_for(self, domain: Domain | str) -> Any:
        """Replays run on a demo business, so the researcher reads that domain's demo pages (built once per domain)."""
        spec = get_domain(domain)
        if spec.name not in self._knowledge:
            self._knowledge[spec.name] = default_knowledge_base(
                self.workdir / f"knowledge-{spec.name}.duckdb", demo_pages=spec.demo_pages
            )
        return self._knowledge[spec.name]

    def _template(self, fixture: str | Path, domain: Domain) -> Path:
        """The seeded SQLite file of a domain's fixture (``demo`` or a tau2 ``db.json``), built once."""
        key = (domain.name, str(fixture))
        if key not in self._templates:
            path = self.workdir / f"fixture-{len(self._templates)}.sqlite"
            engine = open_domain_db(f"sqlite:///{path}", domain)
            if fixture == "demo":
                domain.seed_demo(engine)
            else:
                domain.load_dump(engine, json.loads(Path(fixture).read_text(encoding="utf-8")))
            engine.dispose()
            self._templates[key] = path
        return self._templates[key]

    def fresh_domain_db(self, name: str, fixture: str | Path = "demo", domain: Domain | str | None = None) -> Any:
        """A new domain DB for one scenario, copied from the seeded fixture (of ``domain``, default the
        environment's)."""
        target = self.workdir / f"{name}-domain.sqlite"
        shutil.copyfile(self._template(fixture, get_domain(domain or self.domain)), target)
        return create_domain_engine(f"sqlite:///{target}")

    def snapshot(self, engine: Any, domain: Domain | str | None = None) -> dict[str, Any]:
        return get_domain(domain or self.domain).export_dump(engine)

    def diff(self, before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
        return db_diff(before, after)

    @contextmanager
    def turn_span(
        self, *, thread_id: str, scenario: str, turn: int, labels: dict[str, str] | None = None
    ) -> Iterator[None]:
        with instrument.turn(self.tracer, thread_id=thread_id, scenario=scenario, turn=turn, labels=labels):
            yield

    def close(self) -> None:
        for knowledge in self._knowledge.values():  # let go of the shared read-only handles before the files go
            close = getattr(knowledge, "close", None)
            if callable(close):
                close()
        if self._owned_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> ReplayEnvironment:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
