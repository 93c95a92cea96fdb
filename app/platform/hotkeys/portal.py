"""Global hotkeys on Wayland: the xdg-desktop-portal ``org.freedesktop.portal.GlobalShortcuts`` interface.

Wayland lets no client grab keys; the compositor binds shortcuts on the app's behalf. The flow:

1. ``CreateSession`` → a ``Response`` signal on the request object carries the session handle.
2. ``BindShortcuts(session, [(id, {description, preferred_trigger})])`` → the desktop shows a dialog where the user
   confirms or changes the keys; its ``Response`` lists what was bound ("trigger_description").
3. ``Activated(session, id, timestamp, options)`` signals arrive when the user presses a bound shortcut.

So `register` answers PENDING and the outcome follows on ``registration_changed``. Changing the set of shortcuts opens
a fresh session and binds them all again (several registrations in one event-loop turn share one dialog).

D-Bus is spoken through jeepney, a pure-Python D-Bus library already installed on Linux as a dependency of keyring,
not QtDBus: ``BindShortcuts`` takes an ``a(sa{sv})``, an array of structures, and QtDBus can only marshal an array of a
type registered with ``qDBusRegisterMetaType``, which PySide6 does not expose. jeepney's socket is read on the GUI
thread through a QSocketNotifier, like the X11 backend.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QObject, QSocketNotifier, QTimer

try:
    from jeepney import DBusAddress, HeaderFields, MatchRule, MessageType, message_bus, new_method_call
    from jeepney.io.blocking import open_dbus_connection
except ImportError:  # keyring pulls jeepney in on Linux only; elsewhere this backend is never chosen
    open_dbus_connection = None  # type: ignore[assignment]

from .base import HotkeyManager, RegistrationResult, RegistrationStatus
from .keys import KeyCombo, Modifier, unmapped_key_message
from .x11_keymap import keysym_name_for

PORTAL_BUS_NAME = "org.freedesktop.portal.Desktop"
PORTAL_PATH = "/org/freedesktop/portal/desktop"
SHORTCUTS_INTERFACE = "org.freedesktop.portal.GlobalShortcuts"
REQUEST_INTERFACE = "org.freedesktop.portal.Request"
SESSION_INTERFACE = "org.freedesktop.portal.Session"
REGISTRY_INTERFACE = "org.freedesktop.host.portal.Registry"
PROPERTIES_INTERFACE = "org.freedesktop.DBus.Properties"

RESPONSE_SUCCESS = 0
RESPONSE_CANCELLED = 1

# Shortcut-spec modifier names, in the order the spec lists them.
_TRIGGER_MODIFIERS = (
    (Modifier.ControlModifier, "CTRL"),
    (Modifier.AltModifier, "ALT"),
    (Modifier.ShiftModifier, "SHIFT"),
    (Modifier.MetaModifier, "LOGO"),
)

DEFAULT_DESCRIPTIONS = {
    "mask": "Mask private data in the clipboard",
    "unmask": "Restore masked data in the clipboard",
    "review": "Open Cloakroom's review window",
}


class PortalUnavailable(RuntimeError):
    """No session bus, no portal, or a portal without GlobalShortcuts; the message says which."""


# --- pure message building (testable without a bus) -------------------------------------------------------------------


def portal_trigger(combo: KeyCombo) -> str | None:
    """The shortcuts-spec trigger for a combo ("CTRL+ALT+m"), or None when the key has no keysym name."""
    name = keysym_name_for(combo.key)
    if name is None:
        return None
    modifiers = [label for modifier, label in _TRIGGER_MODIFIERS if combo.has(modifier)]
    return "+".join([*modifiers, name])


def _sender_segment(unique_name: str) -> str:
    """ ":1.42" → "1_42", as the portal puts a caller's name into object paths."""
    return unique_name.lstrip(":").replace(".", "_")


