"""The retail domain DB: tables, engine, tau2 import/export, diffs and the demo dataset."""

from frontdesk.memory.domain.demo_data import demo_dataset, seed_demo
from frontdesk.memory.domain.diff import db_diff
from frontdesk.memory.domain.engine import create_domain_engine, has_data, init_domain_schema
from frontdesk.memory.domain.tau2_io import export_tau2_db, load_tau2_db, tau2_db_hash, with_optional_fields

__all__ = [
    "create_domain_engine",
    "db_diff",
    "demo_dataset",
    "export_tau2_db",
    "has_data",
    "init_domain_schema",
    "load_tau2_db",
    "seed_demo",
    "tau2_db_hash",
    "with_optional_fields",
]
