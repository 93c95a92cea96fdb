"""The app's controller and worker with a blocking `StandInDetector`, on a real X display, driven line by line on stdin.

Run by tests/ui/test_xvfb_clipboard_guard.py as ``python -m tests.helpers.guarded_clipboard_app`` with DISPLAY set
and QT_QPA_PLATFORM=xcb, so other programs (xclip) share its clipboard. Commands: ``mask``, ``release``, ``cancel``,
``fail`` (the next release fails), ``quit``. It answers on stdout, one line each: ``ready``; ``guarded MS`` (the
milliseconds from the mask command to the notice being on the clipboard); ``started`` (the detector is blocking);
``notify TITLE``. It prints notification titles only, never clipboard text.
"""

from __future__ import annotations

import queue
import sys
import threading
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.core.assembly import build_engine
from app.core.settings import Settings
from app.core.store import MemoryStore
from app.ui.controller import AppController
from app.ui.worker import DetectionWorker, ModelSlot
from tests.helpers.stand_in_detector import blocking_detector, model_stopped


def _say(line: str) -> None:
    print(line, flush=True)


def _read_commands(commands: queue.Queue[str]) -> None:
    for line in sys.stdin:
        commands.put(line.strip())
    commands.put("quit")


def main() -> int:
    application = QApplication(sys.argv[:1])
    detector = blocking_detector()
    slot = ModelSlot()
    slot.detector = detector
    settings = Settings()
    engine = build_engine(settings, MemoryStore(), model=slot)
    worker = DetectionWorker(engine, slot)
    worker.start()
    controller = AppController(engine, worker, settings)
    controller.notify.connect(lambda title, _message, _warning: _say(f"notify {title}"))
    commands: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_read_commands, args=(commands,), daemon=True).start()

    def mask() -> None:
        detector.started.clear()
        detector.release.clear()
        started = time.perf_counter()
        controller.mask_clipboard()
        _say(f"guarded {(time.perf_counter() - started) * 1000:.1f}")
        if detector.started.wait(10):
            _say("started")

    def release() -> None:
        detector.release.set()

    def fail() -> None:
        detector.error = model_stopped()

    def quit_app() -> None:
        controller.shutdown()
        worker.shutdown()
        application.quit()

    handlers = {"mask": mask, "release": release, "cancel": controller.cancel_detection, "fail": fail, "quit": quit_app}

    def poll() -> None:
        while not commands.empty():
            handlers[commands.get()]()

    timer = QTimer()
    timer.timeout.connect(poll)
    timer.start(10)
    _say("ready")
    return application.exec()


if __name__ == "__main__":
    sys.exit(main())
