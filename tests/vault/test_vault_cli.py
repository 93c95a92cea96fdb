"""`cloakroom vault ...` through the real command-line entry point (in process), and `cloakroom mask` / `unmask`
with ``--vault`` in separate processes."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from app.cli import main
from app.core.store import PlaceholderRequest
from app.core.taxonomy import Level
from app.core.vault import open_vault, read_keyinfo
from tests.helpers.keyring_backends import MemoryKeyring
from tests.helpers.paths import REPO_ROOT
from tests.helpers.vault import snapshot
from tests.helpers.vault_keys import keychain_environment

ORIGINALS = ["dana.reyes@example.org", "Zoë Ångström", "hunter2-Secret!"]


# The commands use the default scrypt cost; these tests swap in a cheap one (the KDF is still real scrypt).
pytestmark = pytest.mark.usefixtures("cheap_default_scrypt")


Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    """Run `cloakroom` in this process: ``cli(*argv, stdin="...")`` gives (exit code, stdout, stderr)."""

    def run(*argv: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


@pytest.fixture
def filled(vault_path: Path) -> Path:
    with open_vault(vault_path) as vault:
        vault.assign(
            [
                PlaceholderRequest(ORIGINALS[0], "Email", Level.PL2, "rules"),
                PlaceholderRequest(ORIGINALS[1], "Real Name", Level.PL2, "model"),
                PlaceholderRequest(ORIGINALS[2], "Password", Level.PL4, "rules"),
            ]
        )
    return vault_path


def assert_no_original(*outputs: str) -> None:
    for output in outputs:
        assert not any(value in output for value in ORIGINALS)


def test_status_without_a_vault(cli: Cli, vault_path: Path) -> None:
    code, out, _ = cli("vault", "status", "--vault", str(vault_path))
    assert code == 0
    assert "no vault yet" in out and not vault_path.exists()


def test_status_of_a_vault(cli: Cli, filled: Path) -> None:
    code, out, err = cli("vault", "status", "--vault", str(filled))
    assert code == 0
    assert "key: keyring" in out and "mappings: 3" in out and "MemoryKeyring (secure)" in out
    assert_no_original(out, err)


def test_list_hides_originals_unless_revealed(cli: Cli, filled: Path) -> None:
    code, out, err = cli("vault", "list", "--vault", str(filled))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["PLACEHOLDER", "TYPE", "LEVEL", "LAST", "USED"]
    assert [line.split()[0] for line in lines[1:]] == ["<Email_1>", "<Password_1>", "<Real_Name_1>"]
    assert "PL4" in lines[2]
    assert_no_original(out, err)
    code, out, _ = cli("vault", "list", "--reveal", "--vault", str(filled))
    assert code == 0 and all(value in out for value in ORIGINALS)


@pytest.mark.parametrize("spelling", ["<Email_1>", "Email_1", "[email 1]"])
def test_forget_a_placeholder(cli: Cli, filled: Path, spelling: str) -> None:
    code, _, err = cli("vault", "forget", spelling, "--vault", str(filled))
    assert code == 0 and "Forgot <Email_1>" in err
    with open_vault(filled) as vault:
        assert {mapping.placeholder for mapping in vault} == {"<Real_Name_1>", "<Password_1>"}


def test_forget_rejects_unknown_and_malformed_placeholders(cli: Cli, filled: Path) -> None:
    before = snapshot(filled)
    code, _, err = cli("vault", "forget", "<Email_7>", "--vault", str(filled))
    assert code == 1 and "no mapping" in err
    code, _, err = cli("vault", "forget", ORIGINALS[0], "--vault", str(filled))
    assert code == 1 and "not a placeholder" in err
    assert_no_original(err)
    with open_vault(filled) as vault:
        assert len(vault) == 3
    assert snapshot(filled).keys() == before.keys()


class _Terminal(io.StringIO):
    """Standard input as a person at a terminal gives it."""

    def isatty(self) -> bool:
        return True


def test_a_declined_confirmation_is_a_cancel_said_in_one_line(
    filled: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", _Terminal("no\n"))
    code = main(["vault", "wipe", "--vault", str(filled)])
    err = capsys.readouterr().err
    assert code == 1 and err.endswith("cloakroom: Cancelled; nothing was changed.\n") and "Traceback" not in err
    with open_vault(filled) as vault:
        assert len(vault) == 3


def test_wipe_needs_confirmation(cli: Cli, filled: Path) -> None:
    code, _, err = cli("vault", "wipe", "--vault", str(filled))
    assert code == 1 and "--yes" in err
    with open_vault(filled) as vault:
        assert len(vault) == 3
    with open_vault(filled) as vault:
        vault.set_real_name("Dana Reyes")
    code, _, err = cli("vault", "wipe", "--yes", "--keep-settings", "--vault", str(filled))
    assert code == 0 and "3 mappings" in err
    with open_vault(filled) as vault:
        assert (len(vault), vault.real_name()) == (0, "Dana Reyes")
    code, _, err = cli("vault", "wipe", "--yes", "--vault", str(filled))
    assert code == 0 and "0 mappings and the private settings" in err
    with open_vault(filled) as vault:
        assert vault.real_name() is None


def test_set_name_from_argument_or_stdin_and_clear(cli: Cli, vault_path: Path) -> None:
    code, out, err = cli("vault", "set-name", "Zoë Ångström", "--vault", str(vault_path))
    assert code == 0 and "Zoë" not in out + err
    with open_vault(vault_path) as vault:
        assert vault.real_name() == "Zoë Ångström"
    cli("vault", "set-name", "-", "--vault", str(vault_path), stdin="Dana Reyes\n")
    with open_vault(vault_path) as vault:
        assert vault.real_name() == "Dana Reyes"
    cli("vault", "set-name", "--clear", "--vault", str(vault_path))
    with open_vault(vault_path) as vault:
        assert vault.real_name() is None


def test_passwd_rotates_then_switches_to_a_passphrase_and_changes_it(
    cli: Cli, filled: Path, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_entries = set(memory_keyring.secrets)
    code, _, err = cli("vault", "passwd", "--vault", str(filled))
    assert code == 0 and "new random key" in err
    assert set(memory_keyring.secrets) != old_entries and len(memory_keyring.secrets) == 1

    code, _, _ = cli(
        "vault", "passwd", "--use-passphrase", "--passphrase-stdin", "--vault", str(filled), stdin="first passphrase\n"
    )
    assert code == 0 and read_keyinfo(filled).current.method == "passphrase"  # type: ignore[union-attr]

    code, _, _ = cli(
        "vault", "passwd", "--passphrase-stdin", "--vault", str(filled), stdin="first passphrase\nsecond passphrase\n"
    )
    assert code == 0
    code, out, err = cli("vault", "list", "--passphrase-stdin", "--vault", str(filled), stdin="first passphrase\n")
    assert code == 1 and "does not open" in err
    monkeypatch.setenv("CLOAKROOM_PASSPHRASE", "second passphrase")
    code, out, _ = cli("vault", "list", "--vault", str(filled))
    assert code == 0 and "<Password_1>" in out


def test_a_passphrase_vault_from_stdin_when_the_keyring_is_insecure(cli: Cli, vault_path: Path) -> None:
    keyring.set_keyring(fail.Keyring())
    code, _, err = cli("vault", "set-name", "Dana Reyes", "--vault", str(vault_path))
    assert code == 1 and "not a secure one" in err and "--passphrase-stdin" in err
    assert not vault_path.exists()
    code, _, _ = cli(
        "vault", "set-name", "Dana Reyes", "--passphrase-stdin", "--vault", str(vault_path), stdin="pass phrase\n"
    )
    assert code == 0
    code, out, _ = cli("vault", "status", "--passphrase-stdin", "--vault", str(vault_path), stdin="pass phrase\n")
    assert code == 0 and "key: passphrase" in out and "fail.Keyring (not secure" in out


def test_missing_key_is_a_clean_error_and_changes_nothing(
    cli: Cli, filled: Path, memory_keyring: MemoryKeyring
) -> None:
    memory_keyring.secrets.clear()
    before = snapshot(filled)
    for command in (["list"], ["status"], ["wipe", "--yes"], ["set-name", "X Y"]):
        code, _, err = cli("vault", *command, "--vault", str(filled))
        assert code == 1 and "missing from the OS keyring" in err and err.count("\n") == 1
    assert snapshot(filled) == before


def test_move_aside_a_damaged_vault(cli: Cli, filled: Path) -> None:
    data = bytearray(filled.read_bytes())
    data[:16] = bytes(16)
    filled.write_bytes(bytes(data))
    code, _, err = cli("vault", "list", "--vault", str(filled))
    assert code == 1 and "damaged" in err and "move-aside" in err
    code, out, _ = cli("vault", "move-aside", "--yes", "--vault", str(filled))
    assert code == 0
    moved = Path(out.strip())
    assert moved.read_bytes() == bytes(data) and not filled.exists()


def test_cloakroom_mask_and_unmask_in_separate_processes(tmp_path: Path, vault_path: Path) -> None:
    """The real commands: the rules detector finds the e-mail and phone number; another process restores them."""
    keychain = tmp_path / "keychain.json"
    text = "Write to dana.reyes@example.org or call +1 415 555 0100 today."
    source = tmp_path / "in.txt"
    source.write_text(text, encoding="utf-8")

    def cloakroom(*argv: str, stdin: str | None = None) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "app", *argv, "--vault", str(vault_path)],
            input=stdin,
            capture_output=True,
            text=True,
            cwd=REPO_ROOT,
            env=keychain_environment(keychain),
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert "dana.reyes" not in done.stderr
        return done.stdout

    masked = cloakroom("mask", "--no-model", str(source))
    assert "dana.reyes@example.org" not in masked and "<Email_1>" in masked
    assert cloakroom("unmask", "-", stdin=masked.replace("<Email_1>", "Email_1")) == text
    assert cloakroom("mask", "--no-model", "-", stdin="again dana.reyes@example.org") == "again <Email_1>"
