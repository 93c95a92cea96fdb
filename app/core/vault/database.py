"""The encrypted vault: placeholder mappings and private settings in one SQLCipher file.

It keeps the promises of `MappingStore` across processes and restarts:

- ``assign`` runs in one ``BEGIN IMMEDIATE`` transaction, so two processes (the tray app and a ``cloakroom``
  command) never hand out one number twice or two placeholders for one value, and it commits — with
  ``synchronous = FULL`` — before it returns: a placeholder never reaches the clipboard while its original could
  still be lost.
- ``lookup`` is an indexed query by placeholder key, so unmasking costs what the answer holds, not what the vault
  holds.
- WAL mode and a busy timeout let readers and one writer work at once; each thread gets its own connection,
  because a SQLite connection must not be used by two threads at once (the Qt worker and the GUI thread both use
  one `Vault`).

Errors never quote a value: SQLite's messages name tables and columns, and ours name what failed and what to do.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlcipher3
from keyring.backend import KeyringBackend

from app.core.placeholders import normalize_value
from app.core.policy import AlwaysMaskEntry
from app.core.store import Mapping, PersistentStore, PlaceholderRequest, StoreReader, VaultStatus, plan_assignments
from app.core.taxonomy import Level, placeholder_type_name, type_key
from app.core.vault import keys
from app.core.vault.errors import (
    VaultBusyError,
    VaultCorruptError,
    VaultError,
    VaultLockedError,
)
from app.core.vault.keys import KeyInfo, KeyringKeySpec, KeySpec
from app.core.vault.migrations import schema_version

BUSY_TIMEOUT_SECONDS = 15.0
PAGE_SIZE = 4096  # SQLCipher 4's default; a healthy database file is always a whole number of pages
SECONDS_PER_DAY = 86_400
# `lookup` refreshes last_used at most this often per mapping, so unmasking rarely has to write at all.
TOUCH_INTERVAL_SECONDS = 3_600
TOUCH_BUSY_TIMEOUT_MS = 250
_QUERY_CHUNK = 500  # stays well under SQLite's limit on bound parameters

_MAPPING_COLUMNS = "id, placeholder, type, level, original, detector"

Clock = Callable[[], float]


@dataclass(frozen=True, slots=True)
class VaultEntry:
    """A mapping with its bookkeeping, for listing and retention."""

    mapping: Mapping
    scope: str
    first_used: int
    last_used: int


def connect(path: Path, key: bytes, *, create: bool) -> sqlcipher3.Connection:
    """A keyed, configured autocommit connection; fails (and closes) if the key does not read the file.

    ``mode=rw`` for an existing vault, so SQLite never creates a fresh file where one was expected.
    ``check_same_thread`` is off only so `Vault.close` can close every thread's connection; each connection is still
    used by the one thread that opened it.
    """
    mode = "rwc" if create else "rw"
    connection = sqlcipher3.connect(
        f"{path.resolve().as_uri()}?mode={mode}",
        uri=True,
        timeout=BUSY_TIMEOUT_SECONDS,
        isolation_level=None,
        check_same_thread=False,
    )
    try:
        connection.execute("PRAGMA cipher_log_level = NONE")
        connection.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        connection.execute("PRAGMA journal_mode = WAL").fetchone()
        connection.execute("PRAGMA synchronous = FULL")
        connection.execute("PRAGMA temp_store = MEMORY")  # no temporary files at all
        connection.execute("PRAGMA secure_delete = ON")
    except BaseException:
        connection.close()
        raise
    return connection


def error_name(error: BaseException) -> str:
    return str(getattr(error, "sqlite_errorname", "") or type(error).__name__)


# What an SQLite error about the file system means for the person, so the message says what to fix.
_FILE_SYSTEM_REASONS = {
    "SQLITE_READONLY": "the data folder or the vault file is read-only",
    "SQLITE_CANTOPEN": "the data folder is not writable, or the file cannot be opened",
    "SQLITE_PERM": "the data folder or the vault file is not writable",
    "SQLITE_FULL": "the disk is full",
    "SQLITE_IOERR": "the disk could not be written: it may be full, or a file-size limit was reached",
}


def failure_reason(error: BaseException) -> str:
    """SQLite's error name, with what it means when it is about the disk or the folder (never SQLite's text)."""
    name = error_name(error)
    reason = _FILE_SYSTEM_REASONS.get(name)
    return f"{name}: {reason}" if reason else name


def is_unreadable(error: BaseException) -> bool:
    """SQLCipher's answer to a wrong key and to a damaged file alike."""
    return error_name(error) in {"SQLITE_NOTADB", "SQLITE_CORRUPT"} or "not a database" in str(error)


