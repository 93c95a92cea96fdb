"""The real app under a real X server, with a clipboard shared with other programs (xclip).

`xclip` puts text on the clipboard, `cloakroom --mask-clipboard` hands the action to the running app, and `xclip -o`
reads the masked text back; the same for unmask. A screenshot of the review window with highlighted findings is
saved to artifacts/ for a person to look at.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.helpers.keyring_backends import FILE_KEYCHAIN_NAME, KEYCHAIN_FILE_ENV
from tests.helpers.xserver import require_program, xvfb_display  # noqa: F401 - a fixture

pytestmark = pytest.mark.xvfb
ARTIFACTS = REPO_ROOT / "artifacts"
TEXT = "Hi, write to dana.reyes@example.org or call +1 415 555 0100. My card is 4111 1111 1111 1111."


def _wait_for(condition: Callable[[], bool], timeout: float = 60, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def app_environment(xvfb_display: str, isolated_home: Path) -> dict[str, str]:  # noqa: F811
    require_program("xclip", "xclip")
    (isolated_home / "config").mkdir(parents=True, exist_ok=True)
    (isolated_home / "config" / "settings.json").write_text(json.dumps({"first_run_done": True}))
    environment = dict(os.environ)
    environment.update(
        DISPLAY=xvfb_display,
        QT_QPA_PLATFORM="xcb",
        CLOAKROOM_HOME=str(isolated_home),
        PYTHON_KEYRING_BACKEND=FILE_KEYCHAIN_NAME,
        PYTHONPATH=str(REPO_ROOT),
        **{KEYCHAIN_FILE_ENV: str(isolated_home / "keychain.json")},
    )
    environment.pop("CLOAKROOM_PASSPHRASE", None)
    return environment


@pytest.fixture
def running_app(app_environment: dict[str, str]) -> Iterator[dict[str, str]]:
    process = subprocess.Popen([sys.executable, "-m", "app"], env=app_environment, cwd=REPO_ROOT)
    socket_path = Path(app_environment["CLOAKROOM_HOME"]) / "cache" / "run" / "ipc.sock"
    _wait_for(lambda: socket_path.exists() or process.poll() is not None, what="the app to listen")
    assert process.poll() is None, "the app exited at start"
    yield app_environment
    process.terminate()
    process.wait(timeout=30)


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
    _wait_for(lambda: _clipboard(environment) not in ("", TEXT), what="the masked clipboard")
    masked = _clipboard(environment)
    assert masked == "Hi, write to <Email_1> or call <Phone_Number_1>. My card is <Bank_Payment_Card_Number_1>."

    answer = "Done: I emailed <Email 1> and will call [Phone_Number_1]."
    _set_clipboard(answer, environment)
    _cloakroom("--unmask-clipboard", environment)
    _wait_for(lambda: _clipboard(environment) not in ("", answer), what="the restored clipboard")
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
