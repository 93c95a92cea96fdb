"""Keys: the keyring when it is secure, a passphrase otherwise; every failure is a clear error that leaves the files
byte-identical and never makes a new key for an existing vault."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail, null
from keyring.backends.chainer import ChainerBackend

from app.core.store import PlaceholderRequest
from app.core.taxonomy import Level
from app.core.vault import (
    PassphrasePurpose,
    StreamPassphrases,
    VaultCorruptError,
    VaultError,
    VaultKeyMissingError,
    VaultLockedError,
    VaultPassphraseRequired,
    VaultWrongKeyError,
    is_secure_backend,
    move_vault_aside,
    open_vault,
    read_keyinfo,
)
from app.core.vault import keys as vault_keys
from app.core.vault.files import vault_files
from tests.helpers.keyring_backends import MemoryKeyring
from tests.helpers.vault import snapshot
from tests.helpers.vault_keys import FAST_SCRYPT

SECRET = "s3cret-value@example.org"


def fill(vault_path: Path, **options: object) -> None:
    with open_vault(vault_path, scrypt=FAST_SCRYPT, **options) as vault:  # type: ignore[arg-type]
        vault.assign([PlaceholderRequest(SECRET, "Email", Level.PL2, "rules")])


def holds_secret(vault_path: Path, **options: object) -> bool:
    with open_vault(vault_path, create=False, **options) as vault:  # type: ignore[arg-type]
        return vault.lookup(["email_1"])["email_1"].original == SECRET


def passphrase(value: str):
    return lambda purpose: value


# --- which backends count as secure ------------------------------------------------------------------------------


class PlaintextKeyring(MemoryKeyring):
    """Stands for keyrings.alt's plaintext file backend (not installed here): matched by its full class name."""


PlaintextKeyring.__module__ = "keyrings.alt.file"


def chainer_of(*backends: object) -> ChainerBackend:
    chained = type("TestChainer", (ChainerBackend,), {"backends": list(backends)})
    return chained()


@pytest.mark.parametrize(
    ("backend", "secure"),
    [
        (MemoryKeyring(), True),
        (fail.Keyring(), False),
        (null.Keyring(), False),
        (PlaintextKeyring(), False),
        (chainer_of(), False),
        (chainer_of(fail.Keyring(), PlaintextKeyring()), False),
        (chainer_of(PlaintextKeyring(), MemoryKeyring()), False),  # writes would go to the plaintext file
        (chainer_of(MemoryKeyring(), PlaintextKeyring()), True),
    ],
)
def test_insecure_backends_are_recognised(backend: object, secure: bool) -> None:
    assert is_secure_backend(backend) is secure  # type: ignore[arg-type]


# --- creating ---------------------------------------------------------------------------------------------------


def test_a_new_vault_keeps_a_random_key_in_the_keyring(vault_path: Path, memory_keyring: MemoryKeyring) -> None:
    fill(vault_path)
    info = read_keyinfo(vault_path)
    assert info is not None and info.current.method == "keyring"
    assert len(memory_keyring.secrets) == 1
    stored = next(iter(memory_keyring.secrets.values()))
    assert len(bytes.fromhex(stored)) == 32
    assert stored not in vault_files(vault_path)[-1].read_text()  # the key-info file holds no key
    assert holds_secret(vault_path)


@pytest.mark.parametrize("insecure", [fail.Keyring(), null.Keyring(), PlaintextKeyring()])
def test_insecure_keyring_and_no_passphrase_creates_nothing(vault_path: Path, insecure: object) -> None:
    keyring.set_keyring(insecure)
    with pytest.raises(VaultPassphraseRequired, match=r"not a secure one.*passphrase"):
        open_vault(vault_path)
    assert not vault_path.exists()
    if isinstance(insecure, MemoryKeyring):
        assert insecure.secrets == {}


