"""Where Cloakroom keeps its files.

``CLOAKROOM_HOME`` puts everything (data, config, cache) under one folder, so tests and scripts run isolated;
otherwise the platform's usual per-user folders are used.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "Cloakroom"
HOME_VARIABLE = "CLOAKROOM_HOME"


@dataclass(frozen=True)
class AppPaths:
    data: Path
    config: Path
    cache: Path

    @property
    def vault(self) -> Path:
        return self.data / "vault.db"

    @property
    def models(self) -> Path:
        return self.data / "models"

    @property
    def prompts(self) -> Path:
        return self.data / "prompts"

    @property
    def settings(self) -> Path:
        return self.config / "settings.json"

    @property
    def logs(self) -> Path:
        return self.cache / "logs"

    def ensure(self) -> AppPaths:
        """Create the folders, readable by the owner only (they hold the vault and its salt)."""
        for folder in (self.data, self.config, self.cache):
            folder.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(OSError):
                folder.chmod(0o700)
        return self


def app_paths() -> AppPaths:
    home = os.environ.get(HOME_VARIABLE)
    if home:
        root = Path(home).expanduser()
        return AppPaths(data=root / "data", config=root / "config", cache=root / "cache")
    return AppPaths(
        data=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
        config=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
        cache=Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
    )
