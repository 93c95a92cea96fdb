"""The vault's key: where it lives, how it is made, and the small non-secret file that says which.

A vault is keyed one of two ways:

- **keyring**: a random 256-bit key kept in the OS keyring (macOS Keychain, Windows Credential Locker, Secret
  Service, KWallet). Insecure backends — the fail and null backends and the plaintext file of ``keyrings.alt`` — are
  refused, because a key stored there is no protection at all.
- **passphrase**: a key derived from the person's passphrase with scrypt (explicit ``maxmem``), the salt kept beside
  the vault.

The key-info file (``vault.db.keyinfo``, JSON) records which, with the KDF parameters, the salt and a check value
(an HMAC of a constant under the key). It lets a later open know whether to ask for a passphrase, lets a missing
keyring entry be an error rather than a reason to make a new key, and tells a wrong key (check fails, the file is
never touched) from a damaged file (check passes, SQLCipher still cannot read it). The check value lets nobody guess
a passphrase faster than the database itself would: each guess still costs a full scrypt run.

While a key is being changed the file also names the *pending* key, so a crash between ``PRAGMA rekey`` and the
final write of this file never locks the person out.
"""

from __future__ import annotations

import contextlib
import enum
import hashlib
import hmac
import json
import os
import secrets
import sys
import tempfile
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import keyring
import keyring.errors
from keyring.backend import KeyringBackend
from keyring.backends.chainer import ChainerBackend

from app.core.vault.errors import VaultError, VaultKeyMissingError, VaultPassphraseRequired, VaultWrongKeyError

KEY_BYTES = 32
KEYRING_SERVICE = "Cloakroom vault"
PASSPHRASE_ENV = "CLOAKROOM_PASSPHRASE"
KEYINFO_SUFFIX = ".keyinfo"
KEYINFO_FORMAT = 1

# Backends that would keep the key in the clear, or not at all. Matched by class (and base class) name, so neither
# keyrings.alt nor a backend that is not installed needs importing to be recognised.
INSECURE_BACKENDS = frozenset(
    {
        "keyring.backends.fail.Keyring",
        "keyring.backends.null.Keyring",
        "keyrings.alt.file.PlaintextKeyring",
    }
)

_CHECK_LABEL = b"cloakroom vault key check v1"
# What a keyring backend raises when the keychain is locked, absent or refuses: its own errors, and the D-Bus and OS
# errors some backends let through.
_KEYRING_FAILURES = (keyring.errors.KeyringError, RuntimeError, OSError)


# --- keyring backends --------------------------------------------------------------------------------------------


def backend_name(backend: KeyringBackend) -> str:
    """The backend's class as ``module.Class`` — safe to show, it names no secret."""
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def _is_insecure_class(backend: KeyringBackend) -> bool:
    return any(f"{cls.__module__}.{cls.__qualname__}" in INSECURE_BACKENDS for cls in type(backend).__mro__)


def is_secure_backend(backend: KeyringBackend) -> bool:
    """Whether a key written to ``backend`` would be protected.

    A chainer writes to its first (highest-priority) backend, so that one decides: a chainer holding only insecure
    backends — or none — is insecure, and so is one whose first choice is the plaintext file.
    """
    if isinstance(backend, ChainerBackend):
        chained = list(backend.backends)
        return bool(chained) and is_secure_backend(chained[0])
    return not _is_insecure_class(backend)


def current_backend() -> KeyringBackend:
    return keyring.get_keyring()


# --- key derivation ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScryptParams:
    """scrypt cost. The default (N=2^17, r=8) takes about half a second and 128 MiB; tests pass cheaper ones."""

    n: int = 2**17
    r: int = 8
    p: int = 1

    @property
    def maxmem(self) -> int:
        """OpenSSL refuses more than 32 MiB unless told; scrypt needs 128·r·N bytes, so allow twice that."""
        return 2 * 128 * self.r * self.n + 1024 * 1024

    def derive(self, passphrase: str, salt: bytes) -> bytes:
        # NFC, so the same passphrase typed on two systems (composed or decomposed accents) gives the same key.
        secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
        return hashlib.scrypt(secret, salt=salt, n=self.n, r=self.r, p=self.p, maxmem=self.maxmem, dklen=KEY_BYTES)


def key_check(key: bytes) -> str:
    return hmac.new(key, _CHECK_LABEL, hashlib.sha256).hexdigest()


def checks_out(key: bytes, check: str) -> bool:
    return hmac.compare_digest(key_check(key), check)


# --- key specifications (what the key-info file says) ------------------------------------------------------------


@dataclass(frozen=True)
class KeyringKeySpec:
    service: str
    account: str
    check: str
    method: str = "keyring"


