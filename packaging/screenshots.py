"""Regenerate every screenshot of the user guide, in English and Simplified Chinese, under a private Xvfb.

    python packaging/screenshots.py                   # → resources/guide/images/{en,zh_CN}/*.png
    python packaging/screenshots.py --out /tmp/shots  # somewhere else (to compare before replacing)
    python packaging/screenshots.py --language zh_CN  # one language only

Needs Xvfb (apt-get install xvfb) and, for the Chinese pictures, a Simplified Chinese font (apt-get install
fonts-noto-cjk). Each language is drawn by a child process of its own (a fresh QApplication with that language's
translations), on the xcb platform of an X server this command starts and stops itself, with a throw-away
CLOAKROOM_HOME: the real vault, settings and window positions are never touched.

Everything shown is made up: example.org addresses, a test card number, fictitious names and codes. The model is a
stand-in that finds those names, so the pictures show what the app looks like with a model, without one.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QWidget

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "resources" / "guide" / "images"
LANGUAGES = ("en", "zh_CN")
SCREEN = "1400x1000x24"
MAX_PNG_BYTES = 150 * 1024
WAIT_S = 20.0

# Made-up samples: fictitious people, example.org, the standard Visa test card number.
SAMPLES = {
    "en": (
        "Hi, this is Jane Example. Mail me at jane.example@example.org or call +1 415 555 0134.\n"
        "Please charge the test card 4111 1111 1111 1111.\n"
        "My password: Hunter2!Example and the login code is 482913.\n"
        "Ask Sam Sample in accounts if anything is unclear."
    ),
    "zh_CN": (
        "你好，我是张小测。请发邮件到 zhang.xiaoce@example.org，或打电话 13800138000 找我。\n"
        "请用测试卡 4111 1111 1111 1111 付款。\n"
        "我的密码：Hunter2!Example，登录验证码是 482913。\n"
        "有疑问可以问财务部的李示例。"
    ),
}
NAMES = {"en": ("Jane Example", "Sam Sample"), "zh_CN": ("张小测", "李示例")}
ANSWERS = {
    "en": "Done: I wrote to {email} and will call {phone} tomorrow. {name} also asked about {unknown}.",
    "zh_CN": "好的：我已给 {email} 发了邮件，明天会打 {phone}。{name}还问到了 {unknown}。",
}


# --- the parent: an X server, one child per language ------------------------------------------------------------


def start_xvfb() -> tuple[subprocess.Popen, str]:
    """A private X server; returns it and its DISPLAY value. Xvfb picks a free display number itself."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        raise SystemExit("Xvfb is missing: apt-get install xvfb")
    read_end, write_end = os.pipe()
    process = subprocess.Popen(
        [xvfb, "-displayfd", str(write_end), "-nolisten", "tcp", "-screen", "0", SCREEN, "-dpi", "96"],
        pass_fds=[write_end],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    with os.fdopen(read_end, "rb") as stream:
        number = stream.readline().decode().strip()
    if not number:
        process.kill()
        raise SystemExit("Xvfb did not report a display number")
    return process, f":{number}"


def build_translations() -> None:
    subprocess.run(
        [sys.executable, str(REPO_ROOT / "packaging" / "i18n.py"), "build"], check=True, stdout=subprocess.DEVNULL
    )


def render_language(language: str, out: Path, display: str) -> None:
    with tempfile.TemporaryDirectory(prefix="cloakroom-screenshots-") as home:
        environment = dict(
            os.environ,
            DISPLAY=display,
            QT_QPA_PLATFORM="xcb",
            CLOAKROOM_HOME=home,
            XDG_RUNTIME_DIR=home,
            LANG="C.UTF-8",
            LANGUAGE="",
            LC_ALL="C.UTF-8",
        )
        environment.pop("WAYLAND_DISPLAY", None)
        subprocess.run(
            [sys.executable, __file__, "--child", language, "--out", str(out)],
            check=True,
            env=environment,
            cwd=REPO_ROOT,
        )


def report(out: Path, languages: list[str]) -> int:
    """List what was written; non-zero when a picture is over the size budget."""
    too_large = 0
    for language in languages:
        for picture in sorted((out / language).glob("*.png")):
            size = picture.stat().st_size
            flag = "  OVER BUDGET" if size > MAX_PNG_BYTES else ""
            too_large += bool(flag)
            print(
                f"{picture.relative_to(out.parent) if out.parent in picture.parents else picture}: "
                f"{size // 1024} KB{flag}"
            )
    return 1 if too_large else 0


# --- the child: draws one language --------------------------------------------------------------------------------
# Qt and the app are imported inside the functions: only the child, with the repository on its path, needs them.


class SampleNamesModel:
    """Stands in for the loaded model (`assembly.LoadedDetector`): finds the sample's fictitious names, as MemPrivacy
    would. It runs no llama.cpp model, so it has no loaded file, notice or statistics, and nothing to free."""

    name = "model"
    loaded = None
    notice = None
    stats = None

    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = names

    def close(self) -> None:
        """Nothing to free."""

    def detect(
        self,
        text: str,
        *,
        cancel: object = None,
        progress: Callable[[int, int], None] | None = None,
        on_findings: Callable[[list], None] | None = None,
    ) -> list:
        from app.core.findings import MODEL, finding_at
        from app.core.locate import find_exact
        from app.core.taxonomy import Level

        if progress is not None:
            progress(1, 1)
        return [
            finding_at(text, start, end, "Real Name", Level.PL2, MODEL)
            for name in self.names
            for start, end in find_exact(text, name)
        ]


class StreamingSampleModel(SampleNamesModel):
    """Reports the first name at once, as the model does when an answer element is complete, then waits to be
    released: the pictures show the review window and the progress bubble while the model is still working."""

    def __init__(self, names: tuple[str, ...]) -> None:
        import threading

        super().__init__(names)
        self.release = threading.Event()

    def detect(
        self,
        text: str,
        *,
        cancel: object = None,
        progress: Callable[[int, int], None] | None = None,
        on_findings: Callable[[list], None] | None = None,
    ) -> list:
        found = super().detect(text)
        if progress is not None:
            progress(1, 3)
        if on_findings is not None:
            on_findings([finding for finding in found if finding.text == self.names[0]])
        while not self.release.wait(0.01):
            if cancel is not None and cancel.is_set():  # type: ignore[attr-defined]
                from app.core.errors import Cancelled

                raise Cancelled()
        return found


def wait_until(qapp: QApplication, done: Callable[[], bool]) -> None:
    """Process events until ``done()`` (a worker thread answering); give up quietly after a while."""
    deadline = time.monotonic() + WAIT_S
    while not done() and time.monotonic() < deadline:
        qapp.processEvents()
        time.sleep(0.01)
    for _ in range(5):  # let layouts and repaints settle
        qapp.processEvents()


def save(widget: QWidget, path: Path) -> Path:
    """The widget alone (no window frame), as PNG; reduced to 256 colours when that keeps it under budget."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage

    path.parent.mkdir(parents=True, exist_ok=True)
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    image.save(str(path), "PNG", 9)
    if path.stat().st_size > MAX_PNG_BYTES:
        image.convertToFormat(QImage.Format.Format_Indexed8, Qt.ImageConversionFlag.ThresholdDither).save(
            str(path), "PNG", 9
        )
    return path


def draw(language: str, out: Path) -> None:
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    from app.ui.i18n import install_translator

    qapp = QApplication([sys.argv[0]])
    qapp.setStyle("Fusion")
    qapp.setFont(QFont(qapp.font().family(), 10))
    install_translator(qapp, language)
    folder = out / language
    draw_tray_menu(qapp, folder)
    draw_wizard(qapp, folder)
    draw_settings(qapp, folder)
    draw_review(qapp, folder, language)
    draw_review_streaming(qapp, folder, language)
    draw_mask_progress(qapp, folder, language)
    draw_restore_offer(qapp, folder)


def draw_tray_menu(qapp: QApplication, folder: Path) -> None:
    from PySide6.QtCore import QCoreApplication, QPoint

    from app.core.settings import DEFAULT_HOTKEYS
    from app.ui.tray import Tray, TrayState

    status = QCoreApplication.translate("DetectionWorker", "Model ready.")
    tray = Tray(lambda: TrayState("ready", status, False, dict(DEFAULT_HOTKEYS), False))
    tray.menu.popup(QPoint(60, 60))  # as the tray host would open it; rebuilt on aboutToShow like a real click
    wait_until(qapp, tray.menu.isVisible)
    save(tray.menu, folder / "tray-menu.png")
    tray.menu.hide()


def draw_wizard(qapp: QApplication, folder: Path) -> None:
    from app.core.model_files.catalog import load_catalog
    from app.core.model_files.hardware import HardwareInfo, recommend
    from app.core.settings import Settings
    from app.ui.setup import SetupWizard

    wizard = SetupWizard(Settings())
    # A made-up computer, so the pictures neither show nor depend on the machine that draws them.
    wizard.hardware = HardwareInfo(
        total_ram_bytes=16 * 1024**3,
        available_ram_bytes=11 * 1024**3,
        physical_cores=8,
        logical_cores=16,
        free_physical_cores=6,
        gpus=(),
        gpu_offload_supported=False,
    )
    wizard.recommendation = recommend(wizard.hardware, load_catalog())
    wizard.resize(820, 640)
    wizard.show()
    for name in ("wizard-welcome", "wizard-licence", "wizard-source"):
        wait_until(qapp, lambda: not wizard.running_jobs())
        save(wizard, folder / f"{name}.png")
        wizard.next()
    wizard.hide()


def draw_settings(qapp: QApplication, folder: Path) -> None:
    from app.core.settings import Settings
    from app.core.store import MemoryStore
    from app.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(Settings(), MemoryStore(), [])
    dialog.resize(720, 540)
    dialog.show()
    for index, name in ((0, "settings-general"), (1, "settings-detection")):
        dialog.tabs.setCurrentIndex(index)
        wait_until(qapp, lambda: True)
        save(dialog, folder / f"{name}.png")
    dialog.hide()


def open_review_with_model(qapp: QApplication, model: SampleNamesModel) -> tuple:
    """A review window (920x600, shown) whose worker has ``model`` loaded; returns the window and the worker."""
    from app.core.assembly import build_engine
    from app.core.settings import Settings
    from app.core.store import MemoryStore
    from app.ui.review import ReviewWindow
    from app.ui.worker import DetectionWorker, ModelSlot, ModelState

    slot = ModelSlot()
    engine = build_engine(Settings(), MemoryStore(), model=slot)
    worker = DetectionWorker(engine, slot)
    worker.start()
    worker.load_model(lambda: model)
    wait_until(qapp, lambda: worker.state is ModelState.READY)
    window = ReviewWindow(engine, worker)
    window.resize(920, 600)
    window.show_and_focus()
    return window, worker


def draw_review(qapp: QApplication, folder: Path, language: str) -> None:
    window, worker = open_review_with_model(qapp, SampleNamesModel(NAMES[language]))
    tab = window.mask_tab
    tab.set_text(SAMPLES[language])
    wait_until(qapp, lambda: not tab.model_running and any(item.finding.detector == "model" for item in tab.items()))
    phone = next(index for index, item in enumerate(tab.items()) if item.finding.type == "Phone Number")
    tab.toggle_item(phone)  # one item kept, to show how that looks
    tab.findings_list.setFocus()
    wait_until(qapp, lambda: True)
    save(window, folder / "review-mask.png")
    tab.toggle_item(phone)
    result = tab.copy_masked()
    placeholders = {replacement.finding.type: replacement.placeholder for replacement in result.replacements}
    window.set_unmask_text(
        ANSWERS[language].format(
            email=placeholders["Email"],
            phone=placeholders["Phone Number"],
            name=placeholders["Real Name"],
            unknown="<Real_Name_9>",
        )
    )
    wait_until(qapp, lambda: True)
    save(window, folder / "review-unmask.png")
    window.hide()
    worker.shutdown()
    qapp.clipboard().clear()


def draw_review_streaming(qapp: QApplication, folder: Path, language: str) -> None:
    """The Mask tab while the model is still reading: a first model finding already shown, the progress line."""
    model = StreamingSampleModel(NAMES[language])
    window, worker = open_review_with_model(qapp, model)
    tab = window.mask_tab
    tab.set_text(SAMPLES[language])
    wait_until(qapp, lambda: any(item.finding.detector == "model" for item in tab.items()))
    save(window, folder / "review-streaming.png")
    model.release.set()
    wait_until(qapp, lambda: not tab.model_running)
    window.hide()
    worker.shutdown()


def draw_mask_progress(qapp: QApplication, folder: Path, language: str) -> None:
    """The bubble of a running masking (Ctrl+Alt+M on a long text): progress, and Cancel."""
    from PySide6.QtCore import QCoreApplication

    from app.ui.toast import ProgressToast

    toast = ProgressToast()
    toast.start()
    toast.set_progress(
        QCoreApplication.translate("AppController", "Masking… chunk %1 of %2").replace("%1", "2").replace("%2", "3"),
        1,
        3,
    )
    toast.show_in_corner()
    wait_until(qapp, toast.isVisible)
    save(toast, folder / "mask-progress.png")
    toast.finish()


def draw_restore_offer(qapp: QApplication, folder: Path) -> None:
    """The optional offer after copying an answer with known placeholders (Settings → General)."""
    from app.ui.toast import RestoreOfferToast

    offer = RestoreOfferToast()
    offer.offer(3)
    wait_until(qapp, offer.isVisible)
    save(offer, folder / "restore-offer.png")
    offer.hide()


# --- command line -------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder of the per-language folders")
    parser.add_argument("--language", choices=LANGUAGES, action="append", help="only this language (repeatable)")
    parser.add_argument("--child", choices=LANGUAGES, help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    out = arguments.out.resolve()
    if arguments.child:
        sys.path.insert(0, str(REPO_ROOT))
        draw(arguments.child, out)
        return 0
    languages = arguments.language or list(LANGUAGES)
    build_translations()
    xvfb, display = start_xvfb()
    try:
        for language in languages:
            render_language(language, out, display)
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=20)
    return report(out, languages)


if __name__ == "__main__":
    sys.exit(main())
