"""Single-instance handover over a local socket (QLocalServer), as qutebrowser's misc/ipc.py does it.

A second ``cloakroom`` start, and ``cloakroom --mask-clipboard`` bound to a desktop shortcut, send one small JSON
request to the running app instead of starting another. The socket lives in a folder only the user can enter and is
created with `QLocalServer.UserAccessOption`; on Linux the server also checks the peer's user id. Requests carry an
action name only — never text.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import socket
import struct
import sys
from pathlib import Path

import platformdirs
from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from app.core.paths import HOME_VARIABLE, app_paths

ACTIONS = frozenset({"show", "mask-clipboard", "unmask-clipboard", "review"})
PROTOCOL_VERSION = 1
MAX_REQUEST_BYTES = 1024
TIMEOUT_MS = 2000


def server_name() -> str:
    """A per-user socket path (Unix) or pipe name (Windows); `CLOAKROOM_HOME` gives tests their own."""
    user = hashlib.sha256(getpass.getuser().encode()).hexdigest()[:12]
    if sys.platform == "win32":
        suffix = ""
        if os.environ.get(HOME_VARIABLE):
            suffix = "-" + hashlib.sha256(str(app_paths().cache).encode()).hexdigest()[:8]
        return f"cloakroom-{user}{suffix}"
    if os.environ.get(HOME_VARIABLE):
        folder = app_paths().cache / "run"
    else:
        folder = Path(platformdirs.user_runtime_dir("cloakroom", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    return str(folder / "ipc.sock")


def encode_request(action: str) -> bytes:
    return json.dumps({"version": PROTOCOL_VERSION, "action": action}).encode() + b"\n"


def decode_request(data: bytes) -> str | None:
    """The action a request asks for, or None if the request is malformed in any way."""
    if len(data) > MAX_REQUEST_BYTES:
        return None
    try:
        message = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(message, dict) or message.get("version") != PROTOCOL_VERSION:
        return None
    action = message.get("action")
    return action if isinstance(action, str) and action in ACTIONS else None


def send_to_running_instance(action: str, name: str | None = None) -> bool:
    """Hand ``action`` to the running app; False if none is running (or it did not accept the request)."""
    client = QLocalSocket()
    client.connectToServer(name or server_name())
    if not client.waitForConnected(TIMEOUT_MS):
        return False
    client.write(encode_request(action))
    client.flush()
    accepted = client.waitForReadyRead(TIMEOUT_MS) and client.readLine().data().strip() == b"ok"
    client.disconnectFromServer()
    return accepted


def _peer_uid(descriptor: int) -> int | None:
    """The user id of the process at the other end of a Unix socket (Linux only; None elsewhere)."""
    if not sys.platform.startswith("linux") or descriptor < 0:
        return None
    peer = socket.fromfd(descriptor, socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        credentials = peer.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    finally:
        peer.close()
    _pid, uid, _gid = struct.unpack("3i", credentials)
    return uid


class InstanceServer(QObject):
    """Listens for requests from later starts; emits `action_requested` for each valid one."""

    action_requested = Signal(str)
    request_rejected = Signal(str)  # why, for the log (never content)

    def __init__(self, name: str | None = None) -> None:
        super().__init__()
        self.name = name or server_name()
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)

    def listen(self) -> bool:
        """Start listening. Call it after `send_to_running_instance` found nobody: a socket file still there was
        left by a crashed instance and is removed first."""
        QLocalServer.removeServer(self.name)
        return self._server.listen(self.name)

    def close(self) -> None:
        self._server.close()

    @Slot()
    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            connection = self._server.nextPendingConnection()
            uid = _peer_uid(int(connection.socketDescriptor()))
            if uid is not None and uid != os.getuid():
                self._reject(connection, "a request came from another user")
                continue
            connection.readyRead.connect(lambda conn=connection: self._read(conn))

    def _read(self, connection: QLocalSocket) -> None:
        if not connection.canReadLine() and connection.bytesAvailable() <= MAX_REQUEST_BYTES:
            return
        action = decode_request(connection.readLine(MAX_REQUEST_BYTES + 1).data())
        if action is None:
            self._reject(connection, "a malformed request was ignored")
            return
        connection.write(b"ok\n")
        connection.flush()
        connection.disconnectFromServer()
        self.action_requested.emit(action)

    def _reject(self, connection: QLocalSocket, reason: str) -> None:
        connection.write(b"error\n")
        connection.flush()
        connection.disconnectFromServer()
        self.request_rejected.emit(reason)
