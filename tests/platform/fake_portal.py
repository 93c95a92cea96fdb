"""A thin stand-in for xdg-desktop-portal's GlobalShortcuts interface, served on a private D-Bus session bus.

It speaks real D-Bus through the bus daemon, so the client's messages are checked by the daemon and decoded from the
wire; it keeps only what the tests look at: the sessions created, the shortcuts each bind asked for, and whether the
"user" confirms or cancels the dialog. It runs in a thread with its own blocking jeepney connection.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from jeepney import DBusAddress, HeaderFields, MessageType, new_error, new_method_return, new_signal
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import DBusConnection, Proxy, open_dbus_connection

from app.platform.hotkeys.portal import (
    PORTAL_BUS_NAME,
    PORTAL_PATH,
    PROPERTIES_INTERFACE,
    REGISTRY_INTERFACE,
    REQUEST_INTERFACE,
    SESSION_INTERFACE,
    SHORTCUTS_INTERFACE,
    request_path,
    session_path,
)

RESPONSE_SUCCESS = 0
RESPONSE_CANCELLED = 1


@dataclass
class BindCall:
    session: str
    shortcuts: dict[str, dict[str, str]]  # id → {"description": ..., "preferred_trigger": ...}


@dataclass
class FakePortal:
    bus_address: str
    bind_response: int = RESPONSE_SUCCESS
    registered_app_ids: list[str] = field(default_factory=list)
    sessions: list[str] = field(default_factory=list)
    closed_sessions: list[str] = field(default_factory=list)
    binds: list[BindCall] = field(default_factory=list)
    _connection: DBusConnection | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _send_lock: threading.Lock = field(default_factory=threading.Lock)
    _clients: dict[str, str] = field(default_factory=dict)  # session → client unique name
    _changed: threading.Condition = field(default_factory=threading.Condition)

    def start(self) -> FakePortal:
        self._connection = open_dbus_connection(bus=self.bus_address)
        reply = Proxy(message_bus, self._connection).RequestName(PORTAL_BUS_NAME)
        assert reply == (1,), f"could not own {PORTAL_BUS_NAME}: {reply}"
        self._thread = threading.Thread(target=self._serve, name="fake-portal", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and give the name back before returning, so the next test's fake can own it at once."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._connection is not None:
            Proxy(message_bus, self._connection, timeout=5).ReleaseName(PORTAL_BUS_NAME)
            self._connection.close()

    # --- what tests do ---

    def activate(self, shortcut_id: str, session: str | None = None) -> None:
        """The user pressed a bound shortcut: send Activated to the session's owner."""
        session = session or self.sessions[-1]
        signal = new_signal(
            DBusAddress(PORTAL_PATH, interface=SHORTCUTS_INTERFACE), "Activated", "osta{sv}",
            (session, shortcut_id, 12345, {}),
        )  # fmt: skip
        signal.header.fields[HeaderFields.destination] = self._clients[session]
        self._send(signal)

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
        """Block the test (not the Qt loop's messages, which the client reads itself) until the fake saw something."""
        with self._changed:
            return self._changed.wait_for(predicate, timeout)

    # --- serving ---

    def _serve(self) -> None:
        assert self._connection is not None
        while not self._stop.is_set():
            try:
                message = self._connection.receive(timeout=0.05)
            except TimeoutError:
                continue
            except OSError:
                return
            if message.header.message_type is MessageType.method_call:
                self._handle_call(message)
                with self._changed:
                    self._changed.notify_all()

    def _handle_call(self, call: Any) -> None:
        fields = call.header.fields
        interface, member = fields.get(HeaderFields.interface), fields.get(HeaderFields.member)
        sender = fields[HeaderFields.sender]
        handler = {
            (PROPERTIES_INTERFACE, "Get"): self._get_property,
            (REGISTRY_INTERFACE, "Register"): self._register_app,
            (SHORTCUTS_INTERFACE, "CreateSession"): self._create_session,
            (SHORTCUTS_INTERFACE, "BindShortcuts"): self._bind_shortcuts,
            (SESSION_INTERFACE, "Close"): self._close_session,
        }.get((interface, member))
        if handler is None:
            self._send(new_error(call, "org.freedesktop.DBus.Error.UnknownMethod"))
            return
        handler(call, sender)

    def _get_property(self, call: Any, sender: str) -> None:
        interface, name = call.body
        if interface == SHORTCUTS_INTERFACE and name == "version":
            self._send(new_method_return(call, "v", (("u", 1),)))
        else:
            self._send(new_error(call, "org.freedesktop.DBus.Error.InvalidArgs"))

    def _register_app(self, call: Any, sender: str) -> None:
        self.registered_app_ids.append(call.body[0])
        self._send(new_method_return(call))

    def _create_session(self, call: Any, sender: str) -> None:
        options = call.body[0]
        session = session_path(sender, options["session_handle_token"][1])
        self.sessions.append(session)
        self._clients[session] = sender
        self._reply_with_request(call, sender, options, RESPONSE_SUCCESS, {"session_handle": ("o", session)})

    def _bind_shortcuts(self, call: Any, sender: str) -> None:
        session, shortcuts, _parent_window, options = call.body
        requested = {shortcut_id: {k: v[1] for k, v in props.items()} for shortcut_id, props in shortcuts}
        self.binds.append(BindCall(session, requested))
        bound = [
            (shortcut_id, {"description": ("s", props["description"]),
                           "trigger_description": ("s", f"desktop:{props['preferred_trigger']}")})
            for shortcut_id, props in requested.items()
        ]  # fmt: skip
        results = {"shortcuts": ("a(sa{sv})", bound)} if self.bind_response == RESPONSE_SUCCESS else {}
        self._reply_with_request(call, sender, options, self.bind_response, results)

    def _close_session(self, call: Any, sender: str) -> None:
        self.closed_sessions.append(call.header.fields[HeaderFields.path])
        self._send(new_method_return(call))

    def _reply_with_request(self, call: Any, sender: str, options: dict, code: int, results: dict) -> None:
        """Reply with the request path, then send its Response, as xdg-desktop-portal does."""
        path = request_path(sender, options["handle_token"][1])
        self._send(new_method_return(call, "o", (path,)))
        response = new_signal(DBusAddress(path, interface=REQUEST_INTERFACE), "Response", "ua{sv}", (code, results))
        response.header.fields[HeaderFields.destination] = sender
        self._send(response)

    def _send(self, message: Any) -> None:
        assert self._connection is not None
        with self._send_lock:
            self._connection.send(message)
