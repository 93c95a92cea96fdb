"""Guards against a known defect of the Qt binding that crashes the whole app (PySide6 6.12.0)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication


class _Emitter(QObject):
    flag = Signal(bool)


def test_bool_signal_arguments_keep_their_references(qapp: QApplication) -> None:
    emitter = _Emitter()
    received: list[bool] = []
    emitter.flag.connect(lambda value: received.append(value))
    before = sys.getrefcount(False)
    for _ in range(50):
        emitter.flag.emit(False)
    # Each received False holds one reference: a binding that drops one per call leaves the count unchanged or lower.
    assert sys.getrefcount(False) - before >= 50
    received.clear()
