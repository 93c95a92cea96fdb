"""Fixtures for the model tests: a fake hub on 127.0.0.1, test GGUFs, and damaged files.

The real models come from `tests.helpers.models` (SmolLM2 from its wheel, random-weight qwen3 GGUFs written on first
use into the test assets folder); nothing here touches the network beyond 127.0.0.1.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.helpers.models import (  # noqa: F401 - fixtures re-exported for this folder
    QUANTIZABLE_QWEN3,
    Qwen3Shape,
    TestAssetError,
    random_qwen3_path,
    smollm2_gguf,
    tiny_qwen3_gguf,
)
from tests.models.fake_hub import FakeHub, serve



@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeHub]:
    """A fake hub that `HF_ENDPOINT` points to; no saved Hugging Face login is read."""
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    with serve() as fake:
        monkeypatch.setenv("HF_ENDPOINT", fake.url)
        yield fake


@pytest.fixture(scope="session")
def quantizable_qwen3_f16() -> Path:
    try:
        return random_qwen3_path(QUANTIZABLE_QWEN3, dtype="f16")
    except TestAssetError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture
def models_dir(isolated_home: Path) -> Path:
    from app.core.paths import app_paths

    return app_paths().models


def files_in(folder: Path) -> list[str]:
    """Every file under ``folder`` (relative names), to assert that nothing was left behind."""
    if not folder.exists():
        return []
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


BadFileMaker = Callable[[str], Path]


@pytest.fixture
def bad_gguf(tmp_path: Path, tiny_qwen3_gguf: Path) -> BadFileMaker:  # noqa: F811 - the fixture imported above
    """Make a damaged model file by kind: truncated, wrong-magic, random, empty, html."""

    def make(kind: str) -> Path:
        path = tmp_path / f"{kind}.gguf"
        good = tiny_qwen3_gguf.read_bytes()
        if kind == "truncated":
            path.write_bytes(good[: len(good) * 2 // 3])
        elif kind == "truncated-header":
            path.write_bytes(good[:4096])
        elif kind == "wrong-magic":
            path.write_bytes(b"GGUX" + good[4:])
        elif kind == "random":
            path.write_bytes(os.urandom(64 * 1024))
        elif kind == "empty":
            path.write_bytes(b"")
        elif kind == "html":
            path.write_bytes(b"<!DOCTYPE html><html><body>Repository not found</body></html>")
        else:
            raise ValueError(kind)
        return path

    return make
