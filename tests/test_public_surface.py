"""What an embedding app relies on from ``frontdesk`` itself: one error base it can catch,
every error reachable from ``frontdesk.errors``, and configuration read from one place."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

import frontdesk
import frontdesk.errors
from frontdesk.config import ENV_NAMES, environment
from frontdesk.config.gateway import GATEWAY_ENV

PACKAGE = Path(frontdesk.__file__).parent


def _exception_classes() -> list[tuple[str, str]]:
    """(module, class) of every class in the package whose bases name an error or Exception."""
    found = []
    for path in PACKAGE.rglob("*.py"):
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef) and any(
                re.search(r"Error|Exception|Unavailable|Busy|NotTaken|Failed", ast.unparse(base)) for base in node.bases
            ):
                found.append((module, node.name))
    return found


def test_every_error_frontdesk_raises_on_purpose_has_the_one_base() -> None:
    classes = _exception_classes()
    assert len(classes) > 20  # the scan sees the package's errors
    not_ours = [
        f"{module}.{name}"
        for module, name in classes
        if not issubclass(getattr(importlib.import_module(module), name), frontdesk.FrontdeskError)
    ]
    assert not_ours == []


def test_every_public_error_is_reachable_from_frontdesk_errors_and_keeps_its_builtin_base() -> None:
    for name in frontdesk.errors.__all__:
        error = getattr(frontdesk.errors, name)
        assert issubclass(error, frontdesk.FrontdeskError), name
    assert issubclass(frontdesk.errors.ThreadBusy, RuntimeError)  # callers catching the built-in base still work
    assert issubclass(frontdesk.errors.BadMessage, ValueError)
    assert issubclass(frontdesk.errors.UnknownDomain, LookupError)
    assert frontdesk.errors.ModelUnavailable is frontdesk.ModelUnavailable
    with pytest.raises(AttributeError, match="NoSuchError"):
        frontdesk.errors.NoSuchError  # noqa: B018 — the attribute access is the test
    exported = {
        name
        for name in frontdesk.__all__
        if name.endswith(("Error", "Busy", "Unavailable", "NotTaken", "UnknownDomain", "BadMessage"))
    }
    assert exported <= set(frontdesk.errors.__all__) | {"NotTaken", "ModelNotConfiguredError"}


def test_environment_variables_are_declared_once_in_the_config_package() -> None:
    """A variable read anywhere in the code is declared in ``frontdesk.config`` (a setting's or a
    process's), so ``frontdesk config show`` and the docs can list every one; no module outside
    the config package reads ``os.environ`` for a frontdesk variable itself."""
    declared = set(ENV_NAMES.values()) | set(GATEWAY_ENV.values()) | set(environment.PROCESS_VARIABLES)
    declared |= {
        "FRONTDESK_BASE_URL",
        "FRONTDESK_FALLBACK_MODELS",
        "FRONTDESK_DEMO",
        "FRONTDESK_DOMAIN",
        "OTEL_EXPORTER_OTLP_ENDPOINT",
    }
    undeclared, read_directly = [], []
    for path in PACKAGE.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        undeclared += [
            f"{path.name}: {name}"
            for name in re.findall(r"\"((?:FRONTDESK|OPENAI|OTEL)_[A-Z_]+)\"", source)
            if name not in declared
        ]
        if "config" not in path.relative_to(PACKAGE).parts:
            read_directly += [
                f"{path.name}: {m}"
                for m in re.findall(r"(?:os\.environ\.get|os\.getenv)\(\"(FRONTDESK_[A-Z_]+)", source)
            ]
    assert undeclared == [] and read_directly == []
    assert len(set(ENV_NAMES.values())) == len(ENV_NAMES)  # one variable, one setting
    with pytest.raises(KeyError, match="FRONTDESK_TYPO"):
        environment.read("FRONTDESK_TYPO")
