"""Opening the vault from the app: the passphrase prompt, and clear dialogs for a vault that cannot be opened.

Nothing here ever deletes or overwrites a vault: a damaged file is moved aside only after the person agrees.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
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


def _tr(text: str) -> str:
    return QCoreApplication.translate("VaultDialogs", text)


PROMPTS = {
    PassphrasePurpose.UNLOCK: "Enter the passphrase of your Cloakroom vault:",
    PassphrasePurpose.CREATE: (
        "Your system has no secure keyring, so Cloakroom protects its vault with a passphrase.\n"
        "Choose one (you will need it each time Cloakroom starts):"
    ),
}


def ask_passphrase(purpose: PassphrasePurpose, parent: QWidget | None = None) -> str | None:
    """Ask for the vault passphrase; None when the person cancels. New passphrases are asked twice."""
    prompt = _tr(PROMPTS.get(purpose, PROMPTS[PassphrasePurpose.UNLOCK]))
    while True:
        first, accepted = QInputDialog.getText(parent, _tr("Cloakroom vault"), prompt, QLineEdit.EchoMode.Password)
        if not accepted:
            return None
        if purpose is not PassphrasePurpose.CREATE:
            return first
        if len(first) < 8:
            prompt = _tr("Use at least 8 characters.") + "\n" + _tr(PROMPTS[PassphrasePurpose.CREATE])
            continue
        second, accepted = QInputDialog.getText(
            parent, _tr("Cloakroom vault"), _tr("Type the passphrase again:"), QLineEdit.EchoMode.Password
        )
        if not accepted:
            return None
        if first == second:
            return first
        prompt = _tr("The two passphrases differ; try again.") + "\n" + _tr(PROMPTS[PassphrasePurpose.CREATE])


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
            QMessageBox.critical(None, _tr("Cloakroom cannot open its vault"), str(error))
            return None


def _retry(message: str) -> bool:
    answer = QMessageBox.warning(
        None,
        _tr("Wrong passphrase"),
        message,
        QMessageBox.StandardButton.Retry | QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Retry


def _consent_to_move_aside(message: str, path: Path | None) -> bool:
    box = QMessageBox(QMessageBox.Icon.Critical, _tr("The vault is damaged"), message)
    box.setInformativeText(
        _tr(
            "Cloakroom can move the damaged file aside (it is kept, renamed, next to the vault) and start a new, "
            "empty vault. Placeholders masked before cannot be restored with the new vault."
        )
    )
    move = box.addButton(_tr("Move aside and start a new vault"), QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(_tr("Quit"), QMessageBox.ButtonRole.RejectRole)
    box.exec()
    if box.clickedButton() is not move:
        return False
    from app.core.paths import app_paths  # noqa: PLC0415

    move_vault_aside(path or app_paths().vault)
    return True
