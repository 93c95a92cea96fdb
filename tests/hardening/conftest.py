"""Fixtures for the hardening tests: the command line run in this process, a network that refuses every socket,
canary secrets, subprocesses that share a test keychain, and a way to make file permissions bind even for root.

The real parts stay real: the `cloakroom` entry point, the rules detector, SQLCipher files, llama.cpp on SmolLM2,
real processes killed with SIGKILL. Only the OS keychain is replaced (CI machines have none), as everywhere else.
"""

from __future__ import annotations

import ctypes
import io
import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from app.cli import main
from app.core.vault import ScryptParams
from tests.conftest import REPO_ROOT
from tests.helpers.models import (  # noqa: F401 - fixtures re-exported for this folder
    quiet_qwen3_gguf,
    smollm2_gguf,
    tiny_qwen3_gguf,
)
from tests.vault.conftest import FAST_SCRYPT, worker_environment

# --- canaries -------------------------------------------------------------------------------------------------------

CANARY_EMAIL = "canary-7q3x.mail@example.org"
CANARY_KEY = "sk-proj-CANARY7q3xK3yA1b2C3d4E5f6G7h8J9k0L1m2"
CANARY_CARD = "4000 0566 5566 5556"  # a documented test card number (Luhn-valid), belongs to nobody
CANARY_CODE = "917263"
CANARY_PASSWORD = "CANARY-pw-7q3x!"
CANARY_NAME = "Quillfeather Canarywood"  # only a model could find a name: it may stay visible in masked text
CANARY_TEXT = (
    f"Hi, I am {CANARY_NAME}. Mail me at {CANARY_EMAIL}, the API key is {CANARY_KEY}, "
    f"card {CANARY_CARD}, verification code: {CANARY_CODE}, password: {CANARY_PASSWORD}"
)
RULE_CANARIES = (CANARY_EMAIL, CANARY_KEY, CANARY_CARD, CANARY_CODE, CANARY_PASSWORD)
"""The canaries the rules detector always masks: none may appear in masked text."""
ALL_CANARIES = (*RULE_CANARIES, CANARY_NAME)
CANARY_MARKERS = ("CANARY", "canary-7q3x", "Canarywood", "7q3x", "5566 5556", CANARY_CODE)
"""Fragments of the canaries: a leak of part of a value is a leak too."""


def encodings_of(value: str) -> list[bytes]:
    """The ways a value could sit in a file: UTF-8 and both UTF-16 byte orders."""
    return [value.encode("utf-8"), value.encode("utf-16-le"), value.encode("utf-16-be")]


def canary_hits(data: str | bytes, markers: tuple[str, ...] = CANARY_MARKERS) -> list[str]:
    """The canary fragments found in ``data`` (case-insensitive for text)."""
    if isinstance(data, str):
        folded = data.casefold()
        return [marker for marker in markers if marker.casefold() in folded]
    return [marker for marker in markers if any(encoded in data for encoded in encodings_of(marker))]


def scan_tree(folder: Path, markers: tuple[str, ...] = CANARY_MARKERS) -> dict[str, list[str]]:
    """Every file under ``folder`` that holds a canary fragment, with the fragments found."""
    hits = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            found = canary_hits(path.read_bytes(), markers)
            if found:
                hits[str(path.relative_to(folder))] = found
    return hits


# --- the command line in this process --------------------------------------------------------------------------------


@dataclass
class CliResult:
    code: int
    out: str
    err: str


Cli = Callable[..., CliResult]


@pytest.fixture(autouse=True)
def cheap_default_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands use the default scrypt cost; a cheap one keeps tests quick (the KDF is still real scrypt)."""
    monkeypatch.setattr(ScryptParams.__init__, "__defaults__", (FAST_SCRYPT.n, FAST_SCRYPT.r, FAST_SCRYPT.p))


@pytest.fixture(autouse=True)
def no_passphrase_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CLOAKROOM_PASSPHRASE", "CLOAKROOM_NEW_PASSPHRASE", "PYTHON_KEYRING_BACKEND"):
        monkeypatch.delenv(name, raising=False)


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
    import json  # noqa: PLC0415

    config = home / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.json").write_text(json.dumps({"n_threads": 1, "n_ctx": 4096, **values}), encoding="utf-8")


# --- no network ------------------------------------------------------------------------------------------------------


@dataclass
class NetworkAttempts:
    """Every attempt to open a socket or resolve a name while the network was blocked."""

    calls: list[str] = field(default_factory=list)


class NetworkBlocked(OSError):
    """Raised in place of any socket operation while `no_network` is active."""


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> NetworkAttempts:
    """Block and record every way Python code opens a connection: socket creation of any family, name lookups and
    `create_connection`. Code that swallowed the error would still show up in ``calls``."""
    attempts = NetworkAttempts()

    def refuse(what: str) -> Callable[..., object]:
        def blocked(*args: object, **kwargs: object) -> object:
            attempts.calls.append(what)
            raise NetworkBlocked(f"network access attempted in a test that forbids it: {what}")

        return blocked

    class BlockedSocket(socket.socket):
        def __init__(self, *args: object, **kwargs: object) -> None:
            attempts.calls.append("socket.socket")
            raise NetworkBlocked("network access attempted in a test that forbids it: socket.socket")

    monkeypatch.setattr(socket, "socket", BlockedSocket)
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "socketpair", "create_server", "fromfd"):
        monkeypatch.setattr(socket, name, refuse(f"socket.{name}"))
    return attempts


# --- subprocesses ------------------------------------------------------------------------------------------------------


def cloakroom_environment(home: Path, keychain: Path) -> dict[str, str]:
    """The environment of a `cloakroom` subprocess: its own home, the shared file keychain of the vault tests."""
    environment = worker_environment(keychain)
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


@pytest.fixture
def keychain(tmp_path: Path) -> Iterator[Path]:
    """A keychain file this process and its `cloakroom` subprocesses share (installed here too)."""
    import keyring  # noqa: PLC0415

    from tests.helpers.keyring_backends import FileKeychain  # noqa: PLC0415

    path = tmp_path / "keychain.json"
    previous = keyring.get_keyring()
    keyring.set_keyring(FileKeychain(path))
    yield path
    keyring.set_keyring(previous)


@pytest.fixture
def home(isolated_home: Path) -> Path:
    """The test's isolated `CLOAKROOM_HOME` (from the top-level conftest)."""
    return isolated_home
