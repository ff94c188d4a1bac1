"""Guardrails named in the settings (``guardrails = ["package.module:name"]``), for deployments
that run ``frontdesk serve`` or ``frontdesk chat`` rather than their own code.

Each entry names a guardrail object, or a class or function that makes one when called
with no arguments. A name that cannot be imported or is not a guardrail is one clear error
naming the entry, before anything starts.
"""

from __future__ import annotations

import importlib
from typing import Any

from frontdesk.config.settings import ConfigError
from frontdesk.guardrails.base import Guardrail, InputGuardrail, OutputGuardrail, ToolGuardrail

KINDS = (InputGuardrail, OutputGuardrail, ToolGuardrail)


class GuardrailLoadError(ConfigError):
    """A configured guardrail that cannot be used; the message names the entry."""


def load_guardrail(entry: str) -> Guardrail:
    module_name, _, attribute = entry.partition(":")
    if not module_name or not attribute:
        raise GuardrailLoadError(f"guardrails: {entry!r} is not 'package.module:name'")
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:  # an import error, or any error the module raises on import
        raise GuardrailLoadError(
            f"guardrails: {entry!r}: cannot import {module_name} ({type(exc).__name__}: {exc})"
        ) from None
    found: Any = getattr(module, attribute, None)
    if found is None:
        raise GuardrailLoadError(f"guardrails: {entry!r}: {module_name} has no {attribute!r}")
    if not isinstance(found, KINDS) and callable(found):
        try:
            found = found()
        except Exception as exc:
            raise GuardrailLoadError(
                f"guardrails: {entry!r}: calling it failed ({type(exc).__name__}: {exc})"
            ) from None
    if not isinstance(found, KINDS):
        raise GuardrailLoadError(
            f"guardrails: {entry!r} is a {type(found).__name__}, not an input, output or tool guardrail"
        )
    return found


def load_guardrails(entries: list[str]) -> list[Guardrail]:
    return [load_guardrail(entry) for entry in entries]
