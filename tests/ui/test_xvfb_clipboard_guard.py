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

from tests.conftest import REPO_ROOT
from tests.helpers.xserver import require_program, xvfb_display  # noqa: F401 - a fixture

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
        subprocess.run(["xclip", "-selection", "clipboard"], input=text.encode(), env=self.environment, check=True)

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
def app(xvfb_display: str) -> Iterator[GuardedApp]:  # noqa: F811
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
    assert app.paste() == ORIGINAL.replace("Dana", "<Real_Name_1>").replace(
        "4111 1111 1111 1111", "<Bank_Payment_Card_Number_1>").replace("13812345678", "<Phone_Number_1>").encode()
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
