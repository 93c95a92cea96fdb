"""Render the review window to PNG files, to look at it while working on it (not a test).

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.ui.render_review_window /tmp/review
    xvfb-run -a -s "-screen 0 1400x900x24" env QT_QPA_PLATFORM=xcb .venv/bin/python -m tests.ui.render_review_window

Writes mask-{light,dark}.png and unmask-{light,dark}.png, and in the light theme also mask-as-dialog.png,
model-running.png (a stand-in model that waits until stopped) and narrow.png (the window at its smallest).
The sample text is made up; it runs in a throw-away CLOAKROOM_HOME so no real vault or window settings are
touched.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

SAMPLE = (
    "Hi! I'm Ann Lee 🙂 — mail me at ann.lee@example.com or call +1 415 555 0134.\n"
    "我的手机号是13812345678，身份证号 11010519491231002X。\n"
    "Our staging DB: postgres://admin:S3cr3t!pw@10.0.4.12:5432/orders\n"
    "password: hunter2!Xy   card 4111 1111 1111 1111\n"
    "API key sk-proj-abcdefghijklmnop1234567890ABCD — please keep it out of the logs.\n"
)


def _apply_dark_palette(app) -> None:
    from PySide6.QtGui import QColor, QPalette

    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#2b2d31",
        QPalette.ColorRole.WindowText: "#e6e6e6",
        QPalette.ColorRole.Base: "#1e1f22",
        QPalette.ColorRole.AlternateBase: "#26282c",
        QPalette.ColorRole.Text: "#e6e6e6",
        QPalette.ColorRole.Button: "#34363b",
        QPalette.ColorRole.ButtonText: "#e6e6e6",
        QPalette.ColorRole.Highlight: "#3d6fb4",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#34363b",
        QPalette.ColorRole.ToolTipText: "#e6e6e6",
        QPalette.ColorRole.PlaceholderText: "#8a8d93",
    }
    for role, color in roles.items():
        palette.setColor(role, QColor(color))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, QColor("#8a8d93"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#8a8d93"))
    app.setPalette(palette)


def render(out_dir: Path) -> list[Path]:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv)
    app.setStyle("Fusion")
    written = _render_theme(app, out_dir, "light")
    written += _render_extras(app, out_dir)
    _apply_dark_palette(app)
    written += _render_theme(app, out_dir, "dark")
    return written


def _engine():
    from app.core.detectors.rules import RulesDetector
    from app.core.engine import Engine
    from app.core.store import MemoryStore

    return Engine(MemoryStore(), rules=RulesDetector())


def _render_theme(app, out_dir: Path, theme: str) -> list[Path]:
    from app.core.taxonomy import Level
    from app.ui.review import ReviewWindow

    window = ReviewWindow(_engine(), None)
    window.resize(1280, 800)
    window.show()
    window.set_mask_text(SAMPLE)
    tab = window.mask_tab
    start = SAMPLE.index("Ann Lee")
    tab._state.add_user_span(start, start + len("Ann Lee"), "Real Name", Level.PL2)  # as "Mask as…" would
    tab._refresh()
    card = next(index for index, item in enumerate(tab.items()) if item.finding.type.startswith("Bank"))
    tab.toggle_item(card)
    tab.findings_list.setFocus()
    app.processEvents()
    written = [_save(window, out_dir / f"mask-{theme}.png")]
    masked = tab.copy_masked()
    answer = masked.text.replace("Hi!", "Sure — I'll write to") + "\nAlso ask <Real_Name_7> and [Email 1]."
    window.set_unmask_text(answer)
    app.processEvents()
    written.append(_save(window, out_dir / f"unmask-{theme}.png"))
    window.close()
    return written


def _render_extras(app, out_dir: Path) -> list[Path]:
    from PySide6.QtGui import QTextCursor

    from app.ui.review import ReviewWindow
    from app.ui.worker import DetectionWorker, ModelSlot
    from tests.helpers.stand_in_detector import blocking_detector

    engine = _engine()
    slot = ModelSlot()
    engine.model = slot
    worker = DetectionWorker(engine, slot)
    worker.start()
    worker.load_model(lambda: blocking_detector(chunks=2))  # half its work done, then waits until stopped
    while not worker.has_model:
        time.sleep(0.01)
    window = ReviewWindow(engine, worker)
    window.resize(1100, 700)
    window.show()
    window.set_mask_text(SAMPLE)
    for _ in range(30):  # let the state and progress reports arrive
        app.processEvents()
        time.sleep(0.01)
    written = [_save(window, out_dir / "model-running.png")]
    window.mask_tab.stop_model()
    edit = window.mask_tab.input_edit
    cursor = edit.textCursor()
    cursor.setPosition(SAMPLE.index("Ann"))
    cursor.setPosition(SAMPLE.index("Ann") + 7, QTextCursor.MoveMode.KeepAnchor)
    edit.setTextCursor(cursor)
    window.mask_tab.mask_as()
    dialog = window.mask_tab.mask_as_dialog
    dialog.set_type("Real Name")
    app.processEvents()
    written.append(_save(dialog, out_dir / "mask-as-dialog.png"))
    dialog.accept()
    window.resize(window.minimumSizeHint())
    app.processEvents()
    written.append(_save(window, out_dir / "narrow.png"))
    window.close()
    worker.shutdown()
    return written


def _save(window, path: Path) -> Path:
    window.grab().save(str(path))
    return path


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["CLOAKROOM_HOME"] = tempfile.mkdtemp(prefix="cloakroom-render-")
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/review")
    target.mkdir(parents=True, exist_ok=True)
    for written_path in render(target):
        print(written_path)
