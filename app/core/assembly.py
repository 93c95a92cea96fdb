"""Build the engine from settings, the vault and the model: the one place the command line and the tray app share.

Keeping this here (not in the CLI or the UI) is what makes "the UI and the CLI call the same core" true: both get the
same policy from the same settings and private lists, the same rules detector and the same model detector.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.detectors.base import Detector, ProgressCallback
from app.core.engine import Engine
from app.core.errors import ModelError
from app.core.findings import Finding
from app.core.paths import app_paths
from app.core.policy import AlwaysMaskEntry, Override, Policy
from app.core.settings import Settings
from app.core.store import MappingStore
from app.core.taxonomy import Level


@dataclass(frozen=True)
class PrivateLists:
    """The settings that live in the vault because they are themselves private."""

    real_name: str | None = None
    allow_list: tuple[str, ...] = ()
    always_mask: tuple[AlwaysMaskEntry, ...] = ()


def private_lists_of(store: MappingStore) -> PrivateLists:
    """Read the private settings from a vault; a store without them (in-memory) has none."""
    if not hasattr(store, "real_name"):
        return PrivateLists()
    return PrivateLists(
        real_name=store.real_name(),  # type: ignore[attr-defined]
        allow_list=tuple(store.allow_list()),  # type: ignore[attr-defined]
        always_mask=tuple(store.always_mask()),  # type: ignore[attr-defined]
    )


def build_policy(settings: Settings, lists: PrivateLists, min_level: Level | None = None) -> Policy:
    return Policy(
        min_level=min_level or settings.level_threshold,
        type_overrides={name: Override(value) for name, value in settings.type_overrides.items()},
        allow_list=frozenset(lists.allow_list),
        always_mask=lists.always_mask,
    )


def build_rules_detector() -> Detector:
    from app.core.detectors.rules import RulesDetector  # noqa: PLC0415 - keeps start-up imports small

    return RulesDetector()


def build_engine(
    settings: Settings,
    store: MappingStore,
    *,
    model: Detector | None = None,
    min_level: Level | None = None,
) -> Engine:
    lists = private_lists_of(store)
    return Engine(
        store=store, policy=build_policy(settings, lists, min_level), rules=build_rules_detector(), model=model
    )


def configured_model_path(settings: Settings, override: str | Path | None = None) -> Path | None:
    """The model file to use: an explicit path wins over the setting; None when no model is configured."""
    chosen = override if override is not None else settings.model_path
    return Path(chosen).expanduser() if chosen else None


class LoadedModelDetector:
    """The model detector together with the loaded model it runs on: the app shows its notice (a GPU fallback, say)
    and its memory, and frees it when the model is unloaded."""

    name = "model"

    def __init__(self, detector: Detector, loaded: Any) -> None:
        self.detector = detector
        self.loaded = loaded

    @property
    def notice(self) -> str | None:
        return self.loaded.notice

    def detect(
        self, text: str, *, cancel: threading.Event | None = None, progress: ProgressCallback | None = None
    ) -> list[Finding]:
        return self.detector.detect(text, cancel=cancel, progress=progress)

    def close(self) -> None:
        self.loaded.close()


def model_detector_factory(
    settings: Settings,
    model_path: Path,
    *,
    profile: str | None = None,
    user_name: str | None = None,
) -> Callable[[], LoadedModelDetector]:
    """A function that loads the model and returns its detector (slow: run it where waiting is fine).

    Loading also warms the fixed prompt prefix (`ModelDetector.warm_prefix`): restored from the app's cache when a
    previous start persisted it, else evaluated once and persisted, so the first detection reads only the person's
    text. The persisted state holds the instructions' tokens only, never a person's name or text.
    """

    def load() -> LoadedModelDetector:
        from app.core.detectors.model import ModelDetector  # noqa: PLC0415 - llama.cpp loads only when needed
        from app.core.models.runtime import load_model  # noqa: PLC0415

        if not model_path.is_file():
            raise ModelError(f"The model file {model_path} does not exist. Choose another in Settings → Model.")
        loaded = load_model(
            model_path,
            n_ctx=settings.n_ctx,
            n_threads=settings.n_threads,
            n_gpu_layers=settings.n_gpu_layers,
        )
        detector = ModelDetector(loaded.llama, profile=profile or settings.prompt_profile, real_name=user_name or "")
        try:
            detector.warm_prefix(app_paths().cache)
        except BaseException:
            loaded.close()
            raise
        return LoadedModelDetector(detector, loaded)

    return load
