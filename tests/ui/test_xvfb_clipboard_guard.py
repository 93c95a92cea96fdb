"""The guarded clipboard as other programs see it: xclip reads the X clipboard while a masking is blocked.

During the run a paste yields the notice, never the original; after success the masked text; after a cancel or a
failure the original, byte for byte. The time from the mask command to the notice being on the clipboard is written
to artifacts/clipboard-guard.json (a figure to read, not an assertion: wall-clock times vary with the machine).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from tests.helpers.paths import REPO_ROOT
from tests.helpers.running_app import TEXT as END_TO_END_TEXT
from tests.helpers.xserver import require_program

pytestmark = pytest.mark.xvfb
ARTIFACTS = REPO_ROOT / "artifacts"
NOTICE = "Cloakroom is masking this text — paste again in a moment."
ORIGINAL = "Dana's card: 4111 1111 1111 1111\n\tTrailing spaces   \n张伟的电话 13812345678 ✓\n"


class GuardedApp:
    """The helper app in a subprocess: send it commands, wait for its answers, read and write the X clipboard."""

    def __init__(self, environment: dict[str, str]) -> None:
        self.environment = environment
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.helpers.guarded_clipboard_app"],
            env=environment,
            cwd=REPO_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.expect("ready")

    def send(self, command: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()

    def expect(self, prefix: str) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        assert line.startswith(prefix), f"expected {prefix!r}, got {line!r}"
        return line

    def copy(self, text: str) -> None:
        """Copy with xclip, and wait until the X server answers with it (xclip takes the selection in the background)."""
        subprocess.run(["xclip", "-selection", "clipboard"], input=text.encode(), env=self.environment, check=True)
        deadline = time.monotonic() + 10
        while self.paste() != text.encode() and time.monotonic() < deadline:
            time.sleep(0.02)

    def paste(self, target: str | None = None) -> bytes:
        command = ["xclip", "-selection", "clipboard", "-o"] + (["-t", target] if target else [])
        return subprocess.run(command, capture_output=True, env=self.environment, check=False, timeout=10).stdout

    def mask(self) -> float:
        """Start a masking of the clipboard; return the milliseconds until the notice was on the clipboard."""
        self.send("mask")
        guarded_ms = float(self.expect("guarded").split()[1])
        self.expect("started")
        return guarded_ms

    def paste_repeatedly(self, times: int = 5) -> set[bytes]:
        return {self.paste() for _ in range(times)}


@pytest.fixture
def app(xvfb_display: str) -> Iterator[GuardedApp]:
    require_program("xclip", "xclip")
    environment = dict(os.environ, DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb", PYTHONPATH=str(REPO_ROOT))
    guarded = GuardedApp(environment)
    yield guarded
    guarded.send("quit")
    guarded.process.wait(timeout=30)


def test_a_paste_during_masking_never_yields_the_original(app: GuardedApp) -> None:
    app.copy(ORIGINAL)
    guarded_ms = app.mask()
    assert app.paste_repeatedly() == {NOTICE.encode()}
    targets = app.paste(target="TARGETS").decode().split()
    assert "x-kde-passwordManagerHint" in targets and app.paste("x-kde-passwordManagerHint") == b"secret"
    app.send("release")
    app.expect("notify Clipboard masked")
    assert (
        app.paste()
        == ORIGINAL.replace("Dana", "<Real_Name_1>")
        .replace("4111 1111 1111 1111", "<Bank_Payment_Card_Number_1>")
        .replace("13812345678", "<Phone_Number_1>")
        .encode()
    )
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "clipboard-guard.json").write_text(json.dumps({"mask_command_to_guard_ms": guarded_ms}))


def test_cancel_puts_the_original_back_byte_for_byte(app: GuardedApp) -> None:
    app.copy(ORIGINAL)
    app.mask()
    assert app.paste_repeatedly() == {NOTICE.encode()}
    app.send("cancel")
    app.expect("notify Cancelled")
    assert app.paste() == ORIGINAL.encode()


def test_a_failure_puts_the_original_back_byte_for_byte(app: GuardedApp) -> None:
    app.copy(ORIGINAL)
    app.send("fail")
    app.mask()
    assert app.paste_repeatedly() == {NOTICE.encode()}
    app.send("release")
    app.expect("notify Nothing was masked")
    assert app.paste() == ORIGINAL.encode()


def test_what_the_person_copies_meanwhile_wins(app: GuardedApp) -> None:
    app.copy(ORIGINAL)
    app.mask()
    app.copy("something else")
    time.sleep(0.2)
    app.send("release")
    app.expect("notify Clipboard changed")
    assert app.paste() == b"something else"


# --- the real app and its real X11 hotkey -------------------------------------------------------------------------


def _xclip_paste(environment: dict[str, str]) -> bytes:
    command = ["xclip", "-selection", "clipboard", "-o"]
    return subprocess.run(command, capture_output=True, env=environment, check=False, timeout=10).stdout


def test_the_mask_hotkey_takes_the_original_off_the_clipboard_at_once(running_app: dict[str, str]) -> None:
    """Ctrl+Alt+M pressed through XTEST on the real app: the first change other programs see is the notice or the
    masked text, never the original. The time from the key press to that change is written to
    artifacts/clipboard-guard-hotkey.json (it includes starting xdotool and xclip: an upper bound)."""
    require_program("xdotool", "xdotool")
    environment = running_app
    subprocess.run(["xclip", "-selection", "clipboard"], input=END_TO_END_TEXT.encode(), env=environment, check=True)
    masked = b"Hi, write to <Email_1> or call <Phone_Number_1>. My card is <Bank_Payment_Card_Number_1>."
    time.sleep(1.0)  # the app registers its hotkeys right after it starts listening on its socket
    pressed = time.monotonic()
    subprocess.run(["xdotool", "key", "ctrl+alt+m"], env=environment, check=True, timeout=10)
    seen = END_TO_END_TEXT.encode()
    while seen == END_TO_END_TEXT.encode() and time.monotonic() - pressed < 30:
        seen = _xclip_paste(environment)
    changed_ms = (time.monotonic() - pressed) * 1000
    first_seen = "notice" if seen == NOTICE.encode() else "masked text"
    assert seen in (NOTICE.encode(), masked)
    deadline = time.monotonic() + 30
    while seen != masked and time.monotonic() < deadline:
        assert seen in (NOTICE.encode(), masked)  # never the original again, never anything else
        seen = _xclip_paste(environment)
    assert seen == masked
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "clipboard-guard-hotkey.json").write_text(
        json.dumps({"hotkey_to_clipboard_change_ms": round(changed_ms, 1), "first_seen": first_seen})
    )
