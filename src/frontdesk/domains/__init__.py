"""Business domains frontdesk serves, registered by name (``retail`` ships with it).

A domain is looked up by the name in ``Settings.domain`` (``--domain``, ``FRONTDESK_DOMAIN``).
Shipped domains are imported only when asked for; an app registers its own with
:func:`register_domain`.
"""

from __future__ import annotations

import importlib

from frontdesk.domains.base import Domain
from frontdesk.errors import FrontdeskError

_SHIPPED = {"retail": "frontdesk.domains.retail", "airline": "frontdesk.domains.airline"}
_REGISTERED: dict[str, Domain] = {}


class UnknownDomain(FrontdeskError, LookupError):
    """No domain of that name is registered; the message lists the known ones."""


def register_domain(domain: Domain) -> None:
    """Make ``domain`` available by its name (replacing a shipped one of the same name)."""
    _REGISTERED[domain.name] = domain


def domain_names() -> list[str]:
    return sorted({*_SHIPPED, *_REGISTERED})


def get_domain(name: str | Domain = "retail") -> Domain:
    """The domain called ``name`` (a ``Domain`` is returned as is)."""
    if isinstance(name, Domain):
        return name
    if name not in _REGISTERED and name in _SHIPPED:
        module = importlib.import_module(_SHIPPED[name])
        _REGISTERED[name] = module.DOMAIN
    if name not in _REGISTERED:
        raise UnknownDomain(f"unknown domain {name!r}; known: {', '.join(domain_names())}")
    return _REGISTERED[name]


__all__ = ["Domain", "UnknownDomain", "domain_names", "get_domain", "register_domain"]
