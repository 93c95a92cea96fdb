"""The model detector the app and the command line load (`assembly.model_detector_factory`), on a real tiny model."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.common import add_engine_options, load_model_detector
from app.core.assembly import LoadedModelDetector, model_detector_factory
from app.core.detectors.model.prefix_state import FOLDER_NAME
from app.core.paths import app_paths
from app.core.settings import Settings
from app.core.store import MemoryStore


def _load(model: Path):
    settings = Settings(model_path=str(model), n_ctx=1024, n_threads=1, n_gpu_layers=0)
    return model_detector_factory(settings, model)()


def test_loading_persists_the_prompt_prefix_and_the_next_start_restores_it(tiny_qwen3_gguf: Path) -> None:
    first = _load(tiny_qwen3_gguf)
    try:
        warmth = first.detector.prefix_warmth
        assert warmth is not None and (warmth.source, warmth.persisted) == ("evaluated", True)
    finally:
        first.close()
    assert list((app_paths().cache / FOLDER_NAME).glob("*.bin")), "no prefix state was written to the app's cache"

    second = _load(tiny_qwen3_gguf)
    try:
        assert second.detector.prefix_warmth is not None
        assert second.detector.prefix_warmth.source == "restored"
        assert second.detector.decoding in ("fast", "plain"), "auto decoding was not calibrated at load"
    finally:
        second.close()


def test_the_command_lines_user_name_option_reaches_the_model_as_its_real_name(tiny_qwen3_gguf: Path) -> None:
    parser = argparse.ArgumentParser()
    add_engine_options(parser)
    args = parser.parse_args(["--model", str(tiny_qwen3_gguf), "--user-name", "Dana Reyes"])
    loaded = load_model_detector(args, Settings(n_ctx=1024, n_threads=1, n_gpu_layers=0), MemoryStore())
    assert isinstance(loaded, LoadedModelDetector)
    try:
        assert loaded.detector.real_name == "Dana Reyes"  # type: ignore[attr-defined]
    finally:
        loaded.close()
