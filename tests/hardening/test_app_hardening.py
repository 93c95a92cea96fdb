"""The tray app's side: restored secrets leave the clipboard on time and only then, a broken vault leaves the
clipboard as it was, notifications quote nothing, and the single-instance socket serves its own user only.

Real parts: the controller with its worker thread, the rules detector, a real SQLCipher vault, the offscreen Qt
clipboard, a real Unix socket with a client in another process. Covered elsewhere: cancel and model errors leave the
clipboard unchanged (tests/ui/test_app_flows.py), the secret hints on restored text (tests/platform/
test_clipboard_hints.py, and under Xvfb test_xvfb_end_to_end.py), malformed IPC requests and socket permissions
(tests/ui/test_ipc.py).

Threat model: "Faults" (clipboard unchanged on failure) and "Leaks" (clipboard history, local IPC).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.core.assembly import build_engine
from app.core.settings import Settings
from app.core.store import MappingStore, MemoryStore
from app.core.vault import Vault, open_vault
from app.ui.controller import AppController
from app.ui.ipc import InstanceServer, encode_request
from app.ui.worker import DetectionWorker, ModelSlot
from tests.helpers.canaries import CANARY_TEXT, RULE_CANARIES, canary_hits

pytestmark = pytest.mark.gui

PL2_ONLY = "Write to dana@example.org soon."
WITH_PL4 = "Write to dana@example.org, verification code: 482913."


class Notices:
    """Everything the controller told the person: (title, message, is_warning)."""

    def __init__(self, controller: AppController) -> None:
        self.seen: list[tuple[str, str, bool]] = []
        controller.notify.connect(lambda title, text, warning: self.seen.append((title, text, warning)))

    def titles(self) -> list[str]:
        return [title for title, _, _ in self.seen]


def make_controller(store: MappingStore, clear_seconds: int) -> tuple[AppController, DetectionWorker]:
    slot = ModelSlot()
    engine = build_engine(Settings(), store, model=slot)
    worker = DetectionWorker(engine, slot)
    worker.start()
    return AppController(engine, worker, Settings(clear_clipboard_seconds=clear_seconds)), worker


@pytest.fixture
def controller(qapp: QApplication, request: pytest.FixtureRequest) -> Iterator[AppController]:
    clear_seconds = getattr(request, "param", 1)
    made, worker = make_controller(MemoryStore(), clear_seconds)
    yield made
    worker.shutdown()


def clipboard_text() -> str:
    return QGuiApplication.clipboard().text()


def mask_then_copy_back(qtbot: QtBot, controller: AppController, text: str) -> str:
    QGuiApplication.clipboard().setText(text)
    with qtbot.waitSignal(controller.notify, timeout=10_000):
        controller.mask_clipboard()
    masked = clipboard_text()
    QGuiApplication.clipboard().setText(f"Answer: {masked}")
    with qtbot.waitSignal(controller.notify, timeout=10_000):
        controller.unmask_clipboard()
    return masked


def timer_done(controller: AppController) -> bool:
    return not controller._clear_timer.isActive()


def test_restored_pl4_values_are_cleared_but_not_a_clipboard_copied_since(
    qtbot: QtBot, controller: AppController
) -> None:
    notices = Notices(controller)
    mask_then_copy_back(qtbot, controller, WITH_PL4)
    assert "482913" in clipboard_text()
    QGuiApplication.clipboard().setText("something the person copied since")
    qtbot.waitUntil(lambda: timer_done(controller), timeout=10_000)
    assert clipboard_text() == "something the person copied since"
    assert "Clipboard cleared" not in notices.titles()


def test_restored_pl2_values_only_are_not_cleared(qtbot: QtBot, controller: AppController) -> None:
    mask_then_copy_back(qtbot, controller, PL2_ONLY)
    assert clipboard_text() == f"Answer: {PL2_ONLY}" and timer_done(controller)


@pytest.mark.parametrize("controller", [0], indirect=True)
def test_auto_clear_off_never_clears(qtbot: QtBot, controller: AppController) -> None:
    mask_then_copy_back(qtbot, controller, WITH_PL4)
    assert "482913" in clipboard_text() and timer_done(controller)


def test_a_vault_that_fails_leaves_the_clipboard_as_it_was(qapp: QApplication, qtbot: QtBot, tmp_path: Path) -> None:
    vault: Vault = open_vault(tmp_path / "vault.db")
    made, worker = make_controller(vault, 0)
    try:
        notices = Notices(made)
        vault.close()  # the vault becomes unusable between opening and masking
        QGuiApplication.clipboard().setText(CANARY_TEXT)
        with qtbot.waitSignal(made.notify, timeout=10_000):
            made.mask_clipboard()
        assert clipboard_text() == CANARY_TEXT
        assert notices.seen[-1][0] == "Nothing was masked" and notices.seen[-1][2] is True
    finally:
        worker.shutdown()
    with open_vault(tmp_path / "vault.db") as reopened:
        assert len(reopened) == 0


@pytest.mark.parametrize("hostile", ["NUL\x00inside dana@example.org", "\x01\x02\x03\x04\x05\x06 ab", " \n\t "])
def test_unprocessable_clipboard_text_is_left_alone(qtbot: QtBot, controller: AppController, hostile: str) -> None:
    QGuiApplication.clipboard().setText(hostile)
    with qtbot.waitSignal(controller.notify, timeout=10_000) as notice:
        controller.mask_clipboard()
    assert notice.args[0] == "Nothing to do" and clipboard_text() == hostile
    assert "dana" not in notice.args[1]


def test_notifications_quote_nothing(qtbot: QtBot, controller: AppController) -> None:
    notices = Notices(controller)
    QGuiApplication.clipboard().setText(CANARY_TEXT)
    with qtbot.waitSignal(controller.notify, timeout=10_000):
        controller.mask_clipboard()
    masked = clipboard_text()
    assert not any(canary in masked for canary in RULE_CANARIES)
    QGuiApplication.clipboard().setText(masked + " <Email_99>")
    with qtbot.waitSignal(controller.notify, timeout=10_000):
        controller.unmask_clipboard()
    assert all(canary in clipboard_text() for canary in RULE_CANARIES)
    assert len(notices.seen) >= 2
    assert canary_hits(" ".join(f"{title} {text}" for title, text, _ in notices.seen)) == []


# --- the single-instance socket and other users -----------------------------------------------------------------------

NOBODY = 65534
pytestmark_ipc = pytest.mark.skipif(
    sys.platform != "linux" or os.geteuid() != 0, reason="needs Linux and root, to act as another user"
)


def as_other_user(socket_path: str, payload: bytes) -> int:
    """Fork a child that becomes another user and talks to the socket. Its exit code: 0 answered "ok", 1 answered
    anything else, 13 could not connect (permission denied), 2 another failure."""
    pid = os.fork()
    if pid == 0:  # the child: only system calls from here on, then _exit
        code = 2
        try:
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            client.settimeout(10)
            client.connect(socket_path)
            code = 0 if _exchange(client, payload).startswith(b"ok") else 1
        except PermissionError:
            code = 13
        except BaseException:  # noqa: BLE001 - the child must never return into pytest
            code = 2
        os._exit(code)
    return pid


def _exchange(client: socket.socket, payload: bytes) -> bytes:
    """Send and read the answer; a server that hangs up first (it may refuse before reading) answers nothing."""
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        client.sendall(payload)
    try:
        return client.recv(64)
    except (ConnectionResetError, TimeoutError):
        return b""


def child_exit_code(qtbot: QtBot, pid: int) -> int:
    status: list[int] = []

    def reaped() -> bool:
        done, code = os.waitpid(pid, os.WNOHANG)
        if done:
            status.append(os.waitstatus_to_exitcode(code))
        return bool(status)

    qtbot.waitUntil(reaped, timeout=15_000)  # the event loop keeps serving the socket meanwhile
    return status[0]


@pytest.fixture
def traversable_home(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A `CLOAKROOM_HOME` every user may pass through (pytest's own temporary folders are private), so the only
    barrier left is the one the app builds."""
    home = Path(tempfile.mkdtemp(prefix="cloakroom-ipc-"))
    home.chmod(0o711)
    monkeypatch.setenv("CLOAKROOM_HOME", str(home))
    yield home
    shutil.rmtree(home, ignore_errors=True)


