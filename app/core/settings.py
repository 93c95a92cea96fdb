"""The app's ordinary settings, kept as JSON in the config folder.

Settings that are themselves private — the person's real name, the allow-list and the always-mask list — are not
here: they live in the encrypted vault.
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.core.errors import ConfigError
from app.core.policy import Override
from app.core.prompt_names import DEFAULT_PROFILE, SETTING_CHOICES
from app.core.taxonomy import Level

DEFAULT_HOTKEYS = {"mask": "Ctrl+Alt+M", "unmask": "Ctrl+Alt+U", "review": "Ctrl+Alt+R"}
PROMPT_PROFILES = SETTING_CHOICES  # "auto" (the official prompt when installed, else Cloakroom's) or a profile name


@dataclass
class Settings:
    # Model
    model_path: str | None = None
    use_model: bool = True
    prompt_profile: str = DEFAULT_PROFILE
    n_gpu_layers: int = -1
    n_threads: int | None = None
    n_ctx: int = 8192
    unload_after_minutes: int = 0
    # Policy
    min_level: str = "PL2"
    type_overrides: dict[str, str] = field(default_factory=dict)
    # App
    hotkeys: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_HOTKEYS))
    notifications: bool = True
    start_at_login: bool = False
    clear_clipboard_seconds: int = 0
    interim_rules_mask: bool = False  # while the model works, the clipboard holds the rules-only masked text
    offer_restore_on_copy: bool = False  # copying text with placeholders this vault knows offers "Restore N values"
    language: str = "system"
    first_run_done: bool = False
    # Vault
    retention_days: int = 0

    def validate(self) -> Settings:
        if Level.parse(self.min_level) is None:
            raise ConfigError("The setting min_level must be PL1, PL2, PL3 or PL4.")
        if self.prompt_profile not in PROMPT_PROFILES:
            raise ConfigError(f"The setting prompt_profile must be one of: {', '.join(PROMPT_PROFILES)}.")
        for value in self.type_overrides.values():
            if value not in {override.value for override in Override}:
                raise ConfigError("Each type override must be 'always' or 'never'.")
        if self.n_ctx < 512:
            raise ConfigError("The setting n_ctx must be at least 512.")
        for name in ("unload_after_minutes", "clear_clipboard_seconds", "retention_days"):
            if getattr(self, name) < 0:
                raise ConfigError(f"The setting {name} cannot be negative.")
        return self

    @property
    def level_threshold(self) -> Level:
        return Level.parse(self.min_level) or Level.PL2


_FIELD_NAMES = {item.name for item in dataclasses.fields(Settings)}


def settings_from_dict(data: dict[str, Any]) -> Settings:
    """Build settings from parsed JSON, ignoring keys a newer or older version wrote."""
    known = {key: value for key, value in data.items() if key in _FIELD_NAMES}
    try:
        settings = Settings(**known)
    except TypeError as error:
        raise ConfigError("The settings file has a value of the wrong kind.") from error
    defaults = Settings()
    for name in _FIELD_NAMES:
        expected = type(getattr(defaults, name))
        value = getattr(settings, name)
        if value is not None and getattr(defaults, name) is not None and not isinstance(value, expected):
            raise ConfigError(f"The setting {name} has a value of the wrong kind.")
    return settings.validate()


def load_settings(path: Path) -> Settings:
    """Read settings; a missing file gives the defaults, a broken one a clear error (the file is left alone)."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    except OSError as error:
        raise ConfigError(f"Cannot read the settings file {path}: {error.strerror}.") from error
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ConfigError(f"The settings file {path} is not valid JSON; fix or remove it.") from error
    if not isinstance(data, dict):
        raise ConfigError(f"The settings file {path} does not hold a JSON object; fix or remove it.")
    return settings_from_dict(data)


def save_settings(settings: Settings, path: Path) -> None:
    """Write atomically, so a crash never leaves a half-written settings file."""
    settings.validate()
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(dataclasses.asdict(settings), indent=2, sort_keys=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".settings-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(payload + "\n")
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
