from __future__ import annotations

import pytest

from app.core.taxonomy import (
    Level,
    canonical_type,
    level_for_type,
    placeholder_type_name,
    resolve_level,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("PL3", Level.PL3),
        ("pl4", Level.PL4),
        (" 2 ", Level.PL2),
        (1, Level.PL1),
        ("PL5", None),
        ("high", None),
        (True, None),
        (None, None),
        (7, None),
    ],
)
def test_level_parse(raw: object, expected: Level | None) -> None:
    assert Level.parse(raw) == expected


@pytest.mark.parametrize(
    ("type_name", "placeholder_name"),
    [
        ("Third-Party Identifiable Info", "Third_Party_Identifiable_Info"),
        ("Account ID/Username", "Account_ID_Username"),
        ("Driver's License Number", "Driver_s_License_Number"),
        ("Security Question (Answer)", "Security_Question_Answer"),
        ("Crème Brûlée Recipe", "Creme_Brulee_Recipe"),
        ("身份证", "Private_Info"),
        ("2FA Seed", "Type_2FA_Seed"),
    ],
)
def test_placeholder_type_name_is_restorable(type_name: str, placeholder_name: str) -> None:
    assert placeholder_type_name(type_name) == placeholder_name


def test_known_types_are_canonicalised_and_unknown_types_kept() -> None:
    assert canonical_type("email address") == "Email"
    assert canonical_type("ACCOUNT-ID username") == "Account ID/Username"
    assert canonical_type("  Pet   Name \n") == "Pet Name"
    assert canonical_type("<b>\x00</b>") == "b /b"  # no markup survives as-is in letters-only form
    assert canonical_type("1234") == "Private Info"


def test_ip_levels_differ_by_scope() -> None:
    assert level_for_type("IP Address") is Level.PL2
    assert level_for_type("Internal IP") is Level.PL4


def test_resolve_level_fills_missing_or_invalid_levels_from_the_table() -> None:
    assert resolve_level("Password", None) is Level.PL4
    assert resolve_level("Password", "PL1") is Level.PL1  # kept, never raised: the caller drops PL1 items
    assert resolve_level("Email", "PL3") is Level.PL3  # a valid claim is kept
    assert resolve_level("Some New Type", "bogus") is Level.PL3
