"""The Settings dialog: general, detection policy, model, hotkeys and vault.

Ordinary settings come back as a new `Settings` (the app saves and applies them). The private ones — your name, the
allow-list and the always-mask list — are written straight into the encrypted vault when you press OK, never to the
settings file. Vault actions (wipe, passphrase) act at once, after a confirmation.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.assembly import private_lists_of
from app.core.policy import AlwaysMaskEntry
from app.core.settings import DEFAULT_HOTKEYS, PROMPT_PROFILES, Settings
from app.core.store import MappingStore, PersistentStore
from app.core.taxonomy import TYPE_LEVELS, Level
from app.ui.i18n import SUPPORTED_LANGUAGES
from app.ui.review.colors import level_meaning
from app.ui.type_labels import type_display

if TYPE_CHECKING:
    from app.core.model_files.runtime import LoadedModel

OVERRIDE_CHOICES = ("", "always", "never")
HOTKEY_ACTIONS = ("mask", "unmask", "review")
FORWARDING_COMMANDS = {
    "mask": "cloakroom --mask-clipboard",
    "unmask": "cloakroom --unmask-clipboard",
    "review": "cloakroom --review",
}


def _lines(widget: QPlainTextEdit) -> list[str]:
    return [line.strip() for line in widget.toPlainText().splitlines() if line.strip()]


class SettingsDialog(QDialog):
    setup_requested = Signal()

    def __init__(
        self,
        settings: Settings,
        store: MappingStore,
        hotkey_problems: list[str] | None = None,
        parent: QWidget | None = None,
        *,
        loaded_model: Callable[[], LoadedModel | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Cloakroom settings"))
        self.setMinimumSize(640, 520)
        self._settings = settings
        # Checked once: only a persistent store (the vault) keeps the private lists, can be wiped or re-keyed.
        self._vault = store if isinstance(store, PersistentStore) else None
        self._lists = private_lists_of(store)
        self._loaded_model = loaded_model  # the app's running model, so the Model tab shows its real memory use
        self._hotkey_problems = hotkey_problems or []
        self.tabs = QTabWidget()
        self.tabs.addTab(self._general_tab(), self.tr("&General"))
        self.tabs.addTab(self._policy_tab(), self.tr("&Detection"))
        self.tabs.addTab(self._model_tab(), self.tr("M&odel"))
        self.tabs.addTab(self._hotkeys_tab(), self.tr("&Hotkeys"))
        self.tabs.addTab(self._vault_tab(), self.tr("&Vault"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)

    # --- tabs -----------------------------------------------------------------------------------------------------

    def _general_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.language = QComboBox()
        self.language.addItem(self.tr("System language"), "system")
        for code, name in SUPPORTED_LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(self._settings.language)))
        self.language.setToolTip(
            self.tr(
                "Windows opened from now on use the new language; the review window changes when it is next opened."
            )
        )
        form.addRow(self.tr("&Language:"), self.language)
        self.notifications = QCheckBox(self.tr("Show a notification after masking and restoring"))
        self.notifications.setChecked(self._settings.notifications)
        form.addRow(self.notifications)
        self.start_at_login = QCheckBox(self.tr("Start Cloakroom when I log in"))
        self.start_at_login.setChecked(self._settings.start_at_login)
        form.addRow(self.start_at_login)
        self.clear_after = QSpinBox()
        self.clear_after.setRange(0, 3600)
        self.clear_after.setSuffix(self.tr(" s"))
        self.clear_after.setSpecialValueText(self.tr("never"))
        self.clear_after.setValue(self._settings.clear_clipboard_seconds)
        self.clear_after.setMaximumWidth(180)
        self.clear_after.setToolTip(self.tr("Clear restored text holding PL4 secrets from the clipboard after this."))
        form.addRow(self.tr("Clear restored &secrets after:"), self.clear_after)
        self.interim_mask = QCheckBox(self.tr("While the model works, paste the rules-only masked text"))
        self.interim_mask.setChecked(self._settings.interim_rules_mask)
        self.interim_mask.setToolTip(
            self.tr(
                "Off: until masking is done, pasting gives a short notice. On: it gives the text with what the rules "
                "found already masked; names, addresses and other values only the model finds are not masked yet."
            )
        )
        form.addRow(self.interim_mask)
        self.offer_restore = QCheckBox(self.tr("Offer to restore when I copy text with known placeholders"))
        self.offer_restore.setChecked(self._settings.offer_restore_on_copy)
        self.offer_restore.setToolTip(
            self.tr(
                "When you copy a chatbot's answer that holds placeholders from this vault, a notification offers "
                '"Restore N values": one click unmasks it, without the hotkey. Nothing is restored unless you click.'
            )
        )
        form.addRow(self.offer_restore)
        return page

    def _policy_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        form = QFormLayout()
        self.threshold = QComboBox()
        for level in (Level.PL2, Level.PL3, Level.PL4):
            self.threshold.addItem(f"{level.label} — {level_meaning(level)}", level.label)
        self.threshold.setCurrentIndex(max(0, self.threshold.findData(self._settings.level_threshold.label)))
        form.addRow(self.tr("Mask &from level:"), self.threshold)
        self.real_name = QLineEdit(self._lists.real_name or "")
        self.real_name.setPlaceholderText(self.tr("Helps the model tell your name from other people's"))
        form.addRow(self.tr("Your real &name:"), self.real_name)
        layout.addLayout(form)
        self.overrides = self._overrides_table()
        layout.addWidget(QLabel(self.tr("Per-type overrides (empty: follow the level):")))
        layout.addWidget(self.overrides, stretch=2)
        lists = QHBoxLayout()
        self.allow_list = QPlainTextEdit("\n".join(self._lists.allow_list))
        self.allow_list.setPlaceholderText(self.tr("One value per line, never masked"))
        self.always_mask = QPlainTextEdit(
            "\n".join(f"{entry.text} | {entry.type}" for entry in self._lists.always_mask)
        )
        self.always_mask.setPlaceholderText(self.tr("One value per line, always masked; optional “| Type”"))
        for label, editor in ((self.tr("&Allow-list"), self.allow_list), (self.tr("Al&ways mask"), self.always_mask)):
            column = QVBoxLayout()
            title = QLabel(label)
            title.setBuddy(editor)
            column.addWidget(title)
            column.addWidget(editor)
            lists.addLayout(column)
        layout.addLayout(lists, stretch=1)
        return page

    def _overrides_table(self) -> QTableWidget:
        self._override_choices: dict[str, QComboBox] = {}  # type name → its override choice, in the table's order
        table = QTableWidget(len(TYPE_LEVELS), 3)
        table.setHorizontalHeaderLabels([self.tr("Type"), self.tr("Level"), self.tr("Override")])
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for row, (type_name, level) in enumerate(sorted(TYPE_LEVELS.items(), key=lambda item: (-item[1], item[0]))):
            name_item = QTableWidgetItem(type_display(type_name))
            name_item.setData(Qt.ItemDataRole.UserRole, type_name)  # the English name is the setting's key
            level_item = QTableWidgetItem(level.label)
            for column, item in enumerate((name_item, level_item)):
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                table.setItem(row, column, item)
            choice = QComboBox()
            for value in OVERRIDE_CHOICES:
                choice.addItem(
                    {"": self.tr("follow level"), "always": self.tr("always mask"), "never": self.tr("never mask")}[
                        value
                    ],
                    value,
                )
            choice.setCurrentIndex(max(0, choice.findData(self._settings.type_overrides.get(type_name, ""))))
            table.setCellWidget(row, 2, choice)
            self._override_choices[type_name] = choice
        return table

    def _model_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.use_model = QCheckBox(self.tr("Use the detector model (rules always run)"))
        self.use_model.setChecked(self._settings.use_model)
        form.addRow(self.use_model)
        path_row = QHBoxLayout()
        self.model_path = QLineEdit(self._settings.model_path or "")
        self.model_path.setPlaceholderText(self.tr("No model yet — use “Set up a model…”"))
        browse = QPushButton(self.tr("&Browse…"))
        browse.clicked.connect(self._browse_model)
        setup = QPushButton(self.tr("Set &up a model…"))
        setup.clicked.connect(self.setup_requested.emit)
        path_row.addWidget(self.model_path, stretch=1)
        path_row.addWidget(browse)
        path_row.addWidget(setup)
        path_label = QLabel(self.tr("Model &file:"))
        path_label.setBuddy(self.model_path)
        form.addRow(path_label, path_row)
        from PySide6.QtWidgets import QGroupBox

        from app.ui.model_status import ModelStatus

        self.model_status = ModelStatus(self._settings, loaded_model=self._loaded_model)
        self.model_status.set_settings_source(
            lambda: dataclasses.replace(
                self._settings,
                n_gpu_layers=self.gpu_layers.value(),
                n_threads=self.threads.value() or None,
                n_ctx=self.context.value(),
                prompt_profile=self.profile.currentData(),
            )
        )
        self.model_path.textChanged.connect(self.model_status.set_model_path)
        status_box = QGroupBox(self.tr("Current model"))
        QVBoxLayout(status_box).addWidget(self.model_status)
        form.addRow(status_box)
        self.profile = QComboBox()
        labels = {
            "auto": self.tr("Automatic: the official prompt when installed"),
            "official": self.tr("Official prompt"),
            "official-eval": self.tr("Official prompt, evaluation form"),
            "cloakroom": self.tr("Cloakroom's own prompt"),
            "card": self.tr("Model card's short form"),
        }
        for name in PROMPT_PROFILES:
            self.profile.addItem(labels[name], name)
        self.profile.setCurrentIndex(max(0, self.profile.findData(self._settings.prompt_profile)))
        self.profile.currentIndexChanged.connect(self.model_status.refresh)
        form.addRow(self.tr("&Prompt:"), self.profile)
        self.gpu_layers = self._spin(-1, 999, self._settings.n_gpu_layers, self.tr("all"))
        self.gpu_layers.valueChanged.connect(self.model_status.refresh)
        form.addRow(self.tr("&GPU layers:"), self.gpu_layers)
        self.threads = self._spin(0, os.cpu_count() or 64, self._settings.n_threads or 0, self.tr("automatic"))
        form.addRow(self.tr("CPU &threads:"), self.threads)
        self.context = self._spin(512, 131072, self._settings.n_ctx, None, step=512)
        form.addRow(self.tr("&Context size (tokens):"), self.context)
        self.unload_after = self._spin(0, 1440, self._settings.unload_after_minutes, self.tr("never"))
        self.unload_after.setSuffix(self.tr(" min"))
        form.addRow(self.tr("&Unload when idle after:"), self.unload_after)
        return page

    def _spin(self, low: int, high: int, value: int, special: str | None, step: int = 1) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(low, high)
        spin.setSingleStep(step)
        if special:
            spin.setSpecialValueText(special)
        spin.setValue(value)
        spin.setMaximumWidth(180)
        return spin

    def _hotkeys_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.hotkey_edits: dict[str, QKeySequenceEdit] = {}
        labels = {
            "mask": self.tr("&Mask clipboard:"),
            "unmask": self.tr("&Unmask clipboard:"),
            "review": self.tr("&Review window:"),
        }
        for action in HOTKEY_ACTIONS:
            sequence = self._settings.hotkeys.get(action, DEFAULT_HOTKEYS[action])
            edit = QKeySequenceEdit(QKeySequence(sequence))
            edit.setMaximumSequenceLength(1)
            edit.setMaximumWidth(260)
            self.hotkey_edits[action] = edit
            form.addRow(labels[action], edit)
        problems = "<br>".join(self._hotkey_problems) or self.tr("All hotkeys are registered.")
        status = QLabel(problems)
        status.setWordWrap(True)
        form.addRow(self.tr("Status:"), status)
        guidance = QLabel(
            self.tr("If a hotkey cannot be registered on your desktop, bind these commands in its keyboard settings:")
            + "<br><code>"
            + "<br>".join(FORWARDING_COMMANDS.values())
            + "</code>"
        )
        guidance.setWordWrap(True)
        guidance.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(guidance)
        return page

    def _vault_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        if self._vault is not None:
            info = self._vault.status()
            form.addRow(self.tr("Location:"), QLabel(str(info.path)))
            method = self.tr("OS keyring") if info.key_method == "keyring" else self.tr("passphrase")
            form.addRow(self.tr("Protected by:"), QLabel(method))
            self.entry_count = QLabel(str(info.entries))
            form.addRow(self.tr("Saved placeholders:"), self.entry_count)
        self.retention = self._spin(0, 3650, self._settings.retention_days, self.tr("keep forever"))
        self.retention.setSuffix(self.tr(" days"))
        self.retention.setToolTip(self.tr("Forget placeholders not used for this many days."))
        form.addRow(self.tr("Forget &unused after:"), self.retention)
        buttons = QHBoxLayout()
        wipe = QPushButton(self.tr("&Wipe everything…"))
        wipe.clicked.connect(self._wipe)
        keyed_by_keyring = self._vault is not None and self._vault.key_method == "keyring"
        passphrase = QPushButton(
            self.tr("Use a &passphrase instead…") if keyed_by_keyring else self.tr("Change &passphrase…")
        )
        passphrase.clicked.connect(self._change_passphrase)
        passphrase.setEnabled(self._vault is not None)
        wipe.setEnabled(self._vault is not None)
        buttons.addWidget(wipe)
        buttons.addWidget(passphrase)
        buttons.addStretch()
        form.addRow(buttons)
        return page

    # --- actions --------------------------------------------------------------------------------------------------

    def _browse_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a GGUF model"), "", self.tr("GGUF models (*.gguf)"))
        if path:
            self.model_path.setText(path)

    def _wipe(self) -> None:
        if self._vault is None:
            return
        answer = QMessageBox.warning(
            self,
            self.tr("Wipe the vault?"),
            self.tr(
                "Every saved placeholder is forgotten: text masked before can no longer be restored. "
                "Your name and lists are kept."
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Yes:
            removed = self._vault.wipe(keep_private_settings=True)
            self.entry_count.setText("0")
            QMessageBox.information(self, self.tr("Vault wiped"), self.tr("%n placeholder(s) forgotten.", "", removed))

    def _change_passphrase(self) -> None:
        if self._vault is None:
            return
        first, ok = QInputDialog.getText(
            self,
            self.tr("New passphrase"),
            self.tr("New passphrase (8 characters or more):"),
            QLineEdit.EchoMode.Password,
        )
        if not ok:
            return
        second, ok = QInputDialog.getText(
            self, self.tr("New passphrase"), self.tr("Type it again:"), QLineEdit.EchoMode.Password
        )
        if not ok:
            return
        if first != second or len(first) < 8:
            QMessageBox.warning(
                self,
                self.tr("Passphrase not changed"),
                self.tr("The passphrases differ or are shorter than 8 characters."),
            )
            return
        self._vault.change_passphrase(first)
        QMessageBox.information(
            self, self.tr("Passphrase changed"), self.tr("The vault now opens with the new passphrase.")
        )

    # --- result ---------------------------------------------------------------------------------------------------

    def accept(self) -> None:
        self._save_private_settings()
        super().accept()

    def _save_private_settings(self) -> None:
        if self._vault is None:
            return
        self._vault.set_real_name(self.real_name.text())
        self._vault.set_allow_list(_lines(self.allow_list))
        entries = []
        for line in _lines(self.always_mask):
            text, _, kind = line.partition("|")
            entries.append(AlwaysMaskEntry(text.strip(), kind.strip() or "Private Info"))
        self._vault.set_always_mask(entries)

    def result_settings(self) -> Settings:
        overrides = {}
        for type_name, choice in self._override_choices.items():
            value = choice.currentData()
            if value:
                overrides[type_name] = value
        hotkeys = {
            action: edit.keySequence().toString(QKeySequence.SequenceFormat.PortableText) or DEFAULT_HOTKEYS[action]
            for action, edit in self.hotkey_edits.items()
        }
        return dataclasses.replace(
            self._settings,
            language=self.language.currentData(),
            notifications=self.notifications.isChecked(),
            start_at_login=self.start_at_login.isChecked(),
            clear_clipboard_seconds=self.clear_after.value(),
            offer_restore_on_copy=self.offer_restore.isChecked(),
            interim_rules_mask=self.interim_mask.isChecked(),
            min_level=self.threshold.currentData(),
            type_overrides=overrides,
            use_model=self.use_model.isChecked(),
            model_path=self.model_path.text().strip() or None,
            prompt_profile=self.profile.currentData(),
            n_gpu_layers=self.gpu_layers.value(),
            n_threads=self.threads.value() or None,
            n_ctx=self.context.value(),
            unload_after_minutes=self.unload_after.value(),
            hotkeys=hotkeys,
            retention_days=self.retention.value(),
        ).validate()
