"""Starting the tray app (``cloakroom`` with no subcommand), handing over to a running one, and the self-test."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app import __version__
from app.core.errors import CloakroomError
from app.core.paths import app_paths
from app.core.settings import Settings, load_settings
from app.ui.icons import app_icon
from app.ui.ipc import send_to_running_instance

SELF_TEST_SAMPLE = "Write to dana.reyes@example.org or call +1 415 555 0100; the code is 482913."


def create_application() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    qapp = QApplication(sys.argv[:1])
    qapp.setApplicationName("Cloakroom")
    qapp.setApplicationDisplayName("Cloakroom")
    qapp.setApplicationVersion(__version__)
    qapp.setOrganizationName("Cloakroom")
    qapp.setDesktopFileName("cloakroom")
    qapp.setWindowIcon(app_icon())
    qapp.setQuitOnLastWindowClosed(False)  # closing the review window leaves the tray running
    from app.platform.clipboard_hints import install_platform_converters
    from app.ui.i18n import install_translator

    install_translator(qapp)
    install_platform_converters()
    return qapp


def run_app(action: str | None = None, self_test: bool = False) -> int:
    """Start the tray app, or hand ``action`` (or "show") to the instance already running."""
    qapp = create_application()
    if self_test:
        return run_self_test(qapp)
    if send_to_running_instance(action or "show"):
        return 0
    settings = _load_settings_or_defaults()
    from app.ui.vault_dialogs import open_vault_interactively

    vault = open_vault_interactively(retention_days=settings.retention_days)
    if vault is None:
        return 1
    from app.ui.application import CloakroomApp

    cloakroom = CloakroomApp(qapp, settings, vault)
    cloakroom.start()
    if not settings.first_run_done and settings.model_path is None:
        QTimer.singleShot(0, cloakroom.open_setup)
    if action is not None:
        QTimer.singleShot(0, lambda: cloakroom.perform(action))
    return qapp.exec()


def _load_settings_or_defaults() -> Settings:
    try:
        return load_settings(app_paths().settings)
    except CloakroomError as error:
        notice = QCoreApplication.translate("Startup", "Cloakroom starts with default settings this time.")
        QMessageBox.warning(None, "Cloakroom", f"{error}\n\n{notice}")
        return Settings()


def run_self_test(qapp: QApplication) -> int:
    """Exercise the frozen bundle end to end without touching the user's files: a throwaway vault, the rules, the
    review window. Exit 0 only if every step worked. Prints step names only."""
    with tempfile.TemporaryDirectory(prefix="cloakroom-self-test-") as folder:
        os.environ["CLOAKROOM_HOME"] = folder
        try:
            _self_test_steps(qapp, Path(folder))
        except Exception as error:  # noqa: BLE001 - the self-test reports any failure as a non-zero exit
            print(f"self-test failed: {type(error).__name__}: {error}", file=sys.stderr)
            return 1
    print("self-test passed")
    return 0


def _self_test_steps(qapp: QApplication, folder: Path) -> None:
    from app.core.vault import open_vault
    from app.ui.application import CloakroomApp

    vault = open_vault(
        folder / "vault.db",
        passphrase=lambda _purpose: "self-test passphrase",
        use_environment=False,
        keyring_backend=_no_keyring(),
    )
    print("vault: ok")
    cloakroom = CloakroomApp(qapp, Settings(first_run_done=True), vault, listen=False)
    masked = cloakroom.engine.mask(SELF_TEST_SAMPLE)
    if len(masked.replacements) < 3 or cloakroom.engine.unmask(masked.text).text != SELF_TEST_SAMPLE:
        raise RuntimeError("mask/unmask round trip did not hold")
    print("mask and unmask: ok")
    window = cloakroom.review_window()
    window.show_tab("mask")
    window.show()
    qapp.processEvents()
    window.close()
    qapp.processEvents()
    print("review window: ok")
    vault.close()


def _no_keyring():
    from keyring.backends.fail import Keyring

    return Keyring()