def test_insecure_keyring_falls_back_to_a_passphrase(vault_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    keyring.set_keyring(fail.Keyring())
    fill(vault_path, passphrase=passphrase("correct horse"))
    assert read_keyinfo(vault_path).current.method == "passphrase"  # type: ignore[union-attr]
    monkeypatch.setenv("CLOAKROOM_PASSPHRASE", "correct horse")
    assert holds_secret(vault_path)


def test_passphrase_from_a_stream_one_line_per_request() -> None:
    source = StreamPassphrases(io.StringIO("first\nsecond\r\n"))
    assert source(PassphrasePurpose.UNLOCK) == "first"
    assert source(PassphrasePurpose.CHANGE) == "second"
    assert source(PassphrasePurpose.UNLOCK) is None


def test_scrypt_params_and_salt_are_recorded(vault_path: Path) -> None:
    keyring.set_keyring(null.Keyring())
    fill(vault_path, passphrase=passphrase("pw"))
    recorded = json.loads(vault_files(vault_path)[-1].read_text())["current"]
    assert (recorded["kdf"], recorded["n"], recorded["r"], recorded["p"]) == ("scrypt", FAST_SCRYPT.n, 8, 1)
    assert recorded["maxmem"] >= 128 * FAST_SCRYPT.r * FAST_SCRYPT.n
    assert len(bytes.fromhex(recorded["salt"])) == 16


# --- failures leave the files alone -------------------------------------------------------------------------------


def test_wrong_passphrase(vault_path: Path) -> None:
    keyring.set_keyring(fail.Keyring())
    fill(vault_path, passphrase=passphrase("right one"))
    before = snapshot(vault_path)
    with pytest.raises(VaultWrongKeyError, match="does not open"):
        open_vault(vault_path, passphrase=passphrase("wrong one"))
    assert snapshot(vault_path) == before


def test_missing_passphrase_for_existing_vault(vault_path: Path) -> None:
    keyring.set_keyring(fail.Keyring())
    fill(vault_path, passphrase=passphrase("right one"))
    before = snapshot(vault_path)
    with pytest.raises(VaultPassphraseRequired, match="CLOAKROOM_PASSPHRASE"):
        open_vault(vault_path)
    assert snapshot(vault_path) == before


def test_wrong_key_in_the_keyring(vault_path: Path, memory_keyring: MemoryKeyring) -> None:
    fill(vault_path)
    entry = next(iter(memory_keyring.secrets))
    memory_keyring.secrets[entry] = "00" * 32
    before = snapshot(vault_path)
    with pytest.raises(VaultWrongKeyError, match="different key"):
        open_vault(vault_path)
    assert snapshot(vault_path) == before


def test_missing_keyring_entry_never_makes_a_new_key(vault_path: Path, memory_keyring: MemoryKeyring) -> None:
    fill(vault_path)
    memory_keyring.secrets.clear()
    before = snapshot(vault_path)
    with pytest.raises(VaultKeyMissingError, match=r"missing from the OS keyring.*no new key"):
        open_vault(vault_path)
    assert snapshot(vault_path) == before
    assert memory_keyring.secrets == {}


def test_missing_keyinfo_never_makes_a_new_key(vault_path: Path, memory_keyring: MemoryKeyring) -> None:
    fill(vault_path)
    vault_files(vault_path)[-1].unlink()
    before = snapshot(vault_path)
    with pytest.raises(VaultKeyMissingError, match=r"key-info file .* is missing"):
        open_vault(vault_path)
    assert snapshot(vault_path) == before
    assert len(memory_keyring.secrets) == 1


def test_insecure_backend_for_a_keyring_vault(vault_path: Path) -> None:
    fill(vault_path)
    before = snapshot(vault_path)
    keyring.set_keyring(fail.Keyring())
    with pytest.raises(VaultKeyMissingError, match="not a secure one"):
        open_vault(vault_path, passphrase=passphrase("anything"))
    assert snapshot(vault_path) == before


def _overwrite(offset: int, length: int):
    def damage(path: Path) -> None:
        data = bytearray(path.read_bytes())
        data[offset : offset + length] = bytes(length)
        path.write_bytes(bytes(data))

    return damage


def _truncate(size: int):
    def damage(path: Path) -> None:
        path.write_bytes(path.read_bytes()[:size])

    return damage


@pytest.mark.parametrize(
    "damage",
    [_overwrite(0, 16), _overwrite(200, 64), _truncate(5000), _truncate(100)],
    ids=["header salt", "first page", "truncated mid-page", "truncated to a stub"],
)
def test_damaged_file_is_reported_and_left_alone(vault_path: Path, damage) -> None:
    fill(vault_path)
    damage(vault_path)
    before = snapshot(vault_path)
    with pytest.raises(VaultCorruptError, match=r"damaged.*Nothing was changed.*move-aside"):
        open_vault(vault_path)
    assert snapshot(vault_path) == before


def test_truncated_to_whole_pages_fails_on_use_with_the_same_error(vault_path: Path) -> None:
    with open_vault(vault_path) as vault:
        vault.assign([PlaceholderRequest(f"u{index}@b.io", "Email", Level.PL2, "rules") for index in range(2000)])
    _truncate(3 * 4096)(vault_path)
    before = snapshot(vault_path)
    with pytest.raises(VaultCorruptError), open_vault(vault_path) as vault:
        vault.lookup([f"email_{number}" for number in range(1, 2001)])
    assert snapshot(vault_path) == before


def test_moving_aside_keeps_every_file_and_a_new_vault_starts(vault_path: Path) -> None:
    fill(vault_path)
    _overwrite(0, 16)(vault_path)
    damaged = snapshot(vault_path)
    aside = move_vault_aside(vault_path)
    assert not vault_path.exists()
    moved = {
        path.name.replace(aside.name, vault_path.name): path.read_bytes()
        for path in vault_files(aside)
        if path.exists()
    }
    assert moved == damaged
    with open_vault(vault_path) as fresh:
        assert len(fresh) == 0


def test_a_keyinfo_without_its_database_is_kept_aside(vault_path: Path) -> None:
    fill(vault_path)
    old_keyinfo = vault_files(vault_path)[-1].read_bytes()
    vault_path.rename(vault_path.with_name("moved-by-hand.db"))
    with open_vault(vault_path):
        pass
    kept = list(vault_path.parent.glob("vault.db.orphan-*.keyinfo"))
    assert [path.read_bytes() for path in kept] == [old_keyinfo]


# --- changing keys ------------------------------------------------------------------------------------------------


def test_rotate_key_replaces_the_keyring_entry(vault_path: Path, memory_keyring: MemoryKeyring) -> None:
    fill(vault_path)
    old_entries = dict(memory_keyring.secrets)
    with open_vault(vault_path) as vault:
        vault.rotate_key()
        assert vault.lookup(["email_1"])["email_1"].original == SECRET  # the same object keeps working
    assert len(memory_keyring.secrets) == 1 and memory_keyring.secrets.keys() != old_entries.keys()
    assert holds_secret(vault_path)


def test_change_passphrase_and_switch_methods(vault_path: Path, memory_keyring: MemoryKeyring) -> None:
    fill(vault_path)
    with open_vault(vault_path) as vault:
        vault.change_passphrase("new passphrase", FAST_SCRYPT)
    assert memory_keyring.secrets == {}  # the old keyring key is gone with its use
    with pytest.raises(VaultWrongKeyError):
        open_vault(vault_path, passphrase=passphrase("old"))
    with open_vault(vault_path, passphrase=passphrase("new passphrase")) as vault:
        vault.change_passphrase("newer", FAST_SCRYPT)
    assert holds_secret(vault_path, passphrase=passphrase("newer"))
    with open_vault(vault_path, passphrase=passphrase("newer")) as vault:
        vault.rotate_key()
    assert read_keyinfo(vault_path).current.method == "keyring"  # type: ignore[union-attr]
    assert holds_secret(vault_path)


def test_a_crash_after_rekey_still_opens(vault_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The process dies after PRAGMA rekey, before the key-info file names the new key as current."""
    fill(vault_path)
    real_write = vault_keys.write_keyinfo
    writes: list[object] = []

    def crash_on_second_write(path: Path, info: vault_keys.KeyInfo) -> None:
        writes.append(info)
        if len(writes) == 2:
            raise KeyboardInterrupt("simulated crash")
        real_write(path, info)

    monkeypatch.setattr(vault_keys, "write_keyinfo", crash_on_second_write)
    with pytest.raises(KeyboardInterrupt), open_vault(vault_path) as vault:
        vault.change_passphrase("after crash", FAST_SCRYPT)
    monkeypatch.setattr(vault_keys, "write_keyinfo", real_write)
    assert read_keyinfo(vault_path).pending is not None  # type: ignore[union-attr]
    assert holds_secret(vault_path, passphrase=passphrase("after crash"))
    info = read_keyinfo(vault_path)
    assert info is not None and info.pending is None and info.current.method == "passphrase"


def test_a_crash_before_rekey_keeps_the_old_key(
    vault_path: Path, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(vault_path)
    real_write = vault_keys.write_keyinfo
    monkeypatch.setattr(vault_keys, "write_keyinfo", _crash_after(real_write, writes_allowed=1))
    with pytest.raises(KeyboardInterrupt), open_vault(vault_path) as vault:
        vault.rotate_key()
    monkeypatch.setattr(vault_keys, "write_keyinfo", real_write)
    assert len(memory_keyring.secrets) == 2
    assert holds_secret(vault_path)
    assert read_keyinfo(vault_path).pending is None  # type: ignore[union-attr]
    assert len(memory_keyring.secrets) == 1  # the pending key that was never used is removed


def _crash_after(write, writes_allowed: int):
    """Let ``writes_allowed`` key-info writes through, then crash just before the rekey would start."""
    count = [0]

    def wrapped(path: Path, info: vault_keys.KeyInfo) -> None:
        write(path, info)
        count[0] += 1
        if count[0] == writes_allowed:
            raise KeyboardInterrupt("simulated crash")

    return wrapped


def test_opening_a_missing_vault_without_create(vault_path: Path) -> None:
    with pytest.raises(VaultError, match="no vault"):
        open_vault(vault_path, create=False)
    assert not vault_path.exists()


def test_a_vault_rekeyed_by_another_opener_says_to_reopen(vault_path: Path) -> None:
    """The tray app holds the vault while `cloakroom vault passwd` changes its key in another process."""
    fill(vault_path)
    with open_vault(vault_path) as running, open_vault(vault_path) as other:
        assert len(running) == 1
        other.rotate_key()
        with pytest.raises(VaultLockedError, match="changed the vault's key; open the vault again"):
            running.lookup(["email_1"])
    assert holds_secret(vault_path)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_vault_files_are_readable_by_the_owner_only(vault_path: Path) -> None:
    with open_vault(vault_path) as vault:
        vault.assign([PlaceholderRequest(SECRET, "Email", Level.PL2, "rules")])
        modes = {path.name: path.stat().st_mode & 0o777 for path in vault_files(vault_path) if path.exists()}
    assert set(modes) >= {"vault.db", "vault.db-wal", "vault.db.keyinfo"}
    assert set(modes.values()) == {0o600}
