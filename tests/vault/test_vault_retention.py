"""Expiry, forget and wipe remove what they should and nothing else; private settings live in the vault."""

from __future__ import annotations

from pathlib import Path

from app.core.policy import AlwaysMaskEntry
from app.core.store import PlaceholderRequest
from app.core.taxonomy import Level
from app.core.vault import open_vault
from app.core.vault.database import SECONDS_PER_DAY, TOUCH_INTERVAL_SECONDS

START = 1_800_000_000.0


class FakeClock:
    """Time the test moves by hand (retention is about days; nothing here waits)."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now

    def advance(self, days: float) -> None:
        self.now += days * SECONDS_PER_DAY


def email(value: str) -> PlaceholderRequest:
    return PlaceholderRequest(value, "Email", Level.PL2, "rules")


def originals(vault) -> set[str]:
    return {mapping.original for mapping in vault}


def test_expiry_removes_only_mappings_unused_for_longer(vault_path: Path) -> None:
    clock = FakeClock()
    with open_vault(vault_path, clock=clock) as vault:
        vault.assign([email("old@b.io"), email("looked-up@b.io"), email("remasked@b.io")])
        vault.set_real_name("Dana Reyes")
        clock.advance(20)
        vault.lookup(["email_2"])  # unmasking counts as use
        vault.assign([email("remasked@b.io"), email("recent@b.io")])  # so does masking again
        clock.advance(11)
        assert vault.expire_unused(30) == 1
        assert originals(vault) == {"looked-up@b.io", "remasked@b.io", "recent@b.io"}
        assert vault.real_name() == "Dana Reyes"
        assert vault.assign([email("old@b.io")])[0].placeholder == "<Email_5>"  # number 1 is never reused


def test_expiry_setting_zero_means_off(vault_path: Path) -> None:
    clock = FakeClock()
    with open_vault(vault_path, clock=clock) as vault:
        vault.assign([email("old@b.io")])
        clock.advance(10_000)
        assert vault.expire_unused(0) == 0
        assert len(vault) == 1


def test_retention_applies_when_the_vault_opens(vault_path: Path) -> None:
    clock = FakeClock()
    with open_vault(vault_path, clock=clock) as vault:
        vault.assign([email("old@b.io")])
    clock.advance(8)
    with open_vault(vault_path, clock=clock, retention_days=10) as vault:
        assert len(vault) == 1
    clock.advance(3)
    with open_vault(vault_path, clock=clock, retention_days=10) as vault:
        assert len(vault) == 0


def test_lookup_refreshes_last_use_at_most_once_per_interval(vault_path: Path) -> None:
    clock = FakeClock()
    with open_vault(vault_path, clock=clock) as vault:
        vault.assign([email("a@b.io")])
        clock.now += TOUCH_INTERVAL_SECONDS / 2
        vault.lookup(["email_1"])
        assert vault.entries()[0].last_used == int(START)
        clock.now += TOUCH_INTERVAL_SECONDS
        vault.lookup(["email_1"])
        assert vault.entries()[0].last_used == int(clock.now)
        assert vault.entries()[0].first_used == int(START)


def test_forget_one_value_or_placeholder(vault_path: Path) -> None:
    with open_vault(vault_path) as vault, open_vault(vault_path, scope="other") as other:
        vault.assign([email("a@b.io"), email("c@d.io"), email("e@f.io")])
        other.assign([email("a@b.io")])
        assert vault.forget_key("email_2")
        assert not vault.forget_key("email_2")
        assert vault.forget_value(" a@b.io ")
        assert originals(vault) == {"e@f.io"}
        assert originals(other) == {"a@b.io"}
        assert vault.assign([email("c@d.io")])[0].placeholder == "<Email_4>"


def test_wipe_removes_every_mapping_and_private_setting_but_never_lowers_counters(vault_path: Path) -> None:
    with open_vault(vault_path) as vault, open_vault(vault_path, scope="other") as other:
        vault.assign([email("a@b.io"), email("c@d.io")])
        other.assign([email("x@y.io")])
        vault.set_real_name("Dana Reyes")
        vault.set_allow_list(["ACME"])
        assert vault.wipe() == 3
        assert len(vault) == 0 and len(other) == 0
        assert (vault.real_name(), vault.allow_list(), vault.always_mask()) == (None, [], [])
        assert vault.assign([email("a@b.io")])[0].placeholder == "<Email_3>"
    assert not vault_path.with_name("vault.db-wal").exists() or vault_path.with_name("vault.db-wal").stat().st_size == 0


def test_private_settings_round_trip_and_persist(vault_path: Path) -> None:
    with open_vault(vault_path) as vault:
        assert (vault.real_name(), vault.allow_list(), vault.always_mask()) == (None, [], [])
        vault.set_real_name("  Zoë   Ångström ")
        vault.set_allow_list(["ACME Corp", "ACME Corp", "  ", "张伟"])
        vault.set_always_mask(
            ["Project Nightjar", ("NJ-7", "Project Code"), AlwaysMaskEntry("Baker St", "Detailed Address")]
        )
    with open_vault(vault_path) as vault:
        assert vault.real_name() == "Zoë Ångström"
        assert vault.allow_list() == ["ACME Corp", "张伟"]
        assert vault.always_mask() == [
            AlwaysMaskEntry("Project Nightjar"),
            AlwaysMaskEntry("NJ-7", "Project Code"),
            AlwaysMaskEntry("Baker St", "Detailed Address"),
        ]
        vault.set_real_name(None)
        vault.set_allow_list([])
        assert (vault.real_name(), vault.allow_list()) == (None, [])


def test_wipe_can_keep_the_private_settings(vault_path: Path) -> None:
    with open_vault(vault_path) as vault:
        vault.assign([email("a@b.io")])
        vault.set_real_name("Dana Reyes")
        vault.set_always_mask(["Project Nightjar"])
        assert vault.wipe(keep_private_settings=True) == 1
        assert len(vault) == 0
        assert (vault.real_name(), vault.always_mask()) == ("Dana Reyes", [AlwaysMaskEntry("Project Nightjar")])
