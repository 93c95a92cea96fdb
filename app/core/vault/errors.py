"""The vault's errors. Each message says what failed and what to do, and never quotes a value from the vault."""

from __future__ import annotations

from app.core.errors import VaultError, VaultLockedError


class VaultKeyMissingError(VaultLockedError):
    """A vault exists but its key cannot be found (keyring entry or key-info file gone, or keyring unavailable).

    Kept apart from a wrong key because the remedy differs: the key must be restored, never replaced — a new key
    would orphan every mapping in the existing file.
    """


class VaultWrongKeyError(VaultLockedError):
    """The key or passphrase given does not open this vault."""


class VaultPassphraseRequired(VaultLockedError):
    """The vault needs a passphrase and none was given (the UI asks; automation sets one)."""


class VaultCorruptError(VaultError):
    """The key is right but the file is damaged or truncated. It is left as it is; moving it aside needs consent."""


class VaultBusyError(VaultError):
    """Another process held the vault longer than the busy timeout."""


class VaultVersionError(VaultError):
    """The vault was written by a newer Cloakroom whose schema this version does not know."""


__all__ = [
    "VaultBusyError",
    "VaultCorruptError",
    "VaultError",
    "VaultKeyMissingError",
    "VaultLockedError",
    "VaultPassphraseRequired",
    "VaultVersionError",
    "VaultWrongKeyError",
]
