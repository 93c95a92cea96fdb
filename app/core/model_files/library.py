"""The person's models: checking a file before it is used, the models folder, and the registered model.

"Registered" means its path is in the ``model_path`` setting: the detector loads that file. A file is registered only
after it passed every check, so a broken file can never become the model the app tries to load at start-up.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from app.core.model_files.backends import new_llama
from app.core.model_files.errors import InvalidModelFile
from app.core.model_files.gguf_info import EXPECTED_ARCHITECTURE, GgufInfo, inspect_gguf, require_weights
from app.core.paths import app_paths
from app.core.settings import Settings, load_settings, save_settings

PARTIAL_SUFFIX = ".part"
LOAD_CHECK_CONTEXT = 256


@dataclass(frozen=True)
class ModelCheck:
    """A file that passed validation, what it is, and what the person should know about it."""

    info: GgufInfo
    warnings: tuple[str, ...]
    loaded: bool


def header_warnings(info: GgufInfo) -> list[str]:
    """Things that do not stop a model from loading but may make it a poor detector."""
    warnings = []
    if info.architecture != EXPECTED_ARCHITECTURE:
        warnings.append(
            f"Its architecture is '{info.architecture}', not '{EXPECTED_ARCHITECTURE}': Cloakroom's detector was "
            "made for MemPrivacy (Qwen3) models, so another model may find little or answer in the wrong format."
        )
    if not info.chat_template:
        warnings.append("It has no chat template; the detector will use the Qwen3 chat format.")
    return warnings


def check_loads(path: Path) -> None:
    """Load the file with llama.cpp on the CPU with a tiny context, then free it; `InvalidModelFile` if it fails.

    The header check catches most damage, but only llama.cpp knows whether it supports the architecture and the
    tensors it expects are all there.
    """
    try:
        llama = new_llama(
            model_path=str(path),
            n_ctx=LOAD_CHECK_CONTEXT,
            n_gpu_layers=0,
            n_threads=1,
            n_threads_batch=1,
            verbose=False,
        )
    except Exception as error:  # noqa: BLE001 - any failure means the file cannot be used
        reason = str(error).strip().splitlines()[0] if str(error).strip() else error.__class__.__name__
        raise InvalidModelFile(f"llama.cpp cannot load {path.name} ({reason[:160]}).") from None
    llama.close()


def validate_model_file(path: str | os.PathLike[str], *, load: bool = True) -> ModelCheck:
    """The full check of a model file: GGUF header, content, and (unless ``load`` is False) a real load."""
    file_path = Path(path).expanduser()
    info = require_weights(inspect_gguf(file_path))
    if load:
        check_loads(file_path)
    return ModelCheck(info=info, warnings=tuple(header_warnings(info)), loaded=load)


def models_folder() -> Path:
    return app_paths().models


def local_model_files(folder: Path | None = None) -> list[Path]:
    """Complete GGUF files in the models folder (partial downloads end in .part and are left out)."""
    directory = folder or models_folder()
    if not directory.is_dir():
        return []
    return sorted(path for path in directory.iterdir() if path.is_file() and path.suffix.lower() == ".gguf")


def current_settings() -> Settings:
    return load_settings(app_paths().settings)


def registered_model() -> Path | None:
    chosen = current_settings().model_path
    return Path(chosen).expanduser() if chosen else None


def register_model(path: str | os.PathLike[str], *, load: bool = True) -> ModelCheck:
    """Validate ``path`` and make it the model the app uses; the settings change only if every check passed."""
    file_path = Path(path).expanduser().resolve()
    check = validate_model_file(file_path, load=load)
    settings = current_settings()
    settings.model_path = str(file_path)
    save_settings(settings, app_paths().settings)
    return check