@dataclass(frozen=True)
class PassphraseKeySpec:
    salt: bytes
    scrypt: ScryptParams
    check: str
    method: str = "passphrase"


KeySpec = KeyringKeySpec | PassphraseKeySpec


@dataclass(frozen=True)
class KeyInfo:
    vault_id: str
    current: KeySpec
    pending: KeySpec | None = None


def keyinfo_path(vault_path: Path) -> Path:
    return vault_path.with_name(vault_path.name + KEYINFO_SUFFIX)


def _spec_to_json(spec: KeySpec) -> dict[str, Any]:
    if isinstance(spec, KeyringKeySpec):
        return {"method": "keyring", "service": spec.service, "account": spec.account, "check": spec.check}
    return {
        "method": "passphrase",
        "kdf": "scrypt",
        "n": spec.scrypt.n,
        "r": spec.scrypt.r,
        "p": spec.scrypt.p,
        "maxmem": spec.scrypt.maxmem,
        "salt": spec.salt.hex(),
        "check": spec.check,
    }


def _spec_from_json(data: Any) -> KeySpec:
    if not isinstance(data, dict):
        raise TypeError("key spec is not an object")
    if data.get("method") == "keyring":
        return KeyringKeySpec(service=str(data["service"]), account=str(data["account"]), check=str(data["check"]))
    if data.get("method") == "passphrase" and data.get("kdf") == "scrypt":
        params = ScryptParams(n=int(data["n"]), r=int(data["r"]), p=int(data["p"]))
        return PassphraseKeySpec(salt=bytes.fromhex(data["salt"]), scrypt=params, check=str(data["check"]))
    raise ValueError("unknown key method")


def read_keyinfo(vault_path: Path) -> KeyInfo | None:
    """The key-info of a vault, or None when there is no such file."""
    path = keyinfo_path(vault_path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != KEYINFO_FORMAT:
            raise ValueError("unknown format")
        pending = data.get("pending")
        return KeyInfo(
            vault_id=str(data["vault_id"]),
            current=_spec_from_json(data["current"]),
            pending=_spec_from_json(pending) if pending else None,
        )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise VaultKeyMissingError(
            f"The vault's key-info file {path} is damaged or unreadable, so the vault cannot be unlocked. "
            "Nothing was changed. Restore that file from a backup."
        ) from error


def write_keyinfo(vault_path: Path, info: KeyInfo) -> None:
    """Write atomically (temporary file, fsync, rename), readable by the owner only."""
    path = keyinfo_path(vault_path)
    payload = {
        "format": KEYINFO_FORMAT,
        "note": "Non-secret: how the Cloakroom vault beside this file is keyed. Keep it with the vault.",
        "vault_id": info.vault_id,
        "current": _spec_to_json(info.current),
        "pending": _spec_to_json(info.pending) if info.pending else None,
    }
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".keyinfo-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(payload, stream, indent=2)
            stream.write("\n")
            stream.flush()
            os.fsync(stream.fileno())
        _owner_only(Path(temporary))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)


