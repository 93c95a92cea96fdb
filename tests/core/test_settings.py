from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.errors import ConfigError
from app.core.paths import app_paths
from app.core.settings import Settings, load_settings, save_settings
from app.core.taxonomy import Level


def test_missing_file_gives_defaults() -> None:
    settings = load_settings(app_paths().settings)
    assert settings == Settings()
    assert settings.level_threshold is Level.PL2


def test_round_trip_and_unknown_keys_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    save_settings(Settings(min_level="PL3", type_overrides={"Email": "never"}), path)
    data = json.loads(path.read_text())
    data["from_a_newer_version"] = 1
    path.write_text(json.dumps(data))
    loaded = load_settings(path)
    assert loaded.level_threshold is Level.PL3
    assert loaded.type_overrides == {"Email": "never"}


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        "[1, 2]",
        json.dumps({"min_level": "PL9"}),
        json.dumps({"n_ctx": "big"}),
        json.dumps({"type_overrides": {"Email": "sometimes"}}),
    ],
)
def test_broken_files_give_a_clear_error_and_stay_untouched(tmp_path: Path, content: str) -> None:
    path = tmp_path / "settings.json"
    path.write_text(content)
    with pytest.raises(ConfigError, match=r"settings|setting|override"):
        load_settings(path)
    assert path.read_text() == content


def test_cloakroom_home_isolates_every_folder(isolated_home: Path) -> None:
    paths = app_paths()
    for folder in (paths.data, paths.config, paths.cache):
        assert isolated_home in folder.parents
