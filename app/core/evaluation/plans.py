"""Which detectors an evaluation runs, and loading the model for it.

The model is loaded once; each prompt profile gets its own `ModelDetector` on the same `Llama` (a detector holds
its profile's prefix tokens and grammar), made the way the app makes it (`assembly.build_model_detector`: warm
prefix, calibrated decoding, the answer's room), so an evaluation measures what a person's masking does. The profiles
run one after another, so each keeps its prompt prefix cached for all its messages. Profiles are checked before the model loads: a missing official template should cost
a second, not the minutes a large model takes to load.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.errors import ConfigError
from app.core.evaluation.datasets import file_sha256
from app.core.evaluation.machine import ModelInfo
from app.core.evaluation.runner import BOTH, MODEL_ONLY, RULES_ONLY, RunPlan
from app.core.settings import Settings

if TYPE_CHECKING:
    from app.core.model_files.runtime import LoadedModel


def rules_plan() -> RunPlan:
    from app.core.assembly import build_rules_detector

    return RunPlan(label="rules", detector=RULES_ONLY, profile=None, rules=build_rules_detector(), model=None)


def check_profiles(names: Sequence[str]) -> list[str]:
    """The profiles to run, ``auto`` resolved to the profile it means now; raise the profile's own error (unknown
    name, official template not installed) before anything is loaded."""
    from app.core.detectors.model.prompts import get_profile, resolve_profile_name

    if not names:
        raise ConfigError("Choose at least one prompt profile.")
    if len(set(names)) != len(names):
        raise ConfigError("Each prompt profile can be named only once.")
    resolved = list(dict.fromkeys(resolve_profile_name(name).used for name in names))
    for name in resolved:
        get_profile(name)
    return resolved


def comparable_profiles() -> tuple[str, ...]:
    """The profiles usable on this machine now (the official ones only once their templates are installed)."""
    from app.core.detectors.model.prompts import available_profiles

    return available_profiles()


def load_eval_model(
    model_path: Path,
    settings: Settings,
    *,
    n_threads: int | None = None,
    n_ctx: int | None = None,
) -> LoadedModel:
    """Load the GGUF as the app would (GPU when possible), with the evaluation's thread and context overrides."""
    from app.core.model_files.runtime import load_model

    if not model_path.is_file():
        raise ConfigError(f"There is no model file at {model_path}.")
    return load_model(
        model_path,
        n_ctx=n_ctx or settings.n_ctx,
        n_threads=n_threads or settings.n_threads,
        n_gpu_layers=settings.n_gpu_layers,
    )


def model_plans(
    loaded: LoadedModel,
    settings: Settings,
    profiles: Sequence[str],
    detector: str,
    *,
    max_new_tokens: int | None = None,
) -> list[RunPlan]:
    """One plan per profile: the model alone (``model``) or with the rules (``both``)."""
    from app.core.assembly import build_model_detector, build_rules_detector

    if detector not in (MODEL_ONLY, BOTH):
        raise ValueError("model plans need the model or both detectors")
    plans = []
    for profile in profiles:
        model = build_model_detector(loaded.llama, settings, profile=profile, max_new_tokens=max_new_tokens)
        rules = build_rules_detector() if detector == BOTH else None
        label = f"{detector} · {profile}"
        plans.append(RunPlan(label=label, detector=detector, profile=profile, rules=rules, model=model))
    return plans


def describe_model(loaded: LoadedModel, max_new_tokens: int | None = None) -> ModelInfo:
    """What the report says about the model: file, hash, quantization and how it ran."""
    return ModelInfo(
        file_name=loaded.path.name,
        path=str(loaded.path),
        size_bytes=loaded.path.stat().st_size,
        sha256=file_sha256(loaded.path),
        quantization=loaded.info.quantization,
        architecture=loaded.info.architecture,
        name=loaded.info.name,
        device=loaded.device,
        n_gpu_layers=loaded.n_gpu_layers,
        n_threads=loaded.n_threads,
        n_ctx=loaded.n_ctx,
        max_new_tokens=max_new_tokens,
        notice=loaded.notice,
    )
