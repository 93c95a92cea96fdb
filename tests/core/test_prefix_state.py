"""The fixed prompt prefix's KV state: warmed at load, persisted, restored after other use, never holding user text.

Evaluated tokens are counted at llama.cpp's ``decode`` (never timed). Each "app start" is a new `Llama` on the same
tiny random-weight qwen3 file; answers are gibberish, so detections run with a small answer limit and their
cut-off errors are expected.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import llama_cpp
import pytest

from app.core.detectors.model.detector import ModelDetector
from app.core.detectors.model.prefix_state import (
    FOLDER_NAME,
    KEPT_STATES,
    PrefixState,
    iter_state_files,
    model_fingerprint,
    warm_prefix,
)
from app.core.errors import ModelOutputError
from app.core.paths import app_paths
from tests.helpers.models import TINY_QWEN3, load_llama, random_qwen3_path, recorded_decodes

SECRET_TEXT = "Zebediah Quixworth-Vantablack paid with card 4929 1234 5678 9012 and password Qz7!marmalade"
OTHER_TEXT = "Nothing private here, only the weather."


@pytest.fixture
def start_app(tiny_qwen3_gguf: Path) -> Iterator[Any]:
    """Loads the model as a fresh app start would; closes every model at the end."""
    loaded: list[llama_cpp.Llama] = []

    def start(**options: Any) -> llama_cpp.Llama:
        llama = load_llama(tiny_qwen3_gguf, n_ctx=4096, flash_attn=True, **options)
        loaded.append(llama)
        return llama

    yield start
    for llama in loaded:
        llama.close()


def plain_detector(llama: llama_cpp.Llama, **options: Any) -> ModelDetector:
    """A detector that decodes plainly: warming then evaluates the prefix and nothing else (no decoding calibration),
    so evaluated tokens can be counted exactly."""
    return ModelDetector(llama, decoding="plain", **options)


def detect_ignoring_cutoff(detector: ModelDetector, text: str) -> None:
    with contextlib.suppress(ModelOutputError):  # random weights: the answer never ends by itself
        detector.detect(text)


def state_files(cache: Path) -> list[Path]:
    return list(iter_state_files(cache))


def test_the_prefix_is_evaluated_once_then_restored_at_the_next_start(start_app: Any) -> None:
    cache = app_paths().cache
    first = plain_detector(start_app(), max_new_tokens=4)
    prefix = len(first.fixed_prefix_tokens)
    with recorded_decodes(first._llama) as sizes:
        warmth = first.warm_prefix(cache)
    assert warmth.source == "evaluated" and warmth.persisted and warmth.tokens == prefix
    assert sum(sizes) == prefix
    assert sorted(path.suffix for path in state_files(cache)) == [".bin", ".json"]

    llama = start_app()
    second = plain_detector(llama, max_new_tokens=4)
    with recorded_decodes(llama) as sizes:
        warmth = second.warm_prefix(cache)
    assert warmth.source == "restored" and sizes == []  # nothing evaluated at start
    assert llama.n_tokens == prefix

    with recorded_decodes(llama) as sizes:
        detect_ignoring_cutoff(second, OTHER_TEXT)
    assert sizes[0] == len(second.prompt_tokens(OTHER_TEXT)) - prefix  # only the person's part and the frame tail


def test_after_other_use_the_prefix_is_restored_instead_of_evaluated(start_app: Any) -> None:
    llama = start_app()
    detector = plain_detector(llama, max_new_tokens=4)
    detector.warm_prefix(app_paths().cache)
    prefix = len(detector.fixed_prefix_tokens)

    card = plain_detector(llama, profile="card", max_new_tokens=4)  # another profile: another prefix
    detect_ignoring_cutoff(card, OTHER_TEXT)

    with recorded_decodes(llama) as sizes:
        detect_ignoring_cutoff(detector, OTHER_TEXT)
    stats = detector.last_stats
    assert stats is not None and stats.prefix_restores == 1
    assert sizes[0] == len(detector.prompt_tokens(OTHER_TEXT)) - prefix

    with recorded_decodes(llama) as sizes:  # still held: no second restore
        detect_ignoring_cutoff(detector, SECRET_TEXT)
    stats = detector.last_stats
    assert stats is not None and stats.prefix_restores == 0


@pytest.mark.parametrize("damage", ["flip a byte", "truncate", "header tokens", "header garbage", "no header"])
def test_a_damaged_state_is_ignored_and_rebuilt(start_app: Any, damage: str) -> None:
    cache = app_paths().cache
    plain_detector(start_app(), max_new_tokens=4).warm_prefix(cache)
    state = next(path for path in state_files(cache) if path.suffix == ".bin")
    header = state.with_suffix(".json")
    good = state.read_bytes()
    if damage == "flip a byte":
        data = bytearray(good)
        data[len(data) // 2] ^= 0xFF
        state.write_bytes(bytes(data))
    elif damage == "truncate":
        state.write_bytes(good[: len(good) // 2])
    elif damage == "header tokens":
        fields = json.loads(header.read_text())
        header.write_text(json.dumps({**fields, "tokens": fields["tokens"] - 1}))
    elif damage == "header garbage":
        header.write_text("{not json")
    else:
        header.unlink()

    llama = start_app()
    detector = plain_detector(llama, max_new_tokens=4)
    with recorded_decodes(llama) as sizes:
        warmth = detector.warm_prefix(cache)
    assert warmth.source == "evaluated" and warmth.persisted
    assert sum(sizes) == len(detector.fixed_prefix_tokens)
    assert state.read_bytes() == good  # rebuilt: the same prefix gives the same state

    restarted = plain_detector(start_app(), max_new_tokens=4)
    assert restarted.warm_prefix(cache).source == "restored"


def test_nothing_derived_from_user_text_reaches_the_cache_folder(start_app: Any) -> None:
    cache = app_paths().cache
    llama = start_app()
    detector = plain_detector(llama, real_name="Zebediah Quixworth", max_new_tokens=6)
    detector.warm_prefix(cache)
    before = {path: path.read_bytes() for path in state_files(cache)}

    detect_ignoring_cutoff(detector, SECRET_TEXT)
    plain_detector(llama, profile="card", max_new_tokens=4).warm_prefix(cache)  # warming another profile
    detect_ignoring_cutoff(detector, SECRET_TEXT)  # restores the first prefix, then reads the secret again

    files = [path for path in cache.rglob("*") if path.is_file()]
    assert files and all(path.parent.name == FOLDER_NAME for path in files)
    user_tokens = detector.prompt_tokens(SECRET_TEXT)[len(detector.fixed_prefix_tokens) :]
    needles = [
        *(part.encode() for part in ("Zebediah", "Quixworth", "4929", "marmalade")),
        struct.pack(f"<{len(user_tokens[:6])}i", *user_tokens[:6]),  # the person's part as token ids
    ]
    for path in files:
        data = path.read_bytes()
        assert not any(needle in data for needle in needles), path.name
    for path, data in before.items():
        assert path.read_bytes() == data  # detections never rewrite a state

    for state in (path for path in files if path.suffix == ".bin"):
        tokens = stored_tokens(state)
        assert tokens in (detector.fixed_prefix_tokens, plain_detector(llama, profile="card").fixed_prefix_tokens)


def stored_tokens(state: Path) -> list[int]:
    """The token list of a llama.cpp sequence state file (magic, version, count, tokens)."""
    data = state.read_bytes()
    _magic, _version, count = struct.unpack_from("<III", data)
    return list(struct.unpack_from(f"<{count}i", data, 12))


def test_states_are_keyed_by_prompt_and_only_the_newest_are_kept(start_app: Any) -> None:
    cache = app_paths().cache
    llama = start_app()
    base = plain_detector(llama).fixed_prefix_tokens
    paths = set()
    for version in range(KEPT_STATES + 2):
        variant = llama.tokenize(f"Version {version}.\n".encode(), add_bos=False) + base  # another prompt each time
        warmth, state = warm_prefix(llama, variant, cache)
        assert warmth.source == "evaluated" and state is not None
        paths.add(state.path)
    assert len(paths) == KEPT_STATES + 2
    kept = [path for path in state_files(cache) if path.suffix == ".bin"]
    assert len(kept) == KEPT_STATES and state.path in kept
    assert all(path.with_suffix(".json").is_file() for path in kept)


def test_an_unwritable_cache_folder_still_warms_the_prefix(start_app: Any, tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder should be")
    llama = start_app()
    detector = plain_detector(llama, max_new_tokens=4)
    warmth = detector.warm_prefix(blocked)
    assert warmth.source == "evaluated" and not warmth.persisted
    assert llama.n_tokens == len(detector.fixed_prefix_tokens)


def test_without_a_cache_folder_nothing_is_written(start_app: Any) -> None:
    llama = start_app()
    warmth, state = warm_prefix(llama, plain_detector(llama).fixed_prefix_tokens, None)
    assert warmth.source == "evaluated" and state is None
    assert not app_paths().cache.exists() or not any(app_paths().cache.rglob("*"))


def test_the_model_fingerprint_reads_the_file_cheaply_and_tells_models_apart(
    tiny_qwen3_gguf: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.gguf"
    shutil.copyfile(tiny_qwen3_gguf, copy)
    assert model_fingerprint(copy) == model_fingerprint(tiny_qwen3_gguf)
    other_seed = random_qwen3_path(TINY_QWEN3, seed=1)  # same size and header layout, other weights
    assert other_seed.stat().st_size == tiny_qwen3_gguf.stat().st_size
    assert model_fingerprint(other_seed) != model_fingerprint(tiny_qwen3_gguf)

    data = bytearray(copy.read_bytes())
    data[100] ^= 0x01  # a header byte
    copy.write_bytes(bytes(data))
    assert model_fingerprint(copy) != model_fingerprint(tiny_qwen3_gguf)
    assert hashlib.sha256(b"x").hexdigest() != model_fingerprint(copy)


def test_a_state_for_other_kv_settings_is_another_file(start_app: Any) -> None:
    default_llama = start_app()
    tokens = plain_detector(default_llama).fixed_prefix_tokens
    float_kv = start_app(type_k=llama_cpp.GGML_TYPE_F32, type_v=llama_cpp.GGML_TYPE_F32)
    folder = app_paths().cache / FOLDER_NAME
    assert PrefixState(folder, default_llama, tokens).path != PrefixState(folder, float_kv, tokens).path
    assert os.path.basename(PrefixState(folder, default_llama, tokens).path).endswith(".bin")
