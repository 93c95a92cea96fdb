"""A private X server (Xvfb) for tests that need a real display, a real clipboard shared with other programs, or
real global key grabs (a pytest plugin, loaded by tests/conftest.py). Started once per test session, only when a test
asks for it; a test whose tool is missing is skipped with the apt package to install. Xvfb picks a free display
number itself (``-displayfd``), so parallel runs do not collide.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

START_TIMEOUT_S = 20


def require_program(program: str, apt_package: str) -> str:
    path = shutil.which(program)
    if path is None:
        pytest.skip(f"{program} is missing (apt-get install {apt_package})")
    return path


def read_line_from(fd: int) -> str:
    """The first line a child writes to ``fd`` (its display number, its bus address)."""
    with os.fdopen(fd, "rb", closefd=True) as stream:
        return stream.readline().decode().strip()


@contextmanager
def reporting_daemon(command: Callable[[int], list[str]], failure: str) -> Iterator[str]:
    """Run a daemon that writes one line to the pipe whose descriptor ``command`` puts on its command line (its
    display number, its bus address); yield that line, and stop the daemon afterwards. No line: the test fails."""
    read_end, write_end = os.pipe()
    process = subprocess.Popen(
        command(write_end), pass_fds=[write_end], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    os.close(write_end)
    line = read_line_from(read_end)
    if not line:
        process.kill()
        pytest.fail(failure)
    try:
        yield line
    finally:
        process.terminate()
        process.wait(timeout=START_TIMEOUT_S)


@pytest.fixture(scope="session")
def xvfb_display() -> Iterator[str]:
    """A private X server for the whole session; yields its DISPLAY value (":3")."""
    xvfb = require_program("Xvfb", "xvfb")

    def command(display_fd: int) -> list[str]:
        return [xvfb, "-displayfd", str(display_fd), "-nolisten", "tcp", "-screen", "0", "1280x800x24"]

    with reporting_daemon(command, "Xvfb did not report a display number") as number:
        yield f":{number}"


@pytest.fixture
def x_display(xvfb_display: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """DISPLAY points at the private X server for this test (Qt itself stays offscreen)."""
    require_program("xdotool", "xdotool")
    monkeypatch.setenv("DISPLAY", xvfb_display)
    return xvfb_display
