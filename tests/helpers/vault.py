"""Helpers for the vault tests: the vault's files as bytes, and vault workers in other processes.

A worker is `tests.vault.vault_worker` run as ``python -m``; it shares the test's keychain through the file keychain
(`tests.helpers.vault_keys.keychain_environment`).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from app.core.vault.files import vault_files
from tests.helpers.paths import REPO_ROOT
from tests.helpers.vault_keys import keychain_environment

WORKER = "tests.vault.vault_worker"


def start_worker(keychain: Path, *arguments: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", WORKER, *arguments],
        cwd=REPO_ROOT,
        env=keychain_environment(keychain),
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
