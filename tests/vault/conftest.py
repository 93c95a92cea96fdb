"""Fixtures for the vault tests: a vault file in the test's temporary folder, opened or not.

The keychain fixtures (an in-memory keyring for every test, `keychain_file` for subprocesses) and cheap scrypt come
from the helper plugin `tests.helpers.vault_keys`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.vault import Vault, open_vault


@pytest.fixture
def vault_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "vault.db"


@pytest.fixture
def vault(vault_path: Path) -> Iterator[Vault]:
    with open_vault(vault_path) as opened:
        yield opened