def is_busy(error: BaseException) -> bool:
    return error_name(error) in {"SQLITE_BUSY", "SQLITE_LOCKED"} or "locked" in str(error)


def corrupt_error(path: Path) -> VaultCorruptError:
    return VaultCorruptError(
        f"The vault {path} is damaged and cannot be read, though its key is right. Nothing was changed. "
        "Restore it from a backup, or — if you agree to start a new vault — run `cloakroom vault move-aside`, "
        "which renames the damaged files (it deletes nothing)."
    )


class Vault(PersistentStore):
    """A `PersistentStore` in an SQLCipher file. Open one with `open_vault`; one object serves every thread."""

    def __init__(
        self,
        path: Path,
        key: bytes,
        keyinfo: KeyInfo,
        backend: KeyringBackend,
        *,
        scope: str = "",
        clock: Clock = time.time,
    ) -> None:
        self.path = path
        self.scope = scope
        self._key = key
        self._keyinfo = keyinfo
        self._backend = backend
        self._clock = clock
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlcipher3.Connection] = []
        self._generation = 0
        self._closed = False

    def with_scope(self, scope: str) -> Vault:
        """The same vault seen through another namespace (a separate object: close it separately)."""
        return Vault(self.path, self._key, self._keyinfo, self._backend, scope=scope, clock=self._clock)

    # --- connections --------------------------------------------------------------------------------------------

    def _connection(self) -> sqlcipher3.Connection:
        if self._closed:
            raise VaultError("The vault was closed; open it again.")
        connection = getattr(self._local, "connection", None)
        if connection is not None and self._local.generation == self._generation:
            return connection
        if connection is not None:  # the key changed since this thread connected
            self._forget_connection(connection)
        with self._guard("open the vault"):
            connection = connect(self.path, self._key, create=False)
        self._local.connection = connection
        self._local.generation = self._generation
        with self._lock:
            self._connections.append(connection)
        return connection

    def _forget_connection(self, connection: sqlcipher3.Connection) -> None:
        with self._lock:
            if connection in self._connections:
                self._connections.remove(connection)
        connection.close()

    def close(self) -> None:
        """Close every thread's connection. Call when no thread is using the vault any more."""
        with self._lock:
            connections, self._connections = self._connections, []
            self._closed = True
        for connection in connections:
            connection.close()

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def _guard(self, what: str) -> Iterator[None]:
        """Turn SQLite errors into vault errors that say what failed (SQLite's text is never shown)."""
        try:
            yield
        except sqlcipher3.Error as error:
            raise self._translate(error, what) from error

    def _translate(self, error: sqlcipher3.Error, what: str) -> VaultError:
        if is_busy(error):
            return VaultBusyError(f"The vault is busy (another Cloakroom process is using it); could not {what}.")
        if is_unreadable(error):
            if self._key_changed_elsewhere():
                return VaultLockedError("Another Cloakroom process changed the vault's key; open the vault again.")
            return corrupt_error(self.path)
        return VaultError(f"Could not {what} ({failure_reason(error)}).")

    def _key_changed_elsewhere(self) -> bool:
        try:
            info = keys.read_keyinfo(self.path)
        except VaultError:
            return False
        return info is not None and info.current.check != self._keyinfo.current.check

    @contextmanager
    def _transaction(self, what: str) -> Iterator[sqlcipher3.Connection]:
        """One write transaction, taken up front (``BEGIN IMMEDIATE``) so reads inside it cannot go stale."""
        connection = self._connection()
        with self._guard(what):
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    def _now(self) -> int:
        return int(self._clock())

    # --- MappingStore ---------------------------------------------------------------------------------------------

    def assign(
        self, requests: Sequence[PlaceholderRequest], reserved_keys: AbstractSet[str] = frozenset()
    ) -> list[Mapping]:
        if not requests:
            return []
        now = self._now()
        with self._transaction("save new placeholders") as connection:
            planned = plan_assignments(requests, reserved_keys, self._reader(connection))
            for mapping, is_new in planned:
                if is_new:
                    self._insert(connection, mapping, now)
                else:
                    self._mark_used(connection, mapping, now)
        return [mapping for mapping, _ in planned]

    def preview(
        self, requests: Sequence[PlaceholderRequest], reserved_keys: AbstractSet[str] = frozenset()
    ) -> list[Mapping]:
        if not requests:
            return []
        connection = self._connection()
        with self._guard("preview placeholders"):
            return [mapping for mapping, _ in plan_assignments(requests, reserved_keys, self._reader(connection))]

    def _reader(self, connection: sqlcipher3.Connection) -> StoreReader:
        return StoreReader(
            mapping_for_value=lambda value_key: self._mapping_for_value(connection, value_key),
            counter_for_type=lambda key_of_type: self._counter(connection, key_of_type),
            key_taken=lambda key: self._key_taken(connection, key),
        )

    def _mapping_for_value(self, connection: sqlcipher3.Connection, value_key: str) -> Mapping | None:
        row = connection.execute(
            f"SELECT {_MAPPING_COLUMNS} FROM mappings WHERE scope = ? AND value_key = ?", (self.scope, value_key)
        ).fetchone()
        return None if row is None else _mapping(row)

    def _counter(self, connection: sqlcipher3.Connection, key_of_type: str) -> int:
        row = connection.execute(
            "SELECT last_number FROM counters WHERE scope = ? AND type_key = ?", (self.scope, key_of_type)
        ).fetchone()
        return int(row[0]) if row else 0

    def _key_taken(self, connection: sqlcipher3.Connection, key: str) -> bool:
        row = connection.execute(
            "SELECT 1 FROM mappings WHERE scope = ? AND placeholder_key = ?", (self.scope, key)
        ).fetchone()
        return row is not None

    def _insert(self, connection: sqlcipher3.Connection, mapping: Mapping, now: int) -> None:
        key_of_type = type_key(placeholder_type_name(mapping.type))
        number = int(mapping.key.rpartition("_")[2])
        connection.execute(
            "INSERT INTO counters (scope, type_key, last_number) VALUES (?, ?, ?) ON CONFLICT (scope, type_key) "
            "DO UPDATE SET last_number = max(last_number, excluded.last_number)",
            (self.scope, key_of_type, number),
        )
        connection.execute(
            "INSERT INTO mappings (scope, placeholder, placeholder_key, type_key, number, type, level, original, "
            "value_key, detector, first_used, last_used) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                self.scope,
                mapping.placeholder,
                mapping.key,
                key_of_type,
                number,
                mapping.type,
                int(mapping.level),
                mapping.original,
                normalize_value(mapping.original),
                mapping.detector,
                now,
                now,
            ),
        )

    def _mark_used(self, connection: sqlcipher3.Connection, mapping: Mapping, now: int) -> None:
        connection.execute(
            "UPDATE mappings SET last_used = ? WHERE scope = ? AND value_key = ?",
            (now, self.scope, normalize_value(mapping.original)),
        )

    def lookup(self, keys: Iterable[str]) -> dict[str, Mapping]:
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return {}
        connection = self._connection()
        found: dict[str, Mapping] = {}
        stale: list[int] = []
        now = self._now()
        with self._guard("read placeholders"):
            for start in range(0, len(wanted), _QUERY_CHUNK):
                chunk = wanted[start : start + _QUERY_CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = connection.execute(
                    f"SELECT {_MAPPING_COLUMNS}, placeholder_key, last_used FROM mappings "
                    f"WHERE scope = ? AND placeholder_key IN ({marks})",
                    (self.scope, *chunk),
                ).fetchall()
                for row in rows:
                    found[row[6]] = _mapping(row)
                    if row[7] < now - TOUCH_INTERVAL_SECONDS:
                        stale.append(row[0])
        self._touch(connection, stale, now)
        return found

    def _touch(self, connection: sqlcipher3.Connection, ids: list[int], now: int) -> None:
        """Mark mappings as used, in one statement per chunk. Best effort with a short wait: a vault busy with
        another process's write must neither stop nor stall unmasking."""
        if not ids:
            return
        connection.execute(f"PRAGMA busy_timeout = {TOUCH_BUSY_TIMEOUT_MS}")
        try:
            for start in range(0, len(ids), _QUERY_CHUNK):
                chunk = ids[start : start + _QUERY_CHUNK]
                connection.execute(
                    f"UPDATE mappings SET last_used = ? WHERE id IN ({','.join('?' * len(chunk))})", (now, *chunk)
                )
        except sqlcipher3.OperationalError as error:
            if not is_busy(error):
                raise self._translate(error, "record when placeholders were used") from error
        finally:
            connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")

    def __iter__(self) -> Iterator[Mapping]:
        return iter([entry.mapping for entry in self.entries()])

    def __len__(self) -> int:
        connection = self._connection()
        with self._guard("count mappings"):
            return int(connection.execute("SELECT count(*) FROM mappings WHERE scope = ?", (self.scope,)).fetchone()[0])

    def entries(self) -> list[VaultEntry]:
        """Every mapping of this scope with its first and last use, by type then number."""
        connection = self._connection()
        with self._guard("list mappings"):
            rows = connection.execute(
                f"SELECT {_MAPPING_COLUMNS}, first_used, last_used FROM mappings WHERE scope = ? "
                "ORDER BY type_key, number",
                (self.scope,),
            ).fetchall()
        return [VaultEntry(_mapping(row), self.scope, row[6], row[7]) for row in rows]

    # --- forgetting -----------------------------------------------------------------------------------------------

    def forget_key(self, key: str) -> bool:
        """Forget one mapping by placeholder key; its number is never handed out again. True if one was removed."""
        with self._transaction("forget a placeholder") as connection:
            cursor = connection.execute(
                "DELETE FROM mappings WHERE scope = ? AND placeholder_key = ?", (self.scope, key)
            )
            return bool(cursor.rowcount > 0)

    def forget_value(self, value: str) -> bool:
        """Forget the mapping of one original value (compared after `normalize_value`)."""
        with self._transaction("forget a value") as connection:
            cursor = connection.execute(
                "DELETE FROM mappings WHERE scope = ? AND value_key = ?", (self.scope, normalize_value(value))
            )
            return bool(cursor.rowcount > 0)

    def expire_unused(self, days: int) -> int:
        """Remove mappings (in every scope) unused for more than ``days`` days; return how many. 0 days does nothing."""
        if days <= 0:
            return 0
        cutoff = self._now() - days * SECONDS_PER_DAY
        with self._transaction("expire unused mappings") as connection:
            removed = int(connection.execute("DELETE FROM mappings WHERE last_used < ?", (cutoff,)).rowcount)
        if removed:
            self._checkpoint()
        return removed

    def wipe(self, *, keep_private_settings: bool = False) -> int:
        """Remove every mapping (all scopes) and, unless kept, every private setting; return how many mappings went.

        The per-type counters stay, so a placeholder in an old answer can never be restored to a value masked later.
        """
        with self._transaction("wipe the vault") as connection:
            removed = int(connection.execute("DELETE FROM mappings").rowcount)
            if not keep_private_settings:
                connection.execute("DELETE FROM private_settings")
        self._checkpoint()
        return removed

    def _checkpoint(self) -> None:
        """Fold the WAL into the database and empty it, so removed rows do not linger there (encrypted or not)."""
        connection = self._connection()
        try:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        except sqlcipher3.OperationalError as error:
            if not is_busy(error):
                raise self._translate(error, "checkpoint the vault") from error

    # --- private settings -----------------------------------------------------------------------------------------

    def _get_setting(self, name: str) -> Any:
        connection = self._connection()
        with self._guard("read a private setting"):
            row = connection.execute("SELECT value FROM private_settings WHERE name = ?", (name,)).fetchone()
        return None if row is None else json.loads(row[0])

    def _set_setting(self, name: str, value: Any) -> None:
        with self._transaction("save a private setting") as connection:
            if value is None:
                connection.execute("DELETE FROM private_settings WHERE name = ?", (name,))
            else:
                connection.execute(
                    "INSERT INTO private_settings (name, value) VALUES (?, ?) "
                    "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                    (name, json.dumps(value, ensure_ascii=False)),
                )

    def real_name(self) -> str | None:
        """The person's own full name (the model needs it to tell the user's name from third parties')."""
        value = self._get_setting("real_name")
        return value if isinstance(value, str) and value else None

    def set_real_name(self, name: str | None) -> None:
        cleaned = " ".join((name or "").split())
        self._set_setting("real_name", cleaned or None)

    def allow_list(self) -> list[str]:
        """Values never masked (unless masked by hand)."""
        value = self._get_setting("allow_list")
        return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []

    def set_allow_list(self, values: Iterable[str]) -> None:
        cleaned = list(dict.fromkeys(value for value in values if value.strip()))
        self._set_setting("allow_list", cleaned or None)

    def always_mask(self) -> list[AlwaysMaskEntry]:
        """Strings always masked, each with the type its placeholder should name."""
        value = self._get_setting("always_mask")
        if not isinstance(value, list):
            return []
        entries = []
        for item in value:
            if isinstance(item, dict) and isinstance(item.get("text"), str) and item["text"].strip():
                kind = item.get("type")
                entries.append(AlwaysMaskEntry(item["text"], kind) if kind else AlwaysMaskEntry(item["text"]))
        return entries

    def set_always_mask(self, entries: Iterable[AlwaysMaskEntry | str | tuple[str, str | None]]) -> None:
        """Each entry a string, a ``(text, type)`` pair (type may be None) or an `AlwaysMaskEntry`."""
        stored = []
        for entry in entries:
            text, kind = _always_mask_parts(entry)
            if text.strip():
                stored.append({"text": text, "type": kind})
        self._set_setting("always_mask", stored or None)

    # --- information and keys -------------------------------------------------------------------------------------

    @property
    def key_method(self) -> str:
        return self._keyinfo.current.method

    def scopes(self) -> tuple[str, ...]:
        connection = self._connection()
        with self._guard("list scopes"):
            rows = connection.execute("SELECT DISTINCT scope FROM mappings ORDER BY scope").fetchall()
        return tuple(row[0] for row in rows)

    def status(self) -> VaultStatus:
        connection = self._connection()
        with self._guard("read the vault's status"):
            total = int(connection.execute("SELECT count(*) FROM mappings").fetchone()[0])
            version = schema_version(connection)
        return VaultStatus(
            path=self.path,
            key_method=self.key_method,
            schema_version=version,
            entries=total,
            scopes=self.scopes(),
            file_bytes=self.path.stat().st_size,
        )

    def rotate_key(self) -> None:
        """Re-encrypt the vault under a new random key kept in the OS keyring (also switches from a passphrase)."""
        new_key = keys.new_random_key()
        spec = keys.store_in_keyring(self._backend, new_key)
        self._rekey(spec, new_key)

    def change_passphrase(self, passphrase: str, scrypt: keys.ScryptParams | None = None) -> None:
        """Re-encrypt the vault under a key derived from a new passphrase (also switches from the keyring)."""
        if not passphrase:
            raise VaultError("The new passphrase is empty; nothing was changed.")
        spec, new_key = keys.passphrase_key(passphrase, scrypt or keys.ScryptParams())
        self._rekey(spec, new_key)

    def _rekey(self, new_spec: KeySpec, new_key: bytes) -> None:
        """``PRAGMA rekey`` between two key-info writes: the pending key is on disk before the file changes, so a
        crash at any point leaves a vault that `open_vault` can still unlock (and then finishes the change)."""
        from app.core.vault.files import vault_lock

        with vault_lock(self.path):
            old = self._keyinfo
            keys.write_keyinfo(self.path, KeyInfo(old.vault_id, old.current, pending=new_spec))
            self._close_connections_for_rekey()
            connection = self._connection()
            with self._guard("change the vault's key"):
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                connection.execute(f"PRAGMA rekey = \"x'{new_key.hex()}'\"")
            self._forget_connection(connection)
            self._keyinfo = KeyInfo(old.vault_id, new_spec)
            keys.write_keyinfo(self.path, self._keyinfo)
            self._key = new_key
            self._generation += 1
        if isinstance(old.current, KeyringKeySpec) and old.current != new_spec:
            keys.delete_from_keyring(self._backend, old.current)

    def _close_connections_for_rekey(self) -> None:
        """Other threads reconnect with the new key (generation bump); this thread's old connection closes now."""
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            self._forget_connection(connection)
            self._local.connection = None


def _mapping(row: Sequence[Any]) -> Mapping:
    return Mapping(placeholder=row[1], type=row[2], level=Level(row[3]), original=row[4], detector=row[5])


def _always_mask_parts(entry: AlwaysMaskEntry | str | tuple[str, str | None]) -> tuple[str, str | None]:
    if isinstance(entry, AlwaysMaskEntry):
        return entry.text, entry.type
    if isinstance(entry, str):
        return entry, None
    text, kind = entry
    return text, kind
