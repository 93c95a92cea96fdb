"""How tests give the vault its key without the machine's keychain (a pytest plugin, loaded by tests/conftest.py).

CI machines have no OS keychain, and no test may touch a developer's real one, so every test starts with an empty
in-memory keyring (`memory_keyring`, automatic) and without the passphrase variables of the shell it runs in. A test
whose subprocesses must see the same keys asks for `keychain_file`, a file-backed keychain this process installs too,
and starts them with `keychain_environment`. Scrypt stays real but cheap: `FAST_SCRYPT` where a test passes the
parameters, `cheap_default_scrypt` where the code under test uses the defaults (the commands do).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from app.core.vault import ScryptParams
from tests.helpers.keyring_backends import FILE_KEYCHAIN_NAME, KEYCHAIN_FILE_ENV, FileKeychain, MemoryKeyring
from tests.helpers.paths import REPO_ROOT

# Real scrypt, at a cost that keeps tests quick; the default parameters are exercised by the benchmark.
FAST_SCRYPT = ScryptParams(n=2**10, r=8, p=1)
PASSPHRASE_VARIABLES = ("CLOAKROOM_PASSPHRASE", "CLOAKROOM_NEW_PASSPHRASE", "PYTHON_KEYRING_BACKEND")


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """No test ever reads or writes the machine's real keychain: each starts with an empty in-memory one."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def no_passphrase_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A passphrase or keyring choice set in the developer's shell must not decide how a test's vault opens."""
    for name in PASSPHRASE_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def keychain_file(tmp_path: Path) -> Iterator[Path]:
    """A keychain this process and its subprocesses share; installed here too, so all see the same keys."""
    path = tmp_path / "keychain.json"
    previous = keyring.get_keyring()
    keyring.set_keyring(FileKeychain(path))
    yield path
    keyring.set_keyring(previous)


def keychain_environment(keychain: Path) -> dict[str, str]:
    """The environment of a Python subprocess that uses the keychain file ``keychain`` and imports this repository."""
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), environment.get("PYTHONPATH")]))
    environment["PYTHON_KEYRING_BACKEND"] = FILE_KEYCHAIN_NAME
    environment[KEYCHAIN_FILE_ENV] = str(keychain)
    return environment


@pytest.fixture
def cheap_default_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands use the default scrypt cost; a cheap one keeps tests quick (the KDF is still real scrypt)."""
    monkeypatch.setattr(ScryptParams.__init__, "__defaults__", (FAST_SCRYPT.n, FAST_SCRYPT.r, FAST_SCRYPT.p))
