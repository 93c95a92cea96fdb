"""The vault keeps the `MappingStore` promises, exactly as `MemoryStore` does, and keeps them across reopening."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.findings import finding_at
from app.core.masking import mask_text, unmask_text
from app.core.store import Mapping, MemoryStore, PlaceholderRequest
from app.core.taxonomy import Level
from app.core.vault import Vault, open_vault
from tests.helpers.keyring_backends import MemoryKeyring


def request(value: str, type_name: str = "Email", level: Level = Level.PL2) -> PlaceholderRequest:
    return PlaceholderRequest(value, type_name, level, "rules")


def test_same_value_same_placeholder_and_per_type_counters(vault: Vault) -> None:
    first = vault.assign([request("a@b.io"), request("Dana Reyes", "Real Name"), request("c@d.io")])
    again = vault.assign([request("  a@b.io "), request("e@f.io")])
    assert [mapping.placeholder for mapping in first] == ["<Email_1>", "<Real_Name_1>", "<Email_2>"]
    assert [mapping.placeholder for mapping in again] == ["<Email_1>", "<Email_3>"]
    assert again[0].original == "a@b.io"  # the stored original, not the new spelling


def test_new_numbers_skip_reserved_keys(vault: Vault) -> None:
    mappings = vault.assign([request("a@b.io"), request("c@d.io")], reserved_keys={"email_1", "email_3"})
    assert [mapping.placeholder for mapping in mappings] == ["<Email_2>", "<Email_4>"]


def test_lookup_by_key_returns_only_known_keys(vault: Vault) -> None:
    vault.assign([request("a@b.io"), request("hunter2", "Password", Level.PL4)])
    found = vault.lookup(["email_1", "password_1", "email_9", "nothing_1"])
    assert {key: mapping.original for key, mapping in found.items()} == {"email_1": "a@b.io", "password_1": "hunter2"}
    assert found["password_1"].level is Level.PL4
    assert vault.lookup([]) == {}


def test_lookup_of_many_keys_crosses_the_query_chunk_size(vault: Vault) -> None:
    vault.assign([request(f"user{number}@example.org") for number in range(1, 1201)])
    keys = [f"email_{number}" for number in range(1, 1301)]
    found = vault.lookup(keys)
    assert len(found) == 1200
    assert found["email_1200"].original == "user1200@example.org"


def test_preview_writes_nothing(vault: Vault) -> None:
    vault.assign([request("a@b.io")])
    preview = vault.preview([request("a@b.io"), request("new@b.io")])
    assert [mapping.placeholder for mapping in preview] == ["<Email_1>", "<Email_2>"]
    assert len(vault) == 1
    assert vault.assign([request("other@b.io")])[0].placeholder == "<Email_2>"


def test_mappings_survive_reopening(vault_path: Path) -> None:
    with open_vault(vault_path) as vault:
        vault.assign([request("a@b.io"), request("Dana Reyes", "Real Name", Level.PL2)])
    with open_vault(vault_path) as vault:
        assert [(mapping.placeholder, mapping.original) for mapping in vault] == [
            ("<Email_1>", "a@b.io"),
            ("<Real_Name_1>", "Dana Reyes"),
        ]
        assert vault.assign([request("c@d.io")])[0].placeholder == "<Email_2>"


def test_mask_and_unmask_through_the_vault(vault: Vault) -> None:
    text = "Mail Zoë at zoe@example.org or call +1 555 0100; Zoë says hi."
    findings = [
        finding_at(text, 5, 8, "Real Name", Level.PL2, "model"),
        finding_at(text, 12, 27, "Email", Level.PL2, "rules"),
    ]
    masked = mask_text(text, findings, vault)
    assert masked.text == "Mail <Real_Name_1> at <Email_1> or call +1 555 0100; <Real_Name_1> says hi."
    assert unmask_text(masked.text.replace("<Email_1>", "[email 1]"), vault).text == text


def test_scopes_are_separate_namespaces(vault_path: Path) -> None:
    with open_vault(vault_path) as shared, open_vault(vault_path, scope="work") as work:
        shared.assign([request("a@b.io")])
        assert work.assign([request("c@d.io")])[0].placeholder == "<Email_1>"
        assert work.lookup(["email_1"])["email_1"].original == "c@d.io"
        assert shared.lookup(["email_1"])["email_1"].original == "a@b.io"
        assert shared.scopes() == ("", "work")


def test_threads_share_one_vault_object(vault: Vault) -> None:
    """The Qt worker and the GUI thread both use one Vault: each thread gets its own connection."""
    errors: list[BaseException] = []
    results: dict[int, list[str]] = {}

    def work(thread_number: int) -> None:
        try:
            mappings = vault.assign([request(f"shared{number}@b.io") for number in range(20)])
            results[thread_number] = [mapping.placeholder for mapping in mappings]
            assert len(vault.lookup([f"email_{number}" for number in range(1, 21)])) == 20
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(number,)) for number in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len({tuple(placeholders) for placeholders in results.values()}) == 1
    assert len(vault) == 20


# --- the vault behaves exactly like MemoryStore -------------------------------------------------------------------

VALUES = st.sampled_from(["a@b.io", " a@b.io", "A@B.IO", "x@y.io", "Dana", "Dana  Reyes", "Dana Reyes", "7781"])
TYPES = st.sampled_from(["Email", "Real Name", "Password", "Third-Party Identifiable Info"])
REQUESTS = st.builds(request, VALUES, TYPES, st.sampled_from(list(Level)))
RESERVED = st.sets(
    st.sampled_from(["email_1", "email_2", "real_name_1", "password_3", "third_party_identifiable_info_1"])
)


@pytest.fixture(scope="module")
def shared_vault(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Vault]:
    """One vault for all examples; each example works in its own scope, which is a fresh namespace."""
    import keyring

    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    with open_vault(tmp_path_factory.mktemp("hypothesis") / "vault.db") as vault:
        yield vault
    keyring.set_keyring(previous)


def by_type_then_number(mapping: Mapping) -> tuple[str, int]:
    type_part, _, number = mapping.key.rpartition("_")
    return type_part, int(number)


@settings(max_examples=40)
@given(batches=st.lists(st.tuples(st.lists(REQUESTS, max_size=5), RESERVED), min_size=1, max_size=4))
def test_vault_matches_memory_store(
    shared_vault: Vault, batches: list[tuple[list[PlaceholderRequest], set[str]]]
) -> None:
    reference = MemoryStore()
    with shared_vault.with_scope(uuid.uuid4().hex) as scoped:
        for requests, reserved in batches:
            assert scoped.preview(requests, reserved) == reference.preview(requests, reserved)
            assert scoped.assign(requests, reserved) == reference.assign(requests, reserved)
        keys = [mapping.key for mapping in reference]
        assert scoped.lookup(keys) == reference.lookup(keys)
        assert list(scoped) == sorted(reference, key=by_type_then_number)
