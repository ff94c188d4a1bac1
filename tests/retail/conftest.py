"""Fixtures for the retail domain: tau2's DB loaded once, copied per test."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from frontdesk.domains.retail import export_tau2_db, init_domain_schema, load_tau2_db, tau2_db_hash
from frontdesk.persistence.engine import create_domain_engine
from frontdesk.tools.base import ToolContext
from tests.tau2_data import tau2_dir

SHARED = tau2_dir("retail")


@pytest.fixture(scope="session")
def tau2_data() -> dict[str, Any]:
    return json.loads((SHARED / "db.json").read_text())


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory, tau2_data: dict[str, Any]) -> Path:
    path = tmp_path_factory.mktemp("tau2") / "template.sqlite"
    engine = create_domain_engine(f"sqlite:///{path}")
    init_domain_schema(engine)
    load_tau2_db(engine, tau2_data)
    engine.dispose()
    return path


@pytest.fixture
def engine(template_db: Path, tmp_path: Path) -> Iterator[Any]:
    copy = tmp_path / "db.sqlite"
    shutil.copyfile(template_db, copy)
    engine = create_domain_engine(f"sqlite:///{copy}")
    yield engine
    engine.dispose()


def db_hash(engine: Any) -> str:
    return tau2_db_hash(export_tau2_db(engine))


def as_owner(engine: Any, data: dict[str, Any], order_id: str) -> ToolContext:
    return ToolContext(customer_id=data["orders"][order_id]["user_id"], engine=engine, thread_id="t")


def first_order(data: dict[str, Any], status: str, where: Any = lambda order: True) -> str:
    return next(oid for oid, order in data["orders"].items() if order["status"] == status and where(order))
