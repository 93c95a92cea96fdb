"""The Wayland backend against a fake GlobalShortcuts portal on a private D-Bus session bus.

The fake runs in a thread of the test process with its own connection; every message crosses a real dbus-daemon, so
signatures are checked by the daemon and both sides decode from the wire. The client reads its socket through a
QSocketNotifier, so the test waits with qtbot while the Qt loop turns.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from jeepney import DBusAddress, HeaderFields, new_signal
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import Proxy, open_dbus_connection
from pytestqt.qtbot import QtBot

from app.platform.desktop import Desktop, DesktopSession, SessionKind
from app.platform.hotkeys import RegistrationResult, RegistrationStatus, create_hotkey_manager
from app.platform.hotkeys.keys import parse_hotkey
from app.platform.hotkeys.portal import (
    PORTAL_PATH,
    SHORTCUTS_INTERFACE,
    PortalHotkeyManager,
    PortalUnavailable,
    bind_shortcuts_message,
    bound_triggers,
    request_path,
    session_bus_address,
)
from tests.platform.fake_portal import RESPONSE_CANCELLED, FakePortal

WAYLAND = DesktopSession(SessionKind.WAYLAND, Desktop.GNOME)


@pytest.fixture
def manager(fake_portal: FakePortal, qtbot: QtBot) -> Iterator[PortalHotkeyManager]:
    hotkeys = PortalHotkeyManager()
    yield hotkeys
    hotkeys.close()


def wait_for_outcomes(qtbot: QtBot, manager: PortalHotkeyManager, count: int) -> dict[str, RegistrationResult]:
    outcomes: dict[str, RegistrationResult] = {}
    manager.registration_changed.connect(lambda action, result: outcomes.__setitem__(action, result))
    qtbot.waitUntil(lambda: len(outcomes) >= count, timeout=5000)
    return outcomes


def test_registration_waits_for_the_desktop_then_binds_all_at_once(
    manager: PortalHotkeyManager, fake_portal: FakePortal, qtbot: QtBot
) -> None:
    assert manager.register("mask", "Ctrl+Alt+M").status is RegistrationStatus.PENDING
    assert manager.register("unmask", "Ctrl+Alt+U").status is RegistrationStatus.PENDING

    outcomes = wait_for_outcomes(qtbot, manager, 2)

    assert {action: result.status for action, result in outcomes.items()} == {
        "mask": RegistrationStatus.OK,
        "unmask": RegistrationStatus.OK,
    }
    assert "desktop:CTRL+ALT+m" in outcomes["mask"].message  # the desktop's own description of the trigger
    assert len(fake_portal.binds) == 1  # both in one dialog
    bind = fake_portal.binds[0]
    assert bind.session == fake_portal.sessions[0]
    assert bind.shortcuts["mask"]["preferred_trigger"] == "CTRL+ALT+m"
    assert bind.shortcuts["unmask"]["description"] == "Restore masked data in the clipboard"
    assert fake_portal.registered_app_ids == ["cloakroom"]


def test_activated_signals_emit_the_action(manager: PortalHotkeyManager, fake_portal: FakePortal, qtbot: QtBot) -> None:
    manager.register("review", "Ctrl+Alt+R")
    wait_for_outcomes(qtbot, manager, 1)
    with qtbot.waitSignal(manager.activated, timeout=5000) as blocker:
        fake_portal.activate("review")
    assert blocker.args == ["review"]


def test_a_cancelled_dialog_reports_failure_and_forgets_the_actions(
    manager: PortalHotkeyManager, fake_portal: FakePortal, qtbot: QtBot
) -> None:
    fake_portal.bind_response = RESPONSE_CANCELLED
    manager.register("mask", "Ctrl+Alt+M")
    outcomes = wait_for_outcomes(qtbot, manager, 1)
    assert outcomes["mask"].status is RegistrationStatus.FAILED
    assert "cancelled" in outcomes["mask"].message
    assert manager.registered() == {}


def test_changing_a_hotkey_rebinds_in_a_fresh_session(
    manager: PortalHotkeyManager, fake_portal: FakePortal, qtbot: QtBot
) -> None:
    manager.register("mask", "Ctrl+Alt+M")
    wait_for_outcomes(qtbot, manager, 1)
    manager.register("mask", "Ctrl+Alt+K")
    qtbot.waitUntil(lambda: len(fake_portal.binds) == 2, timeout=5000)
    assert fake_portal.binds[1].shortcuts["mask"]["preferred_trigger"] == "CTRL+ALT+k"
    assert fake_portal.wait_for(lambda: fake_portal.closed_sessions == fake_portal.sessions[:1])
    assert fake_portal.binds[1].session == fake_portal.sessions[1]


def test_activations_of_a_closed_session_are_ignored(
    manager: PortalHotkeyManager, fake_portal: FakePortal, qtbot: QtBot
) -> None:
    manager.register("mask", "Ctrl+Alt+M")
    wait_for_outcomes(qtbot, manager, 1)
    old_session = fake_portal.sessions[0]
    manager.register("mask", "Ctrl+Alt+K")
    qtbot.waitUntil(lambda: len(fake_portal.binds) == 2, timeout=5000)
    received: list[str] = []
    manager.activated.connect(received.append)
    fake_portal.activate("mask", session=old_session)
    with qtbot.waitSignal(manager.activated, timeout=5000):
        fake_portal.activate("mask")  # the current session's activation arrives after the stale one
    assert received == ["mask"]


def test_signals_from_other_programs_are_ignored(
    manager: PortalHotkeyManager, fake_portal: FakePortal, session_bus: str, qtbot: QtBot
) -> None:
    manager.register("mask", "Ctrl+Alt+M")
    manager.register("unmask", "Ctrl+Alt+U")
    wait_for_outcomes(qtbot, manager, 2)
    received: list[str] = []
    manager.activated.connect(received.append)
    with open_dbus_connection(bus=session_bus) as impostor:
        spoof = new_signal(
            DBusAddress(PORTAL_PATH, interface=SHORTCUTS_INTERFACE), "Activated", "osta{sv}",
            (fake_portal.sessions[-1], "unmask", 1, {}),
        )  # fmt: skip
        spoof.header.fields[HeaderFields.destination] = manager._unique_name
        impostor.send(spoof)
        Proxy(message_bus, impostor, timeout=5).GetId()  # the bus has queued the spoof for the client by now
    with qtbot.waitSignal(manager.activated, timeout=5000):
        fake_portal.activate("mask")
    assert received == ["mask"]


def test_without_a_portal_there_is_no_backend(session_bus: str, qtbot: QtBot) -> None:
    with pytest.raises(PortalUnavailable):
        PortalHotkeyManager(timeout_s=2)


def test_the_factory_falls_back_to_null_with_a_reason(session_bus: str, qtbot: QtBot) -> None:
    hotkeys = create_hotkey_manager(session=WAYLAND)
    assert hotkeys.backend_name == "none"
    assert not hotkeys.is_supported
    assert "portal" in hotkeys.unsupported_reason
    assert hotkeys.register("mask", "Ctrl+Alt+M").status is RegistrationStatus.UNSUPPORTED


def test_the_factory_picks_the_portal_on_wayland(fake_portal: FakePortal, qtbot: QtBot) -> None:
    hotkeys = create_hotkey_manager(session=WAYLAND)
    try:
        assert hotkeys.backend_name == "portal"
    finally:
        hotkeys.close()


# --- message building, without a bus ---


def test_bind_message_has_the_portal_signature() -> None:
    message = bind_shortcuts_message("/session/1", [("mask", "Mask", "CTRL+ALT+m")], "token_1")
    assert message.header.fields  # built
    assert message.body == (
        "/session/1",
        [("mask", {"description": ("s", "Mask"), "preferred_trigger": ("s", "CTRL+ALT+m")})],
        "",
        {"handle_token": ("s", "token_1")},
    )


def test_request_paths_follow_the_portal_convention() -> None:
    assert request_path(":1.42", "tok") == "/org/freedesktop/portal/desktop/request/1_42/tok"


def test_bound_triggers_reads_the_response() -> None:
    results = {"shortcuts": ("a(sa{sv})", [("mask", {"trigger_description": ("s", "Ctrl+Alt+M")})])}
    assert bound_triggers(results) == {"mask": "Ctrl+Alt+M"}
    assert bound_triggers({}) == {}


def test_session_bus_address_falls_back_to_the_systemd_user_bus(tmp_path: Path) -> None:
    (tmp_path / "bus").touch()
    assert session_bus_address({"XDG_RUNTIME_DIR": str(tmp_path)}) == f"unix:path={tmp_path / 'bus'}"
    assert session_bus_address({"DBUS_SESSION_BUS_ADDRESS": "unix:path=/x"}) == "unix:path=/x"
    assert session_bus_address({}) is None


def test_keys_without_a_keysym_name_are_invalid_for_the_portal(manager: PortalHotkeyManager) -> None:
    assert parse_hotkey("Ctrl+Alt+Ä")  # Qt knows the key; the keysym table does not
    result = manager.register("mask", "Ctrl+Alt+Ä")
    assert result.status is RegistrationStatus.INVALID