def request_path(unique_name: str, token: str) -> str:
    """The object path the portal will use for a request made with ``handle_token=token``."""
    return f"{PORTAL_PATH}/request/{_sender_segment(unique_name)}/{token}"


def session_path(unique_name: str, token: str) -> str:
    return f"{PORTAL_PATH}/session/{_sender_segment(unique_name)}/{token}"


def new_token(prefix: str) -> str:
    """A request/session token: letters, digits and underscores only (they become object path elements)."""
    return f"cloakroom_{prefix}_{secrets.token_hex(6)}"


def _portal_call(method: str, signature: str, body: tuple[Any, ...], interface: str = SHORTCUTS_INTERFACE) -> Any:
    return new_method_call(DBusAddress(PORTAL_PATH, PORTAL_BUS_NAME, interface), method, signature, body)


def create_session_message(handle_token: str, session_token: str) -> Any:
    return _portal_call(
        "CreateSession",
        "a{sv}",
        ({"handle_token": ("s", handle_token), "session_handle_token": ("s", session_token)},),
    )


def bind_shortcuts_message(
    session_handle: str, shortcuts: Iterable[tuple[str, str, str]], handle_token: str, parent_window: str = ""
) -> Any:
    """BindShortcuts for (id, description, preferred trigger) triples."""
    body = [
        (shortcut_id, {"description": ("s", description), "preferred_trigger": ("s", trigger)})
        for shortcut_id, description, trigger in shortcuts
    ]
    return _portal_call(
        "BindShortcuts",
        "oa(sa{sv})sa{sv}",
        (session_handle, body, parent_window, {"handle_token": ("s", handle_token)}),
    )


def close_session_message(session_handle: str) -> Any:
    return new_method_call(DBusAddress(session_handle, PORTAL_BUS_NAME, SESSION_INTERFACE), "Close")


def version_query_message() -> Any:
    return _portal_call("Get", "ss", (SHORTCUTS_INTERFACE, "version"), interface=PROPERTIES_INTERFACE)


def register_app_message(app_id: str) -> Any:
    """xdg-desktop-portal ≥ 1.19 lets a host (non-sandboxed) app name its desktop-file id, which KDE keys shortcuts by."""
    return _portal_call("Register", "sa{sv}", (app_id, {}), interface=REGISTRY_INTERFACE)


def bound_triggers(results: dict[str, tuple[str, Any]]) -> dict[str, str]:
    """Shortcut id → the desktop's description of its trigger, from a BindShortcuts response's results."""
    signature_and_value = results.get("shortcuts")
    if not signature_and_value:
        return {}
    bound: dict[str, str] = {}
    for shortcut_id, properties in signature_and_value[1]:
        trigger = properties.get("trigger_description", ("s", ""))[1]
        bound[shortcut_id] = str(trigger)
    return bound


def session_bus_address(environ: dict[str, str] | None = None) -> str | None:
    """``$DBUS_SESSION_BUS_ADDRESS``, or systemd's per-user bus socket when only that exists."""
    environ = dict(os.environ) if environ is None else environ
    address = environ.get("DBUS_SESSION_BUS_ADDRESS")
    if address:
        return address
    runtime_dir = environ.get("XDG_RUNTIME_DIR")
    if runtime_dir and os.path.exists(os.path.join(runtime_dir, "bus")):
        return f"unix:path={os.path.join(runtime_dir, 'bus')}"
    return None


# --- the manager -----------------------------------------------------------------------------------------------------


