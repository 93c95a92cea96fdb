"""Opening a vault: find its key (or make one for a new vault), check it, connect, migrate.

The rules that keep mappings from ever being lost:

- A vault that exists is never given a new key. If its key cannot be found — keyring entry gone, keyring insecure or
  locked, key-info file missing — the error says what to restore, and the file is not touched.
- A key is checked against the key-info file before SQLCipher sees it, so a wrong key or passphrase never reaches the
  database; a right key that still cannot read the file means the file is damaged (a different error and remedy).
- A damaged file is never deleted or rewritten; moving it aside (`move_vault_aside`) needs the person's consent.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import keyring
import sqlcipher3
from keyring.backend import KeyringBackend

from app.core.paths import app_paths
from app.core.vault import keys
from app.core.vault.database import PAGE_SIZE, Vault, connect, corrupt_error, failure_reason, is_unreadable
from app.core.vault.errors import VaultError, VaultKeyMissingError, VaultPassphraseRequired
from app.core.vault.files import orphan_keyinfo_aside, vault_lock
from app.core.vault.keys import KeyInfo, KeyringKeySpec, KeySpec, PassphrasePurpose, PassphraseSource, ScryptParams
from app.core.vault.migrations import migrate


def open_vault(
    path: Path | str | None = None,
    *,
    passphrase: PassphraseSource | None = None,
    use_environment: bool = True,
    keyring_backend: KeyringBackend | None = None,
    create: bool = True,
    scope: str = "",
    scrypt: ScryptParams | None = None,
    retention_days: int = 0,
    clock: Callable[[], float] = time.time,
) -> Vault:
    """Open the vault at ``path`` (default: the data folder's ``vault.db``), creating it if allowed and absent.

    ``passphrase`` is asked only when the vault is (or must be) passphrase-protected; before it,
    ``CLOAKROOM_PASSPHRASE`` is used unless ``use_environment`` is False. ``retention_days`` > 0 expires mappings
    unused that long.
    """
    vault_path = Path(path) if path is not None else app_paths().vault
    backend = keyring_backend or keyring.get_keyring()
    sources: list[PassphraseSource] = [keys.environment_passphrase] if use_environment else []
    if passphrase is not None:
        sources.append(passphrase)
    with vault_lock(vault_path):
        if vault_path.exists():
            keyinfo, key = _unlock_existing(vault_path, backend, sources)
        elif create:
            keyinfo, key = _create(vault_path, backend, sources, scrypt or ScryptParams())
        else:
            raise VaultError(f"There is no vault at {vault_path}.")
    vault = Vault(vault_path, key, keyinfo, backend, scope=scope, clock=clock)
    if retention_days > 0:
        vault.expire_unused(retention_days)
    return vault


def _unlock_existing(
    vault_path: Path, backend: KeyringBackend, sources: Sequence[PassphraseSource]
) -> tuple[KeyInfo, bytes]:
    info = keys.read_keyinfo(vault_path)
    if info is None:
        raise VaultKeyMissingError(
            f"The vault {vault_path} exists but its key-info file {keys.keyinfo_path(vault_path)} is missing, so it "
            "cannot be unlocked. Nothing was changed and no new key was made. Restore that file from a backup."
        )
    if vault_path.stat().st_size % PAGE_SIZE != 0:
        # A healthy database is whole pages; anything else was truncated or overwritten. The key is checked first,
        # so a wrong key is reported as such even for a damaged file.
        next(keys.keys_to_try(info, vault_path, backend, sources))
        raise corrupt_error(vault_path)
    for spec, key in keys.keys_to_try(info, vault_path, backend, sources):
        if _opens(vault_path, key):
            return _settle_key_change(vault_path, info, spec, backend), key
    raise corrupt_error(vault_path)


def _opens(vault_path: Path, key: bytes) -> bool:
    """Whether ``key`` reads the file; brings the schema up to date when it does."""
    try:
        connection = connect(vault_path, key, create=False)
    except sqlcipher3.Error as error:
        if is_unreadable(error):
            return False
        raise VaultError(f"Could not open the vault {vault_path} ({failure_reason(error)}).") from error
    try:
        migrate(connection)
    except sqlcipher3.Error as error:
        if is_unreadable(error):
            return False
        raise VaultError(f"Could not update the vault {vault_path} ({failure_reason(error)}).") from error
    finally:
        connection.close()
    return True


def _settle_key_change(vault_path: Path, info: KeyInfo, opened_with: KeySpec, backend: KeyringBackend) -> KeyInfo:
    """Finish a key change a crash interrupted: keep the key that opened the file, drop the other."""
    if info.pending is None:
        return info
    unused = info.current if opened_with == info.pending else info.pending
    settled = KeyInfo(info.vault_id, opened_with)
    keys.write_keyinfo(vault_path, settled)
    if isinstance(unused, KeyringKeySpec) and unused != opened_with:
        keys.delete_from_keyring(backend, unused)
    return settled


def _create(
    vault_path: Path, backend: KeyringBackend, sources: Sequence[PassphraseSource], scrypt: ScryptParams
) -> tuple[KeyInfo, bytes]:
    """A new vault: a random key in a secure keyring, else a passphrase-derived key. Key-info is written first."""
    vault_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    spec, key = _new_key(backend, sources, scrypt)
    orphan_keyinfo_aside(vault_path)
    info = KeyInfo(keys.new_vault_id(), spec)
    keys.write_keyinfo(vault_path, info)
    _create_owner_only(vault_path)
    try:
        connection = connect(vault_path, key, create=True)
    except sqlcipher3.Error as error:
        raise VaultError(f"Could not create the vault {vault_path} ({failure_reason(error)}).") from error
    try:
        migrate(connection)
        connection.execute(
            "INSERT OR IGNORE INTO vault_info (name, value) VALUES ('vault_id', ?), ('created', ?)",
            (info.vault_id, str(int(time.time()))),
        )
    finally:
        connection.close()
    return info, key


def _create_owner_only(vault_path: Path) -> None:
    """An empty database file readable by the owner only; SQLite gives its WAL and shared-memory files the same mode.

    ``O_EXCL``: if a file appeared meanwhile, it is not ours to touch.
    """
    try:
        os.close(os.open(vault_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError as error:
        raise VaultError(
            f"A file appeared at {vault_path} while the vault was being created; it was left alone."
        ) from error


def _new_key(
    backend: KeyringBackend, sources: Sequence[PassphraseSource], scrypt: ScryptParams
) -> tuple[KeySpec, bytes]:
    key = keys.new_random_key()
    try:
        return keys.store_in_keyring(backend, key), key
    except VaultPassphraseRequired as keyring_refused:
        passphrase = keys.first_passphrase(sources, PassphrasePurpose.CREATE)
        if passphrase is None:
            raise VaultPassphraseRequired(
                f"{keyring_refused} A new vault needs a passphrase instead: enter one when asked, or for automation "
                f"set {keys.PASSPHRASE_ENV} or pass --passphrase-stdin."
            ) from keyring_refused
        return keys.passphrase_key(passphrase, scrypt)
