"""Fixtures for the packaging tests: the quiet test model (see quiet_model.py) and the tiny model it is made from."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.models import TestAssetError
from tests.packaging.quiet_model import quiet_qwen3_path


@pytest.fixture(scope="session")
def quiet_qwen3_gguf() -> Path:
    try:
        return quiet_qwen3_path()
    except TestAssetError as error:
        pytest.fail(str(error), pytrace=False)
