"""The real app under a real X server, with a clipboard shared with other programs (xclip).

`xclip` puts text on the clipboard, `cloakroom --mask-clipboard` hands the action to the running app, and `xclip -o`
reads the masked text back; the same for unmask. A screenshot of the review window with highlighted findings is
saved to artifacts/ for a person to look at.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from tests.helpers.paths import REPO_ROOT
from tests.helpers.running_app import TEXT, wait_for

pytestmark = pytest.mark.xvfb
ARTIFACTS = REPO_ROOT / "artifacts"


def _set_clipboard(text: str, environment: dict[str, str]) -> None:
    subprocess.run(["xclip", "-selection", "clipboard"], input=text.encode(), env=environment, check=True)


def _clipboard(environment: dict[str, str], target: str | None = None) -> str:
    command = ["xclip", "-selection", "clipboard", "-o"] + (["-t", target] if target else [])
    result = subprocess.run(command, capture_output=True, env=environment, check=False, timeout=10)
    return result.stdout.decode(errors="replace")


def _cloakroom(option: str, environment: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "app", option], env=environment, check=True, timeout=60)


def test_mask_and_unmask_through_the_real_clipboard(running_app: dict[str, str]) -> None:
    environment = running_app
    _set_clipboard(TEXT, environment)
    _cloakroom("--mask-clipboard", environment)
    wait_for(lambda: _clipboard(environment) not in ("", TEXT), what="the masked clipboard")
    masked = _clipboard(environment)
    assert masked == "Hi, write to <Email_1> or call <Phone_Number_1>. My card is <Bank_Payment_Card_Number_1>."

    answer = "Done: I emailed <Email 1> and will call [Phone_Number_1]."
    _set_clipboard(answer, environment)
    _cloakroom("--unmask-clipboard", environment)
    wait_for(lambda: _clipboard(environment) not in ("", answer), what="the restored clipboard")
    assert _clipboard(environment) == "Done: I emailed dana.reyes@example.org and will call +1 415 555 0100."
    targets = _clipboard(environment, "TARGETS").split()
    assert "x-kde-passwordManagerHint" in targets
    assert _clipboard(environment, "x-kde-passwordManagerHint") == "secret"


def test_review_window_screenshot(running_app: dict[str, str]) -> None:
    environment = running_app
    _set_clipboard(TEXT + "\nPassword: Tr0ub4dor&3, 验证码：482913。", environment)
    _cloakroom("--review", environment)
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "review-window-xvfb.png"
    shot.unlink(missing_ok=True)
    time.sleep(2)  # let the window map, lay out and highlight
    grab = (
        "import sys; from PySide6.QtGui import QGuiApplication; app = QGuiApplication([]); "
        "sys.exit(0 if app.primaryScreen().grabWindow(0).save(sys.argv[1]) else 1)"
    )
    subprocess.run([sys.executable, "-c", grab, str(shot)], env=environment, check=True, timeout=60)
    assert shot.stat().st_size > 10_000  # a blank 1280x800 screen compresses to far less
