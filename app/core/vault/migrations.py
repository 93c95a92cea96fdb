"""The vault's schema, as a list of forward migrations; the applied version is ``PRAGMA user_version``.

A migration is never edited once released: a new version appends a new step. Every step runs in one ``BEGIN
IMMEDIATE`` transaction with the version bump, so a vault is always at exactly one version, and two processes opening
an old vault at once migrate it once.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlcipher3

from app.core.vault.errors import VaultVersionError

# Version 1. Notes on the choices:
# - scope '' is the vault-wide namespace; named scopes are optional and isolated from each other.
# - value_key is normalize_value(original): UNIQUE per scope, so one value never gets two placeholders.
# - placeholder_key is placeholder_key(type, number): UNIQUE per scope, the index unmasking searches by.
# - counters are never lowered (not by expiry, forget or wipe), so an old placeholder never names a new value.
# - times are whole seconds since the epoch (UTC).
_VERSION_1 = (
    """
    CREATE TABLE mappings (
        id INTEGER PRIMARY KEY,
        scope TEXT NOT NULL DEFAULT '',
        placeholder TEXT NOT NULL,
        placeholder_key TEXT NOT NULL,
        type_key TEXT NOT NULL,
        number INTEGER NOT NULL,
        type TEXT NOT NULL,
        level INTEGER NOT NULL,
        original TEXT NOT NULL,
        value_key TEXT NOT NULL,
        detector TEXT NOT NULL,
        first_used INTEGER NOT NULL,
        last_used INTEGER NOT NULL
    )
    """,
    "CREATE UNIQUE INDEX mappings_by_value ON mappings (scope, value_key)",
    "CREATE UNIQUE INDEX mappings_by_placeholder ON mappings (scope, placeholder_key)",
    "CREATE INDEX mappings_by_last_use ON mappings (last_used)",
    """
    CREATE TABLE counters (
        scope TEXT NOT NULL,
        type_key TEXT NOT NULL,
        last_number INTEGER NOT NULL,
        PRIMARY KEY (scope, type_key)
    ) WITHOUT ROWID
    """,
    "CREATE TABLE private_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    "CREATE TABLE vault_info (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
)

MIGRATIONS: tuple[Sequence[str], ...] = (_VERSION_1,)
LATEST_VERSION = len(MIGRATIONS)


def schema_version(connection: sqlcipher3.Connection) -> int:
    return int(connection.execute("PRAGMA user_version").fetchone()[0])


def migrate(connection: sqlcipher3.Connection) -> int:
    """Bring the schema up to `LATEST_VERSION`; return the version found before. Needs an autocommit connection."""
    found = schema_version(connection)
    if found > LATEST_VERSION:
        raise VaultVersionError(
            f"The vault was written by a newer Cloakroom (schema {found}; this version knows up to "
            f"{LATEST_VERSION}). Update Cloakroom; the vault was not changed."
        )
    while True:
        connection.execute("BEGIN IMMEDIATE")
        try:
            # Read again under the write lock: another process may have migrated meanwhile.
            version = schema_version(connection)
            if version >= LATEST_VERSION:
                connection.execute("COMMIT")
                return found
            for statement in MIGRATIONS[version]:
                connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {version + 1}")
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
