"""A ``frontdesk serve`` process sets the garbage collector's thresholds; an app that embeds
frontdesk (``create_app`` in its own process) keeps its own."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from frontdesk.config.settings import SERVER_GC_THRESHOLDS, ConfigError, Settings
from tests.cli.test_operator_cli import env_for, frontdesk


@pytest.fixture
def own_thresholds() -> Iterator[tuple[int, int, int]]:
    """The test process's thresholds, given back whatever the test sets."""
    before = gc.get_threshold()
    try:
        yield before
    finally:
        gc.set_threshold(*before)


def test_thresholds_come_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FRONTDESK_DATA_DIR", str(tmp_path))
    assert Settings.from_env().gc_thresholds == SERVER_GC_THRESHOLDS
    monkeypatch.setenv("FRONTDESK_GC_THRESHOLDS", "20000, 15, 40")
    assert Settings.from_env().gc_thresholds == (20000, 15, 40)
    monkeypatch.setenv("FRONTDESK_GC_THRESHOLDS", "off")
    assert Settings.from_env().gc_thresholds is None


@pytest.mark.parametrize("value", ["0,10,10", "50000,0,10", "many", "1000,10", "1000,10,10,10"])
def test_a_bad_threshold_is_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, value: str
) -> None:
    """0 would turn the cycle collector off (cycles leak); the rest are not three numbers."""
    monkeypatch.setenv("FRONTDESK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("FRONTDESK_GC_THRESHOLDS", value)
    with pytest.raises(ConfigError) as caught:
        Settings.from_env()
    message = str(caught.value)
    assert message.startswith("FRONTDESK_GC_THRESHOLDS: gc_thresholds") and "\n" not in message


def test_the_served_app_tunes_its_process_and_create_app_does_not(
    own_thresholds: tuple[int, int, int], tmp_path: Path
) -> None:
    from frontdesk.server.app import create_app
    from frontdesk.server.process import create_served_app

    gc.set_threshold(700, 10, 10)
    create_app(Settings(data_dir=tmp_path, demo=True, gc_thresholds=(30000, 12, 34)))
    assert gc.get_threshold() == (700, 10, 10), "an embedding app's process is not frontdesk's to tune"
    create_served_app(Settings(data_dir=tmp_path, demo=True, gc_thresholds=(30000, 12, 34)))
    assert gc.get_threshold() == (30000, 12, 34)
    gc.set_threshold(700, 10, 10)
    create_served_app(Settings(data_dir=tmp_path, demo=True, gc_thresholds=None))
    assert gc.get_threshold() == (700, 10, 10), "off leaves the interpreter's own"


def test_serve_refuses_a_bad_threshold_before_starting(tmp_path: Path) -> None:
    result = frontdesk(["serve", "--demo", "--port", "1"], env_for(tmp_path, FRONTDESK_GC_THRESHOLDS="10,1,1"))
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert (
        line.startswith("error: FRONTDESK_GC_THRESHOLDS: gc_thresholds='10,1,1' is not valid:")
        and "the first at least 100" in line
    )
