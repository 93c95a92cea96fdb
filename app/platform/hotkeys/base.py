"""The one interface every hotkey backend implements: `HotkeyManager`, and what `register` answers.

The app registers an action id ("mask") with a key sequence in Qt's portable text ("Ctrl+Alt+M") and listens to
``activated("mask")``. Parsing, duplicate detection and bookkeeping live here; a backend only grabs and releases one
`KeyCombo` and emits ``activated`` when the OS reports it.

Registration on most OSes answers at once. The Wayland portal asks the user in a desktop dialog first: its ``register``
answers PENDING and the final answer arrives later through ``registration_changed``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from .keys import HotkeyParseError, KeyCombo, parse_hotkey


class RegistrationStatus(enum.Enum):
    OK = "ok"
    PENDING = "pending"  # waiting for the user to confirm in the desktop's dialog (Wayland portal)
    TAKEN = "taken"  # another program holds this combination
    INVALID = "invalid"  # not a usable combination, or already used by another Cloakroom action
    UNSUPPORTED = "unsupported"  # no global hotkeys in this session
    FAILED = "failed"  # anything else the OS reported


@dataclass(frozen=True)
class RegistrationResult:
    """What became of one registration, with a sentence for the Settings page."""

    status: RegistrationStatus
    message: str

    @property
    def ok(self) -> bool:
        return self.status is RegistrationStatus.OK

    @property
    def active_or_pending(self) -> bool:
        return self.status in (RegistrationStatus.OK, RegistrationStatus.PENDING)

    @classmethod
    def success(cls, combo: KeyCombo) -> RegistrationResult:
        return cls(RegistrationStatus.OK, f"{combo.native_text()} now works in every program.")

    @classmethod
    def taken(cls, combo: KeyCombo) -> RegistrationResult:
        return cls(
            RegistrationStatus.TAKEN,
            f"{combo.native_text()} is already used by another program. Choose another combination.",
        )

    @classmethod
    def invalid(cls, message: str) -> RegistrationResult:
        return cls(RegistrationStatus.INVALID, message)

    @classmethod
    def unsupported(cls, message: str) -> RegistrationResult:
        return cls(RegistrationStatus.UNSUPPORTED, message)

    @classmethod
    def failed(cls, message: str) -> RegistrationResult:
        return cls(RegistrationStatus.FAILED, message)


class HotkeyManager(QObject):
    """Global hotkeys for one session. Subclasses implement `_grab` and `_release` (and `close`)."""

    activated = Signal(str)  # action id
    registration_changed = Signal(str, object)  # action id, RegistrationResult: later answers (portal)

    backend_name = "none"

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._combos: dict[str, KeyCombo] = {}

    # --- what the session offers ---

    @property
    def is_supported(self) -> bool:
        """Whether global hotkeys can work at all here (False: show the forwarding commands instead)."""
        return True

    @property
    def unsupported_reason(self) -> str:
        """Why they cannot, in a sentence; empty when they can."""
        return ""

    # --- registration ---

    def register(self, action_id: str, sequence: str) -> RegistrationResult:
        """Bind ``sequence`` (portable text) to ``action_id``, replacing that action's previous binding."""
        try:
            combo = parse_hotkey(sequence)
        except HotkeyParseError as error:
            return RegistrationResult.invalid(str(error))
        holder = self._action_holding(combo, except_action=action_id)
        if holder is not None:
            return RegistrationResult.invalid(f"{combo.native_text()} is already Cloakroom's hotkey for '{holder}'.")
        self.unregister(action_id)
        result = self._grab(action_id, combo)
        if result.active_or_pending:
            self._combos[action_id] = combo
        return result

    def unregister(self, action_id: str) -> None:
        combo = self._combos.pop(action_id, None)
        if combo is not None:
            self._release(action_id, combo)

    def unregister_all(self) -> None:
        for action_id in list(self._combos):
            self.unregister(action_id)

    def registered(self) -> dict[str, str]:
        """Action id → portable text of what is bound (or waiting for confirmation)."""
        return {action_id: combo.portable_text() for action_id, combo in self._combos.items()}

    def close(self) -> None:
        """Release everything and the OS connection; the manager is unusable afterwards."""
        self.unregister_all()

    # --- for subclasses ---

    def _grab(self, action_id: str, combo: KeyCombo) -> RegistrationResult:
        raise NotImplementedError

    def _release(self, action_id: str, combo: KeyCombo) -> None:
        raise NotImplementedError

    def _action_for(self, combo: KeyCombo) -> str | None:
        return self._action_holding(combo, except_action=None)

    def _action_holding(self, combo: KeyCombo, except_action: str | None) -> str | None:
        for action_id, held in self._combos.items():
            if held == combo and action_id != except_action:
                return action_id
        return None

    def _forget(self, action_id: str) -> None:
        """Drop an action whose binding the OS withdrew (the portal's dialog was cancelled)."""
        self._combos.pop(action_id, None)
