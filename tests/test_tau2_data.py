"""The tau2 data shipped with the tests is whole, and the same as the shared folder's where that is present."""

from __future__ import annotations

import json

import pytest

from tests.tau2_data import FILES, SHARED, tau2_dir


@pytest.mark.parametrize("domain", ["retail", "airline"])
def test_the_shipped_tau2_data_is_whole_and_carries_its_notice(domain: str) -> None:
    folder = tau2_dir(domain)
    assert "MIT License" in (folder / "LICENSE-tau2-bench").read_text(encoding="utf-8")
    for name in FILES:
        assert json.loads((folder / name).read_text(encoding="utf-8")), name
    shared = SHARED / f"tau2-{domain}"
    if shared.exists():  # beside the project's shared folder (a developer's checkout, CI): no drift from it
        for name in FILES:
            assert (folder / name).read_bytes() == (shared / name).read_bytes(), name
