"""A network that refuses every socket (a pytest plugin, loaded by tests/conftest.py): `no_network` blocks and
records every attempt, so a test can show that a command never reaches out."""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest


@dataclass
class NetworkAttempts:
    """Every attempt to open a socket or resolve a name while the network was blocked."""

    calls: list[str] = field(default_factory=list)


class NetworkBlocked(OSError):
    """Raised in place of any socket operation while `no_network` is active."""


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> NetworkAttempts:
    """Block and record every way Python code opens a connection: socket creation of any family, name lookups and
    `create_connection`. Code that swallowed the error would still show up in ``calls``."""
    attempts = NetworkAttempts()

    def refuse(what: str) -> Callable[..., object]:
        def blocked(*args: object, **kwargs: object) -> object:
            attempts.calls.append(what)
            raise NetworkBlocked(f"network access attempted in a test that forbids it: {what}")

        return blocked

    class BlockedSocket(socket.socket):
        def __init__(self, *args: object, **kwargs: object) -> None:
            attempts.calls.append("socket.socket")
            raise NetworkBlocked("network access attempted in a test that forbids it: socket.socket")

    monkeypatch.setattr(socket, "socket", BlockedSocket)
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "socketpair", "create_server", "fromfd"):
        monkeypatch.setattr(socket, name, refuse(f"socket.{name}"))
    return attempts
