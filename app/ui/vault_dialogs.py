"""Opening the vault from the app: the passphrase prompt, and clear dialogs for a vault that cannot be opened.

Nothing here ever deletes or overwrites a vault: a damaged file is moved aside only after the person agrees.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

from app.core.vault import (
    PassphrasePurpose,
    Vault,
    VaultCorruptError,
    VaultError,
    VaultPassphraseRequired,
    VaultWrongKeyError,
    move_vault_aside,
    open_vault,
)

translate = QCoreApplication.translate  # by this name, Qt's lupdate finds the strings of module-level functions

PROMPTS = {
    PassphrasePurpose.UNLOCK: QT_TRANSLATE_NOOP("VaultDialogs", "Enter the passphrase of your Cloakroom vault:"),
    PassphrasePurpose.CREATE: QT_TRANSLATE_NOOP(
        "VaultDialogs",
        "Your system has no secure keyring, so Cloakroom protects its vault with a passphrase.\n"
        "Choose one (you will need it each time Cloakroom starts):",
    ),
}


def _prompt(purpose: PassphrasePurpose) -> str:
    return translate("VaultDialogs", PROMPTS.get(purpose, PROMPTS[PassphrasePurpose.UNLOCK]))


def ask_passphrase(purpose: PassphrasePurpose, parent: QWidget | None = None) -> str | None:
    """Ask for the vault passphrase; None when the person cancels. New passphrases are asked twice."""
    prompt = _prompt(purpose)
    while True:
        first, accepted = QInputDialog.getText(
            parent, translate("VaultDialogs", "Cloakroom vault"), prompt, QLineEdit.EchoMode.Password
        )
        if not accepted:
            return None
        if purpose is not PassphrasePurpose.CREATE:
            return first
        if len(first) < 8:
            prompt = translate("VaultDialogs", "Use at least 8 characters.") + "\n" + _prompt(PassphrasePurpose.CREATE)
            continue
        second, accepted = QInputDialog.getText(
            parent,
            translate("VaultDialogs", "Cloakroom vault"),
            translate("VaultDialogs", "Type the passphrase again:"),
            QLineEdit.EchoMode.Password,
        )
        if not accepted:
            return None
        if first == second:
            return first
        differ = translate("VaultDialogs", "The two passphrases differ; try again.")
        prompt = differ + "\n" + _prompt(PassphrasePurpose.CREATE)


def open_vault_interactively(path: Path | None = None, retention_days: int = 0) -> Vault | None:
    """Open the vault, asking for a passphrase when needed; None if the person gives up (the app then quits)."""
    attempts = 0
    while True:
        try:
            return open_vault(path, passphrase=ask_passphrase, retention_days=retention_days)
        except VaultWrongKeyError as error:
            attempts += 1
            if attempts >= 5 or not _retry(str(error)):
                return None
        except VaultPassphraseRequired:
            return None  # the person cancelled the prompt
        except VaultCorruptError as error:
            if not _consent_to_move_aside(str(error), path):
                return None
        except VaultError as error:
            QMessageBox.critical(None, translate("VaultDialogs", "Cloakroom cannot open its vault"), str(error))
            return None


def _retry(message: str) -> bool:
    answer = QMessageBox.warning(
        None,
        translate("VaultDialogs", "Wrong passphrase"),
        message,
        QMessageBox.StandardButton.Retry | QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Retry


def _consent_to_move_aside(message: str, path: Path | None) -> bool:
    box = QMessageBox(QMessageBox.Icon.Critical, translate("VaultDialogs", "The vault is damaged"), message)
    box.setInformativeText(
        translate(
            "VaultDialogs",
            "Cloakroom can move the damaged file aside (it is kept, renamed, next to the vault) and start a new, "
            "empty vault. Placeholders masked before cannot be restored with the new vault.",
        )
    )
    move = box.addButton(
        translate("VaultDialogs", "Move aside and start a new vault"), QMessageBox.ButtonRole.DestructiveRole
    )
    box.addButton(translate("VaultDialogs", "Quit"), QMessageBox.ButtonRole.RejectRole)
    box.exec()
    if box.clickedButton() is not move:
        return False
    from app.core.paths import app_paths

    move_vault_aside(path or app_paths().vault)
    return True
