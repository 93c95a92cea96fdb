"""Where placeholder→original mappings live: the interface, and an in-memory store for one process.

The encrypted vault (`app.core.vault`) implements the same interface. Two promises every store keeps:
the same value (after `normalize_value`) always gets the same placeholder, and `assign` has committed every mapping it
returns before it returns — a placeholder never reaches the clipboard while its original could still be lost.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass

from app.core.placeholders import format_placeholder, normalize_value, placeholder_key
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


class MappingStore(Iterable[Mapping]):
    """Interface of a mapping store (see the module docstring for the promises)."""

    def assign(self, requests: Sequence[PlaceholderRequest], reserved_keys: Set[str] = frozenset()) -> list[Mapping]:
        """One mapping per request, in order: existing ones for known values, new ones committed before returning.

        A new placeholder never takes a key in ``reserved_keys`` (placeholder-like tokens already in the input).
        """
        raise NotImplementedError

    def lookup(self, keys: Iterable[str]) -> dict[str, Mapping]:
        """The mappings for the given placeholder keys (see `placeholder_key`); unknown keys are absent."""
        raise NotImplementedError

    def __iter__(self):  # type: ignore[override]
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError


def next_free_number(counter: int, key_of_type: str, reserved_keys: Set[str], taken: Set[str]) -> int:
    """The first number above ``counter`` whose key is neither reserved by the input nor already taken."""
    number = counter + 1
    while placeholder_key(key_of_type, number) in reserved_keys or placeholder_key(key_of_type, number) in taken:
        number += 1
    return number


class MemoryStore(MappingStore):
    """Mappings for one process only (tests, and the command line with ``--no-vault``)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_value: dict[str, Mapping] = {}
        self._by_key: dict[str, Mapping] = {}
        self._counters: dict[str, int] = {}

    def assign(self, requests: Sequence[PlaceholderRequest], reserved_keys: Set[str] = frozenset()) -> list[Mapping]:
        with self._lock:
            return [self._assign_one(request, reserved_keys) for request in requests]

    def _assign_one(self, request: PlaceholderRequest, reserved_keys: Set[str]) -> Mapping:
        value_key = normalize_value(request.value)
        existing = self._by_value.get(value_key)
        if existing is not None:
            return existing
        key_of_type = type_key(placeholder_type_name(request.type))
        number = next_free_number(self._counters.get(key_of_type, 0), key_of_type, reserved_keys, self._by_key.keys())
        self._counters[key_of_type] = number
        mapping = Mapping(
            placeholder=format_placeholder(request.type, number),
            type=request.type,
            level=request.level,
            original=request.value,
            detector=request.detector,
        )
        self._by_value[value_key] = mapping
        self._by_key[mapping.key] = mapping
        return mapping

    def lookup(self, keys: Iterable[str]) -> dict[str, Mapping]:
        with self._lock:
            return {key: self._by_key[key] for key in keys if key in self._by_key}

    def __iter__(self):  # type: ignore[override]
        with self._lock:
            return iter(list(self._by_key.values()))

    def __len__(self) -> int:
        return len(self._by_key)