def _owner_only(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.chmod(0o600)


def _fsync_folder(folder: Path) -> None:
    """Make a rename durable (POSIX); Windows has no folder handles to sync."""
    if sys.platform == "win32":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def new_vault_id() -> str:
    return uuid.uuid4().hex


# --- passphrases -------------------------------------------------------------------------------------------------


class PassphrasePurpose(enum.Enum):
    UNLOCK = "unlock"  # the vault exists: ask for its passphrase
    CREATE = "create"  # a new passphrase for a new vault: the UI should ask twice
    CHANGE = "change"  # a new passphrase for an existing vault: the UI should ask twice


PassphraseSource = Callable[[PassphrasePurpose], "str | None"]


def environment_passphrase(purpose: PassphrasePurpose) -> str | None:
    """``CLOAKROOM_PASSPHRASE`` unlocks (or creates) a vault for automation; it never serves as a *new* passphrase."""
    if purpose is PassphrasePurpose.CHANGE:
        return None
    value = os.environ.get(PASSPHRASE_ENV)
    return value or None


class StreamPassphrases:
    """Passphrases read one line at a time from a stream (``--passphrase-stdin``): current first, then a new one."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream

    def __call__(self, purpose: PassphrasePurpose) -> str | None:
        line = self._stream.readline()
        if not line:
            return None
        value = line.rstrip("\r\n")
        return value or None


def first_passphrase(sources: Iterable[PassphraseSource], purpose: PassphrasePurpose) -> str | None:
    for source in sources:
        value = source(purpose)
        if value:
            return value
    return None


# --- making and finding keys -------------------------------------------------------------------------------------


def new_random_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def passphrase_key(passphrase: str, params: ScryptParams) -> tuple[PassphraseKeySpec, bytes]:
    salt = secrets.token_bytes(16)
    key = params.derive(passphrase, salt)
    return PassphraseKeySpec(salt=salt, scrypt=params, check=key_check(key)), key


def store_in_keyring(backend: KeyringBackend, key: bytes) -> KeyringKeySpec:
    """Put a new key in the keyring under a fresh account name and read it back, so a silent failure is caught now."""
    if not is_secure_backend(backend):
        raise VaultPassphraseRequired(f"The OS keyring ({backend_name(backend)}) is not a secure one.")
    account = f"vault-{new_vault_id()}"
    try:
        backend.set_password(KEYRING_SERVICE, account, key.hex())
        stored = backend.get_password(KEYRING_SERVICE, account)
    except _KEYRING_FAILURES as error:
        raise VaultPassphraseRequired(
            f"The OS keyring ({backend_name(backend)}) refused to store the vault key ({type(error).__name__})."
        ) from error
    if stored != key.hex():
        raise VaultPassphraseRequired(f"The OS keyring ({backend_name(backend)}) did not keep the vault key.")
    return KeyringKeySpec(service=KEYRING_SERVICE, account=account, check=key_check(key))


def delete_from_keyring(backend: KeyringBackend, spec: KeyringKeySpec) -> None:
    """Remove a key that no vault uses any more; failing to is harmless (an unused random key), so it is ignored."""
    try:
        backend.delete_password(spec.service, spec.account)
    except (*_KEYRING_FAILURES, NotImplementedError):
        pass


def fetch_from_keyring(backend: KeyringBackend, spec: KeyringKeySpec, vault_path: Path) -> bytes:
    """The key of an existing vault from the keyring, or an error that says what to do — never a new key."""
    if not is_secure_backend(backend):
        raise VaultKeyMissingError(
            f"The key of the vault {vault_path} is kept in the OS keyring, but the keyring available now "
            f"({backend_name(backend)}) is not a secure one, so the key cannot be read. Nothing was changed. "
            "Run Cloakroom in your desktop session with its keyring unlocked."
        )
    try:
        stored = backend.get_password(spec.service, spec.account)
    except _KEYRING_FAILURES as error:
        raise VaultKeyMissingError(
            f"The OS keyring ({backend_name(backend)}) could not be read ({type(error).__name__}); unlock it and "
            "try again. Nothing was changed."
        ) from error
    if stored is None:
        raise VaultKeyMissingError(
            f"The key of the vault {vault_path} is missing from the OS keyring (service '{spec.service}', "
            f"account '{spec.account}'). Nothing was changed and no new key was made. Restore that keyring entry "
            "(for example from a keychain backup), or move the vault aside to start a new one."
        )
    try:
        key = bytes.fromhex(stored)
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES or not checks_out(key, spec.check):
        raise VaultWrongKeyError(
            f"The OS keyring holds a different key for the vault {vault_path} (service '{spec.service}', "
            f"account '{spec.account}'). Nothing was changed. Restore the original keyring entry."
        )
    return key


def keys_to_try(
    info: KeyInfo,
    vault_path: Path,
    backend: KeyringBackend,
    passphrases: Iterable[PassphraseSource],
) -> Iterator[tuple[KeySpec, bytes]]:
    """Keys that pass their check, current before pending, each obtained only when the one before did not serve.

    The pending key is tried only if the current one does not open the file (a key change was interrupted after the
    rekey). If no key passes its check, the error for the first one is raised — the vault file is never touched.
    """
    specs: list[KeySpec] = [info.current] + ([info.pending] if info.pending else [])
    passphrase: str | None = None
    asked = False
    first_error: VaultError | None = None
    yielded = False
    for spec in specs:
        if isinstance(spec, KeyringKeySpec):
            try:
                key = fetch_from_keyring(backend, spec, vault_path)
            except VaultError as error:
                first_error = first_error or error
                continue
        else:
            if not asked:
                passphrase, asked = first_passphrase(passphrases, PassphrasePurpose.UNLOCK), True
            if passphrase is None:
                first_error = first_error or VaultPassphraseRequired(
                    f"The vault {vault_path} is protected by a passphrase. Enter it when asked, or for automation "
                    f"set {PASSPHRASE_ENV} or pass --passphrase-stdin."
                )
                continue
            key = spec.scrypt.derive(passphrase, spec.salt)
            if not checks_out(key, spec.check):
                first_error = first_error or VaultWrongKeyError(
                    f"That passphrase does not open the vault {vault_path}. Nothing was changed; try again."
                )
                continue
        yielded = True
        yield spec, key
    if not yielded:
        assert first_error is not None
        raise first_error
