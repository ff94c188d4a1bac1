"""tau2-bench's retail and airline data (MIT, its notice beside it), shipped with the tests.

The tests must pass on a clone of the project alone, so the data they replay ships in
``tests/data/tau2-<domain>/``. Where the project's shared folder sits beside the checkout
(``../shared/tau2-<domain>``), a test checks the shipped copy is still the same files.
"""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
SHARED = Path(__file__).resolve().parents[2] / "shared"
FILES = ("db.json", "tasks_train.json", "expected_diffs_train.json")


def tau2_dir(domain: str) -> Path:
    """The folder holding ``db.json``, ``tasks_train.json`` and ``expected_diffs_train.json`` for ``domain``."""
    return DATA / f"tau2-{domain}"
