"""The files that make up a vault on disk, a lock for creating and re-keying it, and moving a damaged one aside.

Nothing here ever deletes or overwrites a vault file: a damaged vault may still hold mappings someone needs, so it
is only renamed, and only when the person agreed.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.core.errors import VaultError
from app.core.vault.keys import KEYINFO_SUFFIX

# SQLite's companions of a database file: the write-ahead log, its shared-memory index, a rollback journal.
COMPANION_SUFFIXES = ("-wal", "-shm", "-journal")
LOCK_SUFFIX = ".lock"


def vault_files(vault_path: Path) -> list[Path]:
    """The database, its SQLite companions and its key-info file (whether they exist or not)."""
    names = [vault_path.name] + [vault_path.name + suffix for suffix in (*COMPANION_SUFFIXES, KEYINFO_SUFFIX)]
    return [vault_path.with_name(name) for name in names]


@contextmanager
def vault_lock(vault_path: Path) -> Iterator[None]:
    """Hold an exclusive lock beside the vault, so two processes never create or re-key one vault at once.

    Only opening, creating and changing keys take it; ordinary reads and writes rely on SQLite's own locking.
    """
    lock_path = vault_path.with_name(vault_path.name + LOCK_SUFFIX)
    try:
        vault_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as error:
        raise VaultError(
            f"Could not open the vault's lock file {lock_path} ({error.strerror}). Check that the data folder "
            "exists and is writable; nothing was changed."
        ) from error
    try:
        _lock(descriptor)
        try:
            yield
        finally:
            _unlock(descriptor)
    finally:
        os.close(descriptor)


if sys.platform == "win32":
    import msvcrt

    def _lock(descriptor: int) -> None:
        while True:
            try:
                msvcrt.locking(descriptor, msvcrt.LK_LOCK, 1)
                return
            except OSError:  # LK_LOCK gives up after ten seconds; keep waiting like flock does
                continue

    def _unlock(descriptor: int) -> None:
        os.lseek(descriptor, 0, os.SEEK_SET)
        msvcrt.locking(descriptor, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(descriptor: int) -> None:
        fcntl.flock(descriptor, fcntl.LOCK_EX)

    def _unlock(descriptor: int) -> None:
        fcntl.flock(descriptor, fcntl.LOCK_UN)


def aside_name(vault_path: Path, reason: str, when: float | None = None) -> Path:
    """A new name for a vault set aside, e.g. ``vault.db.damaged-20261130-141500`` (a free one)."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(when))
    candidate = vault_path.with_name(f"{vault_path.name}.{reason}-{stamp}")
    serial = 1
    while any(path.exists() for path in vault_files(candidate)):
        serial += 1
        candidate = vault_path.with_name(f"{vault_path.name}.{reason}-{stamp}-{serial}")
    return candidate


def move_vault_aside(vault_path: Path, reason: str = "damaged") -> Path:
    """Rename the vault and its companions to a free name; return the new database path. Call only with consent.

    The companions keep their SQLite suffixes and the key-info file goes along, so the set stays openable as a whole
    (``open_vault(new_path)``) if the damage can be repaired later.
    """
    with vault_lock(vault_path):
        target = aside_name(vault_path, reason)
        for source, destination in zip(vault_files(vault_path), vault_files(target), strict=False):
            if source.exists():
                os.replace(source, destination)
        return target


def orphan_keyinfo_aside(vault_path: Path) -> Path | None:
    """Keep a key-info file whose database is gone under another name, instead of overwriting it.

    The database may only have been moved by hand; its key-info (the keyring account, the salt) is what could
    still unlock it.
    """
    source = vault_files(vault_path)[-1]
    if not source.exists():
        return None
    destination = aside_name(vault_path, "orphan")
    target = destination.with_name(destination.name + KEYINFO_SUFFIX)
    os.replace(source, target)
    return target