class PortalHotkeyManager(HotkeyManager):
    backend_name = "portal"

    def __init__(
        self,
        parent: QObject | None = None,
        app_id: str | None = "cloakroom",
        descriptions: dict[str, str] | None = None,
        timeout_s: float = 3.0,
    ) -> None:
        super().__init__(parent)
        self._descriptions = {**DEFAULT_DESCRIPTIONS, **(descriptions or {})}
        self._connection, self._portal_owner = _open_portal_connection(app_id, timeout_s)
        self._unique_name: str = self._connection.unique_name
        self._session: str | None = None
        self._bound_actions: set[str] = set()
        self._response_handlers: dict[str, Callable[[int, dict[str, Any]], None]] = {}
        self._reply_handlers: dict[int, Callable[[Any], None]] = {}
        self._sync_timer = QTimer(self, singleShot=True, interval=0)
        self._sync_timer.timeout.connect(self._bind_current_set)
        self._notifier = QSocketNotifier(self._connection.sock.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._read_messages)
        self._read_messages()  # anything that arrived during the set-up calls

    # --- HotkeyManager ---

    def _grab(self, action_id: str, combo: KeyCombo) -> RegistrationResult:
        if portal_trigger(combo) is None:
            return RegistrationResult.invalid(unmapped_key_message(combo, "the desktop portal"))
        self._sync_timer.start()
        return RegistrationResult(
            RegistrationStatus.PENDING, f"Confirm {combo.native_text()} in the desktop's shortcut dialog."
        )

    def _release(self, action_id: str, combo: KeyCombo) -> None:
        self._sync_timer.start()

    def close(self) -> None:
        if self._connection is None:
            return
        self._combos.clear()
        self._sync_timer.stop()
        self._close_session()
        self._notifier.setEnabled(False)
        self._connection.close()
        self._connection = None

    # --- the portal conversation ---

    def _bind_current_set(self) -> None:
        """Open a new session for the current set of shortcuts (the portal binds a set once per session)."""
        self._close_session()
        if not self._combos:
            return
        handle_token, session_token = new_token("request"), new_token("session")
        self._expect_response(request_path(self._unique_name, handle_token), self._on_session_created)
        self._call(create_session_message(handle_token, session_token))

    def _on_session_created(self, code: int, results: dict[str, Any]) -> None:
        if code != RESPONSE_SUCCESS:
            self._fail_all(f"The desktop portal did not open a shortcut session (response {code}).")
            return
        self._session = str(results.get("session_handle", ("o", ""))[1])
        shortcuts = [
            (action_id, self._descriptions.get(action_id, action_id), portal_trigger(combo) or "")
            for action_id, combo in self._combos.items()
        ]
        self._bound_actions = {action_id for action_id, _description, _trigger in shortcuts}
        handle_token = new_token("request")
        self._expect_response(request_path(self._unique_name, handle_token), self._on_shortcuts_bound)
        self._call(bind_shortcuts_message(self._session, shortcuts, handle_token))

    def _on_shortcuts_bound(self, code: int, results: dict[str, Any]) -> None:
        if code == RESPONSE_CANCELLED:
            self._fail_all("The shortcut dialog was cancelled; no hotkeys are bound.")
            return
        if code != RESPONSE_SUCCESS:
            self._fail_all(f"The desktop portal refused the shortcuts (response {code}).")
            return
        bound = bound_triggers(results)
        for action_id in sorted(self._bound_actions):
            combo = self._combos.get(action_id)
            if combo is None:
                continue
            if action_id in bound:
                trigger = bound[action_id] or combo.native_text()
                result = RegistrationResult(RegistrationStatus.OK, f"Bound to {trigger} by the desktop.")
            else:
                self._forget(action_id)
                result = RegistrationResult.failed("The desktop did not bind this shortcut.")
            self.registration_changed.emit(action_id, result)

    def _fail_all(self, message: str) -> None:
        for action_id in sorted(self._bound_actions or set(self._combos)):
            self._forget(action_id)
            self.registration_changed.emit(action_id, RegistrationResult.failed(message))
        self._bound_actions = set()

    def _close_session(self) -> None:
        if self._session is not None and self._connection is not None:
            self._connection.send(close_session_message(self._session))
        self._session = None
        self._bound_actions = set()
        self._response_handlers.clear()

    # --- D-Bus plumbing ---

    def _expect_response(self, path: str, handler: Callable[[int, dict[str, Any]], None]) -> None:
        """Subscribe before calling: the portal may answer before the call's reply reaches us."""
        self._response_handlers[path] = handler

    def _call(self, message: Any) -> None:
        serial = next(self._connection.outgoing_serial)
        self._reply_handlers[serial] = self._on_method_reply
        self._connection.send(message, serial=serial)

    def _on_method_reply(self, message: Any) -> None:
        if message.header.message_type is MessageType.error:
            name = message.header.fields.get(HeaderFields.error_name, "an error")
            self._fail_all(f"The desktop portal answered {name}.")

    def _read_messages(self) -> None:
        if self._connection is None:
            return
        while True:
            try:
                message = self._connection.receive(timeout=0)
            except TimeoutError:
                return
            except (ConnectionError, OSError):
                self._on_connection_lost()
                return
            self._dispatch(message)

    def _dispatch(self, message: Any) -> None:
        fields = message.header.fields
        if message.header.message_type in (MessageType.method_return, MessageType.error):
            handler = self._reply_handlers.pop(fields.get(HeaderFields.reply_serial, -1), None)
            if handler is not None:
                handler(message)
        elif message.header.message_type is MessageType.signal:
            self._on_signal(fields.get(HeaderFields.interface), fields.get(HeaderFields.member), message)

    def _on_signal(self, interface: str | None, member: str | None, message: Any) -> None:
        if message.header.fields.get(HeaderFields.sender) != self._portal_owner:
            return  # any program on the bus can send signals; only the portal's count
        if interface == REQUEST_INTERFACE and member == "Response":
            handler = self._response_handlers.pop(message.header.fields.get(HeaderFields.path, ""), None)
            if handler is not None:
                code, results = message.body
                handler(int(code), dict(results))
        elif interface == SHORTCUTS_INTERFACE and member == "Activated":
            session, shortcut_id = message.body[0], message.body[1]
            if session == self._session and shortcut_id in self._combos:
                self.activated.emit(shortcut_id)

    def _on_connection_lost(self) -> None:
        self._notifier.setEnabled(False)
        self._fail_all("The connection to the desktop portal was lost.")
        self._combos.clear()


