"""What the person's lists do to a masking, end to end: settings and a real vault → `build_engine` → findings and
masked text. The always-mask list finds values (a detector beside the rules); the policy only selects among findings:
the level threshold, per-type overrides, the allow list, and spans added by hand."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.assembly import build_engine
from app.core.detectors.always_mask import AlwaysMaskDetector
from app.core.engine import Engine
from app.core.findings import ALWAYS_MASK, USER, Finding, finding_at
from app.core.policy import AlwaysMaskEntry
from app.core.settings import Settings
from app.core.taxonomy import Level
from app.core.vault import Vault, open_vault

TEXT = "Project Falcon ships; mail dana@example.com about BlueBird and bluebirds."


@pytest.fixture
def vault(tmp_path: Path) -> Iterator[Vault]:
    with open_vault(tmp_path / "vault.db") as opened:
        yield opened


def engine_for(
    vault: Vault,
    *,
    always_mask: list[AlwaysMaskEntry] | None = None,
    allow_list: list[str] | None = None,
    min_level: str = "PL2",
    type_overrides: dict[str, str] | None = None,
) -> Engine:
    vault.set_always_mask(always_mask or [])
    vault.set_allow_list(allow_list or [])
    return build_engine(Settings(min_level=min_level, type_overrides=type_overrides or {}), vault)


def spans(findings: list[Finding]) -> list[tuple[str, str, Level, str]]:
    return [(finding.text, finding.type, finding.level, finding.detector) for finding in findings]


def test_always_mask_values_are_found_tolerantly_and_masked_with_their_type(vault: Vault) -> None:
    engine = engine_for(
        vault, always_mask=[AlwaysMaskEntry("Project  falcon", "Project Code"), AlwaysMaskEntry("bluebird")]
    )
    assert spans(engine.detect(TEXT)) == [
        ("Project Falcon", "Project Code", Level.PL4, ALWAYS_MASK),  # whitespace and case tolerant
        ("dana@example.com", "Email", Level.PL2, "rules"),
        ("BlueBird", "Private Info", Level.PL3, ALWAYS_MASK),  # never inside a longer word ("bluebirds")
    ]
    assert engine.mask(TEXT).text == "<Project_Code_1> ships; mail <Email_1> about <Private_Info_1> and bluebirds."


def test_always_mask_values_are_masked_below_the_threshold_and_against_a_never_override(vault: Vault) -> None:
    engine = engine_for(
        vault, always_mask=[AlwaysMaskEntry("bluebird")], min_level="PL4", type_overrides={"Private Info": "never"}
    )
    assert engine.mask(TEXT).text == "Project Falcon ships; mail dana@example.com about <Private_Info_1> and bluebirds."


def test_a_value_inside_a_rules_finding_makes_the_merged_span_masked_whatever_its_level(vault: Vault) -> None:
    engine = engine_for(vault, always_mask=[AlwaysMaskEntry("dana")], min_level="PL4")
    assert spans(engine.detect(TEXT)) == [("dana@example.com", "Email", Level.PL3, "always-mask+rules")]
    assert engine.mask(TEXT).text == "Project Falcon ships; mail <Email_1> about BlueBird and bluebirds."


def test_the_allow_list_wins_over_the_always_mask_list_but_not_over_a_span_added_by_hand(vault: Vault) -> None:
    engine = engine_for(vault, always_mask=[AlwaysMaskEntry("bluebird")], allow_list=["BLUEBIRD"])
    findings = engine.detect(TEXT)
    assert ("BlueBird", "Private Info", Level.PL3, ALWAYS_MASK) in spans(findings)
    assert engine.mask(TEXT).text == "Project Falcon ships; mail <Email_1> about BlueBird and bluebirds."
    by_hand = finding_at(TEXT, 50, 58, "Private Info", Level.PL3, USER)
    assert engine.mask_findings(TEXT, [by_hand]).text == TEXT.replace("BlueBird", "<Private_Info_1>")


def test_the_allow_list_also_keeps_what_the_rules_find(vault: Vault) -> None:
    engine = engine_for(vault, allow_list=["Dana@Example.com"])
    assert engine.mask(TEXT).text == TEXT


def test_the_always_mask_list_runs_with_the_rules_not_with_the_model_alone(vault: Vault) -> None:
    engine = engine_for(vault, always_mask=[AlwaysMaskEntry("bluebird")])
    assert engine.detect(TEXT, use_rules=False) == []
    assert [finding.text for finding in engine.detect(TEXT, use_model=False)] == ["dana@example.com", "BlueBird"]


def test_an_empty_always_mask_list_masks_only_what_the_detectors_find(vault: Vault) -> None:
    engine = engine_for(vault)
    assert engine.mask(TEXT).text == "Project Falcon ships; mail <Email_1> about BlueBird and bluebirds."


def test_the_engine_has_an_always_mask_detector_only_when_the_list_has_entries(vault: Vault) -> None:
    assert engine_for(vault).always_mask is None
    assert isinstance(engine_for(vault, always_mask=[AlwaysMaskEntry("bluebird")]).always_mask, AlwaysMaskDetector)
