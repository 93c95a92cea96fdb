"""The real app as its own process on the private X server (a pytest plugin, loaded by tests/conftest.py).

`running_app` starts ``python -m app`` with a clipboard shared with other programs (xclip) and waits until it listens
for commands; `app_environment` is that process's environment, for the commands a test sends it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.helpers.paths import REPO_ROOT
from tests.helpers.vault_keys import keychain_environment
from tests.helpers.xserver import require_program

TEXT = "Hi, write to dana.reyes@example.org or call +1 415 555 0100. My card is 4111 1111 1111 1111."
"""What the tests copy: an e-mail, a phone number and a card number, all of which the rules mask."""


def wait_for(condition: Callable[[], bool], timeout: float = 60, what: str = "condition") -> None:
    """Poll ``condition`` until it holds; fail the test after ``timeout`` seconds (a bound on a hang, not a timing)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def app_environment(xvfb_display: str, isolated_home: Path) -> dict[str, str]:
    """The app's environment: the private X display, its own home past the first run, a keychain file it shares."""
    require_program("xclip", "xclip")
    (isolated_home / "config").mkdir(parents=True, exist_ok=True)
    (isolated_home / "config" / "settings.json").write_text(json.dumps({"first_run_done": True}))
    environment = keychain_environment(isolated_home / "keychain.json")
    environment.update(DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb", CLOAKROOM_HOME=str(isolated_home))
    environment.pop("CLOAKROOM_PASSPHRASE", None)
    return environment


@pytest.fixture
def running_app(app_environment: dict[str, str]) -> Iterator[dict[str, str]]:
    process = subprocess.Popen([sys.executable, "-m", "app"], env=app_environment, cwd=REPO_ROOT)
    socket_path = Path(app_environment["CLOAKROOM_HOME"]) / "cache" / "run" / "ipc.sock"
    wait_for(lambda: socket_path.exists() or process.poll() is not None, what="the app to listen")
    assert process.poll() is None, "the app exited at start"
    yield app_environment
    process.terminate()
    process.wait(timeout=30)
