"""Fixtures for the model tests: a quantizable qwen3 GGUF and the models folder of the test's isolated home.

The fake hub (`hub`) and the real test models (SmolLM2 from its wheel, random-weight qwen3 GGUFs written on first use
into the test assets folder) come from the helper plugins in tests/helpers/; nothing here touches the network beyond
127.0.0.1.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.models import QUANTIZABLE_QWEN3, TestAssetError, random_qwen3_path


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