@pytestmark_ipc
def test_another_user_cannot_reach_the_socket(qtbot: QtBot, traversable_home: Path) -> None:
    server = InstanceServer()
    assert traversable_home in Path(server.name).parents
    assert server.listen()
    try:
        requested: list[str] = []
        server.action_requested.connect(requested.append)
        assert child_exit_code(qtbot, as_other_user(server.name, encode_request("mask-clipboard"))) == 13
        assert requested == []
    finally:
        server.close()


@pytestmark_ipc
def test_another_user_who_gets_through_is_refused_by_user_id(qtbot: QtBot, traversable_home: Path) -> None:
    """Second line of defence: even with the folder and socket opened up, the server checks the peer's user id."""
    server = InstanceServer()
    assert server.listen()
    folder = Path(server.name).parent
    try:
        folder.chmod(0o711)
        Path(server.name).chmod(0o777)
        requested: list[str] = []
        server.action_requested.connect(requested.append)
        with qtbot.waitSignal(server.request_rejected, timeout=15_000) as rejection:
            pid = as_other_user(server.name, encode_request("unmask-clipboard"))
        assert rejection.args == ["a request came from another user"]
        assert child_exit_code(qtbot, pid) == 1 and requested == []
    finally:
        folder.chmod(0o700)
        server.close()
