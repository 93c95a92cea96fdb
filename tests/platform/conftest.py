"""Real OS parts for platform tests: a private X server (tests.helpers.xserver) and a private D-Bus session bus.

Each is started once per test session and only when a test asks for it; a test whose tool is missing is skipped with
the apt package to install. Xvfb picks a free display number itself (``-displayfd``), so parallel runs do not collide.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.xserver import START_TIMEOUT_S as _START_TIMEOUT_S
from tests.helpers.xserver import read_line_from as _read_line_from
from tests.helpers.xserver import require_program as _require
from tests.helpers.xserver import x_display, xvfb_display  # noqa: F401 - fixtures shared with tests/ui
from tests.platform.fake_portal import FakePortal

_BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={folder}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


@pytest.fixture(scope="session")
def private_bus_address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A D-Bus session bus of our own, without service files, so no real portal can be activated on it."""
    daemon = _require("dbus-daemon", "dbus-daemon")
    folder = tmp_path_factory.mktemp("dbus")
    config = Path(folder, "session.conf")
    config.write_text(_BUS_CONFIG.format(folder=folder))
    read_end, write_end = os.pipe()
    process = subprocess.Popen(
        [daemon, f"--config-file={config}", "--nofork", "--nopidfile", f"--print-address={write_end}"],
        pass_fds=[write_end],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    address = _read_line_from(read_end)
    if not address:
        process.kill()
        pytest.fail("dbus-daemon did not report its address")
    try:
        yield address
    finally:
        process.terminate()
        process.wait(timeout=_START_TIMEOUT_S)


@pytest.fixture
def session_bus(private_bus_address: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """DBUS_SESSION_BUS_ADDRESS points at the private bus for this test."""
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", private_bus_address)
    return private_bus_address


@pytest.fixture
def fake_portal(session_bus: str) -> Iterator[FakePortal]:
    portal = FakePortal(session_bus).start()
    try:
        yield portal
    finally:
        portal.stop()
