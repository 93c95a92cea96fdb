"""Stand-ins for the OS keychain, which CI machines do not have. Real `keyring` backends, as thin as possible.

- `MemoryKeyring`: for tests in one process; install with ``keyring.set_keyring(MemoryKeyring())``.
- `FileKeychain`: for tests that start other processes, which cannot see this process's memory. A subprocess loads it
  with ``PYTHON_KEYRING_BACKEND=tests.helpers.keyring_backends.FileKeychain`` and finds its file through
  ``CLOAKROOM_TEST_KEYCHAIN``. It stores secrets in plain JSON, which is fine for throwaway test keys only — the app
  treats it as secure because its class is not on the app's list of insecure backends.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from app.core.vault.files import vault_lock

KEYCHAIN_FILE_ENV = "CLOAKROOM_TEST_KEYCHAIN"
FILE_KEYCHAIN_NAME = f"{__name__}.FileKeychain"


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]
    viable = False  # never chosen by keyring's own discovery; only installed on purpose

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.secrets.pop((service, username), None) is None:
            raise PasswordDeleteError("no such entry")


class FileKeychain(KeyringBackend):
    """A keychain shared between processes through one JSON file (locked while read or written)."""

    priority = 1  # type: ignore[assignment]
    viable = False  # never chosen by keyring's own discovery; loaded by name through PYTHON_KEYRING_BACKEND

    def __init__(self, path: Path | str | None = None) -> None:
        super().__init__()
        location = path or os.environ.get(KEYCHAIN_FILE_ENV)
        if not location:
            raise RuntimeError(f"FileKeychain needs a path or {KEYCHAIN_FILE_ENV}")
        self.path = Path(location)

    @contextmanager
    def _entries(self, write: bool) -> Iterator[dict[str, str]]:
        """The entries, under an exclusive lock (the vault's own portable file lock), rewritten atomically."""
        with vault_lock(self.path):
            raw = self.path.read_text(encoding="utf-8") if self.path.exists() else ""
            entries: dict[str, str] = json.loads(raw) if raw.strip() else {}
            yield entries
            if write:
                temporary = self.path.with_name(self.path.name + ".tmp")
                temporary.write_text(json.dumps(entries), encoding="utf-8")
                os.replace(temporary, self.path)

    @staticmethod
    def _name(service: str, username: str) -> str:
        return f"{service}\x1f{username}"

    def get_password(self, service: str, username: str) -> str | None:
        with self._entries(write=False) as entries:
            return entries.get(self._name(service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        with self._entries(write=True) as entries:
            entries[self._name(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        with self._entries(write=True) as entries:
            if entries.pop(self._name(service, username), None) is None:
                raise PasswordDeleteError("no such entry")
