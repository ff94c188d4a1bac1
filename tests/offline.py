"""Refusing the network inside a test: a framework that tries to phone home fails loudly instead of hanging."""

from __future__ import annotations

import socket
from typing import Any

import pytest


def refuse_network(monkeypatch: pytest.MonkeyPatch, suite: str) -> None:
    """Refuse every outbound connection and DNS lookup for one test (local socket pairs still work)."""

    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise OSError(f"network access is disabled in the {suite} tests")

    real_connect = socket.socket.connect

    def connect(self: socket.socket, address: Any) -> Any:
        if self.family == socket.AF_UNIX:
            return real_connect(self, address)
        return refuse()

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
