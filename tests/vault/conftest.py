"""Fixtures for the vault tests: a real in-memory keyring installed with `keyring.set_keyring`, cheap scrypt,
and what subprocesses need to share a keychain (a file-backed backend loaded through PYTHON_KEYRING_BACKEND)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest

from app.core.vault import ScryptParams, Vault, open_vault
from app.core.vault.files import vault_files
from tests.conftest import REPO_ROOT
from tests.helpers.keyring_backends import FILE_KEYCHAIN_NAME, KEYCHAIN_FILE_ENV, FileKeychain

# Real scrypt, at a cost that keeps tests quick; the default parameters are exercised by the benchmark.
FAST_SCRYPT = ScryptParams(n=2**10, r=8, p=1)
WORKER = "tests.vault.vault_worker"


@pytest.fixture(autouse=True)
def no_passphrase_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CLOAKROOM_PASSPHRASE", "CLOAKROOM_NEW_PASSPHRASE", "PYTHON_KEYRING_BACKEND"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def vault_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "vault.db"


@pytest.fixture
def vault(vault_path: Path) -> Iterator[Vault]:
    with open_vault(vault_path) as opened:
        yield opened


@pytest.fixture
def keychain_file(tmp_path: Path) -> Iterator[Path]:
    """A keychain this process and its subprocesses share; installed here too, so all see the same keys."""
    path = tmp_path / "keychain.json"
    previous = keyring.get_keyring()
    keyring.set_keyring(FileKeychain(path))
    yield path
    keyring.set_keyring(previous)


def worker_environment(keychain: Path) -> dict[str, str]:
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), environment.get("PYTHONPATH")]))
    environment["PYTHON_KEYRING_BACKEND"] = FILE_KEYCHAIN_NAME
    environment[KEYCHAIN_FILE_ENV] = str(keychain)
    return environment


def start_worker(keychain: Path, *arguments: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", WORKER, *arguments],
        cwd=REPO_ROOT,
        env=worker_environment(keychain),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_worker(keychain: Path, *arguments: str, timeout: float = 120) -> None:
    process = start_worker(keychain, *arguments)
    _, errors = process.communicate(timeout=timeout)
    assert process.returncode == 0, errors


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def snapshot(vault_path: Path) -> dict[str, bytes]:
    """The bytes of every vault file that exists (database, WAL, shared memory, journal, key-info)."""
    return {path.name: path.read_bytes() for path in vault_files(vault_path) if path.exists()}