def _open_portal_connection(app_id: str | None, timeout_s: float) -> tuple[Any, str]:
    """A jeepney connection to a session bus whose portal offers GlobalShortcuts, and the portal's unique name.

    Raises PortalUnavailable otherwise.
    """
    if open_dbus_connection is None:
        raise PortalUnavailable("The jeepney package is missing.")
    address = session_bus_address()
    if address is None:
        raise PortalUnavailable("There is no D-Bus session bus.")
    try:
        connection = open_dbus_connection(bus=address)
    except (OSError, ValueError, RuntimeError) as error:
        raise PortalUnavailable(f"The D-Bus session bus did not answer ({error}).") from error
    try:
        if app_id:  # must precede other portal calls; an older portal answers UnknownMethod, which is fine
            connection.send_and_get_reply(register_app_message(app_id), timeout=timeout_s)
        reply = connection.send_and_get_reply(version_query_message(), timeout=timeout_s)
        if reply.header.message_type is MessageType.error:
            raise PortalUnavailable("The desktop portal has no GlobalShortcuts interface (xdg-desktop-portal ≥ 1.17).")
        owner_reply = connection.send_and_get_reply(message_bus.GetNameOwner(PORTAL_BUS_NAME), timeout=timeout_s)
        for rule in (
            MatchRule(type="signal", sender=PORTAL_BUS_NAME, interface=REQUEST_INTERFACE, member="Response"),
            MatchRule(type="signal", sender=PORTAL_BUS_NAME, interface=SHORTCUTS_INTERFACE, member="Activated"),
        ):
            connection.send_and_get_reply(message_bus.AddMatch(rule), timeout=timeout_s)
    except TimeoutError as error:
        connection.close()
        raise PortalUnavailable("The desktop portal did not answer.") from error
    except PortalUnavailable:
        connection.close()
        raise
    return connection, str(owner_reply.body[0])
