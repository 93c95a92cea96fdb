"""Fixtures for the hardening tests: cheap scrypt for every command, and the isolated home by a short name.

The real parts stay real: the `cloakroom` entry point, the rules detector, SQLCipher files, llama.cpp on SmolLM2,
real processes killed with SIGKILL. Only the OS keychain is replaced (CI machines have none), as everywhere else.
The command line in and out of process (`cli`, `run_cloakroom`), the blocked network (`no_network`), the canaries and
the shared keychain (`keychain_file`) come from tests/helpers/.
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def every_command_uses_cheap_scrypt(cheap_default_scrypt: None) -> None:
    """The commands here run with the default scrypt cost; a cheap one keeps them quick (still real scrypt)."""


@pytest.fixture
def home(isolated_home: Path) -> Path:
    """The test's isolated `CLOAKROOM_HOME` (from the top-level conftest)."""
    return isolated_home
