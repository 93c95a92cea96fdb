"""Secret hints on the clipboard: in process with QClipboard (offscreen), and as other X clients see them (Xvfb)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap

import pytest
from PySide6.QtCore import QByteArray, QMimeData
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from app.platform.clipboard_hints import (
    DWORD_ONE,
    DWORD_ZERO,
    KDE_PASSWORD_HINT,
    MAC_CONCEALED_MIME,
    install_platform_converters,
    is_marked_secret,
    secret_hints,
    secret_mime_data,
    windows_format_mime,
)
from tests.helpers.paths import REPO_ROOT

SECRET_TEXT = "Alice Example, alice@example.com"


@pytest.mark.parametrize("platform", ["linux", "darwin", "win32"])
def test_secret_mime_data_carries_text_and_the_platforms_hints(platform: str) -> None:
    mime = secret_mime_data(SECRET_TEXT, platform=platform)
    assert mime.text() == SECRET_TEXT
    for hint in secret_hints(platform):
        assert bytes(mime.data(hint.mime_type).data()) == hint.value
    assert is_marked_secret(mime)


def test_only_the_current_platforms_hints_are_attached() -> None:
    assert [h.mime_type for h in secret_hints("linux")] == [KDE_PASSWORD_HINT]
    assert [h.mime_type for h in secret_hints("darwin")] == [MAC_CONCEALED_MIME]
    assert [h.mime_type for h in secret_hints("win32")] == [
        'application/x-qt-windows-mime;value="ExcludeClipboardContentFromMonitorProcessing"',
        'application/x-qt-windows-mime;value="CanIncludeInClipboardHistory"',
        'application/x-qt-windows-mime;value="CanUploadToCloudClipboard"',
    ]
    windows_values = {hint.mime_type: hint.value for hint in secret_hints("win32")}
    assert windows_values[windows_format_mime("CanIncludeInClipboardHistory")] == DWORD_ZERO


def test_plain_text_is_not_secret() -> None:
    plain = QMimeData()
    plain.setText(SECRET_TEXT)
    assert not is_marked_secret(plain)
    assert not is_marked_secret(None)


def test_hints_from_other_apps_are_recognised() -> None:
    """What password managers write: KeePassXC, Bitwarden, 1Password, and Windows apps using bare format names."""
    kde_hint = QMimeData()
    kde_hint.setData(KDE_PASSWORD_HINT, QByteArray(b"secret"))
    assert is_marked_secret(kde_hint)
    not_secret_hint = QMimeData()
    not_secret_hint.setData(KDE_PASSWORD_HINT, QByteArray(b"none"))
    assert not is_marked_secret(not_secret_hint)
    bare_windows = QMimeData()
    bare_windows.setData("CanIncludeInClipboardHistory", QByteArray(DWORD_ZERO))
    assert is_marked_secret(bare_windows)
    allowed_history = QMimeData()
    allowed_history.setData(windows_format_mime("CanIncludeInClipboardHistory"), QByteArray(DWORD_ONE))
    assert not is_marked_secret(allowed_history)
    viewer_ignore = QMimeData()
    viewer_ignore.setData(windows_format_mime("Clipboard Viewer Ignore"), QByteArray(b"\0"))
    assert is_marked_secret(viewer_ignore)


def test_the_hint_survives_a_clipboard_round_trip(qtbot: QtBot) -> None:
    clipboard = QGuiApplication.clipboard()
    clipboard.setMimeData(secret_mime_data(SECRET_TEXT))
    try:
        copied = clipboard.mimeData()
        assert copied.text() == SECRET_TEXT
        assert is_marked_secret(copied)
    finally:
        # Offscreen Qt keeps clipboard data in a global that outlives Python; a Python-made QMimeData left there
        # crashes the process at exit (PySide6 6.12). Real platforms (xcb, Windows, Cocoa) keep it per instance.
        clipboard.clear()


def test_converters_need_nothing_outside_macos(qtbot: QtBot) -> None:
    if sys.platform == "darwin":
        pytest.skip("on macOS the result depends on the PySide6 build")
    assert install_platform_converters()


_OWNER_SCRIPT = textwrap.dedent(
    """
    import sys
    from PySide6.QtGui import QGuiApplication
    from app.platform.clipboard_hints import secret_mime_data
    app = QGuiApplication([])
    app.clipboard().setMimeData(secret_mime_data(sys.argv[1]))
    print("owning", flush=True)
    from PySide6.QtCore import QSocketNotifier
    stdin_closed = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    stdin_closed.activated.connect(app.quit)
    app.exec()
    """
)


@pytest.mark.xvfb
def test_other_x_clients_see_the_kde_hint_while_cloakroom_owns_the_clipboard(xvfb_display: str) -> None:
    """Klipper and friends ask the owner for TARGETS; the hint must be among them and read 'secret'."""
    if sys.platform != "linux":
        pytest.skip("X11 clipboard")
    xclip = shutil.which("xclip")
    if xclip is None:
        pytest.skip("xclip is missing (apt-get install xclip)")
    env = {**os.environ, "DISPLAY": xvfb_display, "QT_QPA_PLATFORM": "xcb", "PYTHONPATH": str(REPO_ROOT)}
    owner = subprocess.Popen(
        [sys.executable, "-c", _OWNER_SCRIPT, SECRET_TEXT],
        env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        ready = owner.stdout.readline().strip()  # type: ignore[union-attr]
        assert ready == "owning", owner.stderr.read() if owner.poll() is not None else ready  # type: ignore[union-attr]

        def read(target: str) -> str:
            return subprocess.run(
                [xclip, "-selection", "clipboard", "-t", target, "-o"],
                env={"DISPLAY": xvfb_display}, capture_output=True, text=True, timeout=10, check=True,
            ).stdout  # fmt: skip

        assert KDE_PASSWORD_HINT in read("TARGETS").split()
        assert read(KDE_PASSWORD_HINT) == "secret"
        assert read("UTF8_STRING") == SECRET_TEXT
    finally:
        owner.stdin.close()  # type: ignore[union-attr]
        owner.wait(timeout=10)
    assert owner.returncode == 0  # a QMimeData made in Python and owned by Qt's xcb clipboard exits cleanly
