"""Real OS parts for platform tests: a private D-Bus session bus here, and the private X server of the helper plugin
tests.helpers.xserver (`x_display`, `xvfb_display`).

Each is started once per test session and only when a test asks for it; a test whose tool is missing is skipped with
the apt package to install. Xvfb picks a free display number itself (``-displayfd``), so parallel runs do not collide.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.xserver import reporting_daemon, require_program
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
    daemon = require_program("dbus-daemon", "dbus-daemon")
    folder = tmp_path_factory.mktemp("dbus")
    config = Path(folder, "session.conf")
    config.write_text(_BUS_CONFIG.format(folder=folder))

    def command(address_fd: int) -> list[str]:
        return [daemon, f"--config-file={config}", "--nofork", "--nopidfile", f"--print-address={address_fd}"]

    with reporting_daemon(command, "dbus-daemon did not report its address") as address:
        yield address


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
