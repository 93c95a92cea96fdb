"""The backend for sessions without global hotkeys: registers nothing and says why."""

from __future__ import annotations

from PySide6.QtCore import QObject

from .base import HotkeyManager, RegistrationResult
from .keys import KeyCombo


class NullHotkeyManager(HotkeyManager):
    backend_name = "none"

    def __init__(self, reason: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._reason = reason

    @property
    def is_supported(self) -> bool:
        return False

    @property
    def unsupported_reason(self) -> str:
        return self._reason

    def _grab(self, action_id: str, combo: KeyCombo) -> RegistrationResult:
        return RegistrationResult.unsupported(self._reason)

    def _release(self, action_id: str, combo: KeyCombo) -> None:
        """Nothing was grabbed."""
