"""Single-instance handover over the local socket, with a real second process as the client."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.ui.ipc import InstanceServer, decode_request, encode_request, server_name

CLIENT = "import sys; from app.ui.ipc import send_to_running_instance as s; sys.exit(0 if s(sys.argv[1]) else 3)"


@pytest.fixture
def server(qtbot: QtBot) -> Iterator[InstanceServer]:
    instance = InstanceServer()
    assert instance.listen()
    yield instance
    instance.close()


def _client(action: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", CLIENT, action], env=dict(os.environ))


def test_a_second_start_hands_its_action_over(qtbot: QtBot, server: InstanceServer) -> None:
    with qtbot.waitSignal(server.action_requested, timeout=10_000) as request:
        client = _client("mask-clipboard")
    assert request.args == ["mask-clipboard"]
    qtbot.waitUntil(lambda: client.poll() is not None, timeout=10_000)
    assert client.returncode == 0


def test_without_a_running_instance_the_client_says_so() -> None:
    assert subprocess.run([sys.executable, "-c", CLIENT, "review"], check=False).returncode == 3


def test_the_socket_is_private_to_the_user(server: InstanceServer) -> None:
    folder = Path(server.name).parent
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(Path(server.name).stat().st_mode) & 0o077 == 0


@pytest.mark.parametrize(
    "payload",
    [
        b"not json\n",
        b'{"version": 1, "action": "rm -rf"}\n',
        b'{"version": 9, "action": "review"}\n',
        b'["review"]\n',
        b"\xff\xfe\n",
        b"x" * 5000,
    ],
)
def test_malformed_requests_are_rejected(qtbot: QtBot, server: InstanceServer, payload: bytes) -> None:
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.connect(server.name)
    with qtbot.waitSignal(server.request_rejected, timeout=10_000):
        client.sendall(payload)
    client.settimeout(5)
    assert client.recv(64).startswith(b"error")
    client.close()


def test_request_encoding_round_trips() -> None:
    assert decode_request(encode_request("unmask-clipboard")) == "unmask-clipboard"
    assert decode_request(encode_request("format-disk")) is None


def test_each_home_gets_its_own_socket(isolated_home: Path) -> None:
    assert isolated_home in Path(server_name()).parents
