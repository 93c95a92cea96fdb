"""Where placeholder→original mappings live: the interfaces, and an in-memory store for one process.

Two promises every store keeps: the same value (after `normalize_value`) always gets the same placeholder, and
`assign` has committed every mapping it returns before it returns — a placeholder never reaches the clipboard while
its original could still be lost.

Two interfaces, abstract base classes so that a store lacking a method cannot even be created (a missing capability
is a type error, not a button that silently does nothing):

- `MappingStore`, what every store does: assign, preview and look up placeholders, and close.
- `PersistentStore`, a `MappingStore` kept in a file across runs (the encrypted vault, `app.core.vault`): it also
  keeps the person's private settings (their name, the allow list, the always-mask list) and can report its status,
  be wiped and change its key. An in-memory store cannot do these, so callers that need them check once with
  ``isinstance(store, PersistentStore)``.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence, Set
from dataclasses import dataclass
from pathlib import Path

from app.core.placeholders import format_placeholder, normalize_value, placeholder_key
from app.core.policy import AlwaysMaskEntry
from app.core.taxonomy import Level, placeholder_type_name, type_key


@dataclass(frozen=True, slots=True)
class PlaceholderRequest:
    """A value that needs a placeholder, with what the detectors said about it."""

    value: str
    type: str
    level: Level
    detector: str


@dataclass(frozen=True, slots=True)
class Mapping:
    placeholder: str
    type: str
    level: Level
    original: str
    detector: str

    @property
    def key(self) -> str:
        return placeholder_key_of(self.placeholder)


def placeholder_key_of(placeholder: str) -> str:
    """The lookup key of a placeholder string such as ``<Email_1>``."""
    body = placeholder.strip("<>")
    type_part, _, number = body.rpartition("_")
    return placeholder_key(type_part, int(number))


class MappingStore(ABC, Iterable[Mapping]):
    """Interface of every mapping store (see the module docstring for the promises)."""

    @abstractmethod
    def assign(self, requests: Sequence[PlaceholderRequest], reserved_keys: Set[str] = frozenset()) -> list[Mapping]:
        """One mapping per request, in order: existing ones for known values, new ones committed before returning.

        A new placeholder never takes a key in ``reserved_keys`` (placeholder-like tokens already in the input).
        """

    @abstractmethod
    def preview(self, requests: Sequence[PlaceholderRequest], reserved_keys: Set[str] = frozenset()) -> list[Mapping]:
        """What `assign` would return now, without writing anything (for the review window's masked preview)."""

    @abstractmethod
    def lookup(self, keys: Iterable[str]) -> dict[str, Mapping]:
        """The mappings for the given placeholder keys (see `placeholder_key`); unknown keys are absent."""

    @abstractmethod
    def __iter__(self) -> Iterator[Mapping]: ...

    @abstractmethod
    def __len__(self) -> int: ...

    @abstractmethod
    def close(self) -> None:
        """Free what the store holds (a file's connections); the app calls it once, when it quits."""


@dataclass(frozen=True, slots=True)
class VaultStatus:
    """What Settings → Vault and ``cloakroom vault status`` show about a persistent store."""

    path: Path
    key_method: str
    schema_version: int
    entries: int
    scopes: tuple[str, ...]
    file_bytes: int


class PersistentStore(MappingStore):
    """A store kept in a file across runs, which also keeps the person's private settings and its own key.

    These settings live here, not in the settings file, because they are themselves private.
    """

    @abstractmethod
    def real_name(self) -> str | None:
        """The person's own full name (the model needs it to tell the user's name from third parties')."""

    @abstractmethod
    def set_real_name(self, name: str | None) -> None: ...

    @abstractmethod
    def allow_list(self) -> list[str]:
        """Values never masked (unless masked by hand)."""

    @abstractmethod
    def set_allow_list(self, values: Iterable[str]) -> None: ...

    @abstractmethod
    def always_mask(self) -> list[AlwaysMaskEntry]:
        """Strings always masked, each with the type its placeholder should name."""

    @abstractmethod
    def set_always_mask(self, entries: Iterable[AlwaysMaskEntry | str | tuple[str, str | None]]) -> None:
        """Each entry a string, a ``(text, type)`` pair (type may be None) or an `AlwaysMaskEntry`."""

    @property
    @abstractmethod
    def key_method(self) -> str:
        """How the store's key is kept: ``"keyring"`` (the OS keyring) or ``"passphrase"``."""

    @abstractmethod
    def status(self) -> VaultStatus: ...

    @abstractmethod
    def wipe(self, *, keep_private_settings: bool = False) -> int:
        """Remove every mapping and, unless kept, every private setting; return how many mappings went."""

    @abstractmethod
    def change_passphrase(self, passphrase: str) -> None:
        """From now on the store opens with ``passphrase`` (also when its key was in the OS keyring until now)."""


def next_free_number(counter: int, key_of_type: str, reserved_keys: Set[str], taken: Callable[[str], bool]) -> int:
    """The first number above ``counter`` whose key is neither reserved by the input nor already taken."""
    number = counter + 1
    while placeholder_key(key_of_type, number) in reserved_keys or taken(placeholder_key(key_of_type, number)):
        number += 1
    return number


@dataclass(frozen=True)
class StoreReader:
    """Read access to a store's state, so `plan_assignments` can serve both `assign` and `preview`."""

    mapping_for_value: Callable[[str], Mapping | None]
    counter_for_type: Callable[[str], int]
    key_taken: Callable[[str], bool]


def plan_assignments(
    requests: Sequence[PlaceholderRequest], reserved_keys: Set[str], reader: StoreReader
) -> list[tuple[Mapping, bool]]:
    """The mapping each request gets, and whether it is new; new numbers also avoid each other within the batch."""
    planned: list[tuple[Mapping, bool]] = []
    new_by_value: dict[str, Mapping] = {}
    counters: dict[str, int] = {}
    for request in requests:
        value_key = normalize_value(request.value)
        existing = new_by_value.get(value_key) or reader.mapping_for_value(value_key)
        if existing is not None:
            planned.append((existing, False))
            continue
        key_of_type = type_key(placeholder_type_name(request.type))
        counter = counters.get(key_of_type, reader.counter_for_type(key_of_type))
        number = next_free_number(counter, key_of_type, reserved_keys, reader.key_taken)
        counters[key_of_type] = number
        mapping = Mapping(
            format_placeholder(request.type, number), request.type, request.level, request.value, request.detector
        )
        new_by_value[value_key] = mapping
        planned.append((mapping, True))
    return planned


class MemoryStore(MappingStore):
    """Mappings for one process only (tests, and the command line with ``--no-vault``)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_value: dict[str, Mapping] = {}
        self._by_key: dict[str, Mapping] = {}
        self._counters: dict[str, int] = {}
        self._reader = StoreReader(
            mapping_for_value=self._by_value.get,
            counter_for_type=lambda key_of_type: self._counters.get(key_of_type, 0),
            key_taken=self._by_key.__contains__,
        )

    def assign(self, requests: Sequence[PlaceholderRequest], reserved_keys: Set[str] = frozenset()) -> list[Mapping]:
        with self._lock:
            planned = plan_assignments(requests, reserved_keys, self._reader)
            for mapping, is_new in planned:
                if is_new:
                    self._record(mapping)
            return [mapping for mapping, _ in planned]

    def preview(self, requests: Sequence[PlaceholderRequest], reserved_keys: Set[str] = frozenset()) -> list[Mapping]:
        with self._lock:
            return [mapping for mapping, _ in plan_assignments(requests, reserved_keys, self._reader)]

    def _record(self, mapping: Mapping) -> None:
        self._by_value[normalize_value(mapping.original)] = mapping
        self._by_key[mapping.key] = mapping
        type_part = mapping.key.rpartition("_")[0]
        number = int(mapping.key.rpartition("_")[2])
        self._counters[type_part] = max(self._counters.get(type_part, 0), number)

    def lookup(self, keys: Iterable[str]) -> dict[str, Mapping]:
        with self._lock:
            return {key: self._by_key[key] for key in keys if key in self._by_key}

    def __iter__(self) -> Iterator[Mapping]:
        with self._lock:
            return iter(list(self._by_key.values()))

    def __len__(self) -> int:
        return len(self._by_key)

    def close(self) -> None:
        """Nothing to free: the mappings go with the process."""
