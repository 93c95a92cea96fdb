"""The encrypted vault: placeholder mappings and private settings in one SQLCipher file, keyed from the OS keyring
or a passphrase. Open it with `open_vault`; the result is a `MappingStore`."""

from __future__ import annotations

from app.core.store import VaultStatus
from app.core.vault.database import Vault, VaultEntry
from app.core.vault.errors import (
    VaultBusyError,
    VaultCorruptError,
    VaultError,
    VaultKeyMissingError,
    VaultLockedError,
    VaultPassphraseRequired,
    VaultVersionError,
    VaultWrongKeyError,
)
from app.core.vault.files import move_vault_aside, vault_files
from app.core.vault.keys import (
    PASSPHRASE_ENV,
    PassphrasePurpose,
    PassphraseSource,
    ScryptParams,
    StreamPassphrases,
    backend_name,
    is_secure_backend,
    read_keyinfo,
)
from app.core.vault.opening import open_vault

__all__ = [
    "PASSPHRASE_ENV",
    "PassphrasePurpose",
    "PassphraseSource",
    "ScryptParams",
    "StreamPassphrases",
    "Vault",
    "VaultBusyError",
    "VaultCorruptError",
    "VaultEntry",
    "VaultError",
    "VaultKeyMissingError",
    "VaultLockedError",
    "VaultPassphraseRequired",
    "VaultStatus",
    "VaultVersionError",
    "VaultWrongKeyError",
    "backend_name",
    "is_secure_backend",
    "move_vault_aside",
    "open_vault",
    "read_keyinfo",
    "vault_files",
]
