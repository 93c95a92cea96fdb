"""Build the engine from settings, the vault and the model: the one place the command line and the tray app share.

Keeping this here (not in the CLI or the UI) is what makes "the UI and the CLI call the same core" true: both get the
same policy from the same settings and private lists, the same rules detector and the same model detector.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from app.core.detectors.always_mask import AlwaysMaskDetector
from app.core.detectors.base import Detector, FindingsCallback, ProgressCallback
from app.core.detectors.model.prompts import resolve_profile_name
from app.core.engine import Engine
from app.core.errors import ModelError
from app.core.findings import Finding
from app.core.paths import app_paths
from app.core.policy import AlwaysMaskEntry, Override, Policy
from app.core.settings import Settings
from app.core.store import MappingStore, PersistentStore
from app.core.taxonomy import Level

if TYPE_CHECKING:
    import llama_cpp

    from app.core.detectors.model.decoders import Steering
    from app.core.detectors.model.detector import ModelDetector
    from app.core.detectors.model.stats import ModelStats
    from app.core.model_files.runtime import LoadedModel


@dataclass(frozen=True)
class PrivateLists:
    """The settings that live in the vault because they are themselves private."""

    real_name: str | None = None
    allow_list: tuple[str, ...] = ()
    always_mask: tuple[AlwaysMaskEntry, ...] = ()


def private_lists_of(store: MappingStore) -> PrivateLists:
    """Read the private settings from a vault; a store that does not persist them (in-memory) has none."""
    if not isinstance(store, PersistentStore):
        return PrivateLists()
    return PrivateLists(
        real_name=store.real_name(),
        allow_list=tuple(store.allow_list()),
        always_mask=tuple(store.always_mask()),
    )


def build_policy(settings: Settings, lists: PrivateLists, min_level: Level | None = None) -> Policy:
    return Policy(
        min_level=min_level or settings.level_threshold,
        type_overrides={name: Override(value) for name, value in settings.type_overrides.items()},
        allow_list=frozenset(lists.allow_list),
    )


def build_rules_detector() -> Detector:
    from app.core.detectors.rules import RulesDetector

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
        store=store,
        policy=build_policy(settings, lists, min_level),
        rules=build_rules_detector(),
        model=model,
        always_mask=AlwaysMaskDetector(lists.always_mask) if lists.always_mask else None,
    )


def configured_model_path(settings: Settings, override: str | Path | None = None) -> Path | None:
    """The model file to use: an explicit path wins over the setting; None when no model is configured."""
    chosen = override if override is not None else settings.model_path
    return Path(chosen).expanduser() if chosen else None


class LoadedDetector(Protocol):
    """What the app's worker, the command line and the model test hold while a model is loaded: a detector that can
    stream early findings, with what the person is shown about it and how to free it.

    `LoadedModelDetector` is the one real implementation (`model_detector_factory` makes it); stand-ins in tests
    implement it without llama.cpp, with ``loaded`` None.
    """

    name: str

    @property
    def loaded(self) -> LoadedModel | None:
        """The loaded model (device, memory); None only for a stand-in that runs no llama.cpp model."""

    @property
    def notice(self) -> str | None:
        """Something the person should know about how the model runs (a GPU fallback, say), or None."""

    @property
    def stats(self) -> ModelStats | None:
        """What the last detection cost and returned (counts and times only); None before the first."""

    def detect(
        self,
        text: str,
        *,
        cancel: threading.Event | None = None,
        progress: ProgressCallback | None = None,
        on_findings: FindingsCallback | None = None,
    ) -> list[Finding]:
        """Like `Detector.detect`; ``on_findings``, if given, receives early findings while the model writes."""

    def close(self) -> None:
        """Free the model (its memory, on the GPU too); the detector is not used afterwards."""


class LoadedModelDetector:
    """The model detector together with the loaded model it runs on (a `LoadedDetector`): the app shows its notice
    (a GPU fallback, say) and its memory, and frees it when the model is unloaded."""

    name = "model"

    def __init__(self, detector: ModelDetector, loaded: LoadedModel) -> None:
        self.detector = detector
        self._loaded = loaded

    @property
    def loaded(self) -> LoadedModel:
        return self._loaded

    @property
    def notice(self) -> str | None:
        return self._loaded.notice

    @property
    def stats(self) -> ModelStats | None:
        return self.detector.last_stats

    def detect(
        self,
        text: str,
        *,
        cancel: threading.Event | None = None,
        progress: ProgressCallback | None = None,
        on_findings: FindingsCallback | None = None,
    ) -> list[Finding]:
        return self.detector.detect(text, cancel=cancel, progress=progress, on_findings=on_findings)

    def close(self) -> None:
        self._loaded.close()


def build_model_detector(
    llama: llama_cpp.Llama,
    settings: Settings,
    *,
    profile: str | None = None,
    real_name: str | None = None,
    max_new_tokens: int | None = None,
    cache_folder: Path | None = None,
    steering: Steering | None = None,
    cancel: threading.Event | None = None,
) -> ModelDetector:
    """The one way to make the model detector on a loaded model: the app, the command line, the setup wizard's trial
    and `cloakroom eval` all come here, so none can forget what makes the model run as it was trained.

    - the prompt profile: ``profile`` or the setting, with ``auto`` resolved (`prompts.resolve_profile_name`: the
      official prompt when its verified copy is installed);
    - the person's name (the official prompt tells their name from third parties' by it);
    - the answer's room: what the context leaves after the prompt, unless ``max_new_tokens`` caps it (evaluations);
    - the fixed prompt prefix warmed (`ModelDetector.warm_prefix`: restored from ``cache_folder``, default the app's
      cache, when a previous start persisted it, else evaluated once and persisted; it holds the instructions' tokens
      only, never a person's name or text), which also calibrates "auto" decoding.

    ``steering`` is for benchmarks and tests on random-weight stand-ins only.
    """
    from app.core.detectors.model.detector import ModelDetector

    detector = ModelDetector(
        llama,
        profile=resolve_profile_name(profile or settings.prompt_profile).used,
        real_name=real_name or "",
        max_new_tokens=max_new_tokens,
        steering=steering,
    )
    detector.warm_prefix(cache_folder if cache_folder is not None else app_paths().cache, cancel=cancel)
    return detector


def model_detector_factory(
    settings: Settings,
    model_path: Path,
    *,
    profile: str | None = None,
    real_name: str | None = None,
    max_new_tokens: int | None = None,
) -> Callable[[], LoadedModelDetector]:
    """A function that loads the model and returns its detector (slow: run it where waiting is fine).

    The detector is made by `build_model_detector`, so it runs as the app runs it.
    """

    def load() -> LoadedModelDetector:
        from app.core.model_files.runtime import load_model

        if not model_path.is_file():
            raise ModelError(f"The model file {model_path} does not exist. Choose another in Settings → Model.")
        loaded = load_model(
            model_path,
            n_ctx=settings.n_ctx,
            n_threads=settings.n_threads,
            n_gpu_layers=settings.n_gpu_layers,
        )
        try:
            detector = build_model_detector(
                loaded.llama, settings, profile=profile, real_name=real_name, max_new_tokens=max_new_tokens
            )
        except BaseException:
            loaded.close()
            raise
        return LoadedModelDetector(detector, loaded)

    return load
