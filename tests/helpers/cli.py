"""The `cloakroom` command line in tests (a pytest plugin, loaded by tests/conftest.py): the `cli` fixture runs it in
this process, `run_cloakroom`/`start_cloakroom` as real processes sharing the test's keychain file, and
`permissions_bind` makes file permissions hold for those processes even when the tests run as root."""

from __future__ import annotations

import ctypes
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.cli import main
from tests.helpers.paths import REPO_ROOT
from tests.helpers.vault_keys import keychain_environment


@dataclass
class CliResult:
    code: int
    out: str
    err: str


Cli = Callable[..., CliResult]


@pytest.fixture
def cli(capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    """Run `cloakroom` in this process: ``cli(*argv, stdin="...")``. Output is captured at the file-descriptor
    level, so what llama.cpp or SQLCipher print from C is seen too."""

    def run(*argv: str, stdin: str = "") -> CliResult:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8")), encoding="utf-8"))
        code = main(list(argv))
        captured = capfd.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


def write_settings(home: Path, **values: object) -> None:
    """A settings file in the isolated home (llama.cpp with one thread, as every test here runs it)."""
    config = home / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.json").write_text(json.dumps({"n_threads": 1, "n_ctx": 4096, **values}), encoding="utf-8")


def cloakroom_environment(home: Path, keychain: Path) -> dict[str, str]:
    """The environment of a `cloakroom` subprocess: its own home, the shared file keychain of the vault tests."""
    environment = keychain_environment(keychain)
    environment["CLOAKROOM_HOME"] = str(home)
    return environment


def run_cloakroom(
    home: Path,
    keychain: Path,
    *argv: str,
    stdin: str = "",
    preexec: Callable[[], None] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """`python -m app ARGV` as a real process (a bound on a hung one, not a timing)."""
    return subprocess.run(
        [sys.executable, "-m", "app", *argv],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env=cloakroom_environment(home, keychain),
        preexec_fn=preexec,
        timeout=timeout,
        check=False,
    )


def start_cloakroom(home: Path, keychain: Path, *argv: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "app", *argv],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
        env=cloakroom_environment(home, keychain),
    )


_PR_CAPBSET_DROP = 24
_CAP_DAC_OVERRIDE = 1
_CAP_DAC_READ_SEARCH = 2


def permissions_bind() -> None:
    """In a child before exec: make file permissions apply even when the tests run as root.

    Root ignores permission bits through CAP_DAC_OVERRIDE; dropping it (and CAP_DAC_READ_SEARCH) from the bounding
    set means the executed program has neither, so a read-only folder is read-only for it too. No-op for other users.
    """
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
        if libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            os._exit(97)  # the test then fails on the exit code instead of silently testing nothing
