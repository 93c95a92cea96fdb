"""Speed estimates from stand-ins, and the recommendation they lead to.

The stand-ins are real llama.cpp models (random weights, the real width of each size); the figures they give depend
on the machine, so the tests check their shape and consistency, never a number of tokens per second.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from app.core.model_files import speed
from app.core.model_files.catalog import Catalog, load_catalog
from app.core.model_files.hardware import HardwareInfo
from app.core.model_files.speed import SHAPES, Speed, SpeedOption, recommend_from_speed

GIB = 1024**3


def hardware(ram_gib: float) -> HardwareInfo:
    return HardwareInfo(int(ram_gib * GIB), int(ram_gib * GIB), 2, 2, 2, (), False)


def option(catalog: Catalog, size: str, quantization: str, short_seconds: float, fits: bool = True) -> SpeedOption:
    """An option whose short chat message takes ``short_seconds``."""
    per_token = short_seconds / (speed.SHORT_CHAT.prompt_tokens + speed.SHORT_CHAT.answer_tokens)
    model = catalog.find(size)
    rate = 1 / per_token
    return SpeedOption(model, quantization, Speed(rate, rate), speed.memory_needed(model, quantization), fits)


def test_the_shapes_add_up_to_the_catalogs_parameter_counts() -> None:
    """Blocks plus the embedding (and the output matrix where it is not tied, as in the 1.7B's checkpoint) are the
    whole model: a wrong shape would skew every estimate."""
    for model in load_catalog().models:
        shape = SHAPES[model.base_model]
        tied = shape.layers * shape.block_parameters + shape.vocab * shape.embedding
        untied = tied + shape.vocab * shape.embedding
        assert min(abs(total - model.parameters) for total in (tied, untied)) / model.parameters < 0.01, model.name


def test_an_estimate_is_prompt_plus_answer_time() -> None:
    rate = Speed(prompt_tokens_per_s=100.0, steps_per_s=10.0)
    assert rate.seconds(speed.SHORT_CHAT) == pytest.approx(80 / 100 + 60 / 10)
    assert rate.scaled(4.0).seconds(speed.EMAIL_2KB) == pytest.approx(4 * rate.seconds(speed.EMAIL_2KB))


def test_the_most_accurate_option_within_five_seconds_is_recommended() -> None:
    catalog = load_catalog()
    options = [
        option(catalog, "4b", "Q8_0", 7.0),
        option(catalog, "4b", "Q6_K", 5.5),
        option(catalog, "4b", "Q4_K_M", 4.5),
        option(catalog, "1.7b", "Q8_0", 2.5),
        option(catalog, "1.7b", "Q4_K_M", 1.5),
    ]
    advice = recommend_from_speed(options, catalog)
    assert advice is not None and (advice.option.model.size, advice.option.quantization) == ("4b", "Q4_K_M")
    assert "most accurate" in advice.reason and "about 4 s" in advice.reason and not advice.warnings

    assert [speed.accuracy_rank(entry, catalog) for entry in options] == sorted(
        speed.accuracy_rank(entry, catalog) for entry in options
    )  # listed most accurate first
    fast = [dataclasses.replace(entry, speed=entry.speed.scaled(0.1)) for entry in options]
    best = recommend_from_speed(fast, catalog)
    assert best is not None and (best.option.model.size, best.option.quantization) == ("4b", "Q8_0")


def test_an_option_that_does_not_fit_is_passed_over_and_a_slow_machine_gets_the_fastest_with_a_warning() -> None:
    catalog = load_catalog()
    options = [option(catalog, "4b", "Q8_0", 1.0, fits=False), option(catalog, "1.7b", "Q8_0", 3.0)]
    advice = recommend_from_speed(options, catalog)
    assert advice is not None and advice.option.model.size == "1.7b"
    slow = [option(catalog, "4b", "Q4_K_M", 20.0), option(catalog, "1.7b", "Q4_K_M", 9.0)]
    advice = recommend_from_speed(slow, catalog)
    assert advice is not None and advice.option.model.size == "1.7b"
    assert "about 9.0 s" in advice.warnings[0]
    assert recommend_from_speed([], catalog) is None


def test_memory_need_counts_weights_kv_cache_and_working_memory() -> None:
    model = load_catalog().find("4b")
    need = speed.memory_needed(model, "Q4_K_M")
    kv = SHAPES[model.base_model].kv_bytes_per_token * speed.CONTEXT_TOKENS
    assert need == 2_500_000_000 + kv + speed.MEMORY_OVERHEAD_BYTES
    assert kv == 36 * 2 * 8 * 128 * 2 * 8192  # 144 KiB per token, as llama.cpp allocates it


@pytest.mark.slow
def test_a_stand_in_loads_and_is_measured(tmp_path: Path) -> None:
    path = speed.write_stand_in(tmp_path / "stand-in.gguf", SHAPES["Qwen/Qwen3-1.7B"])
    measured = speed.measure_gguf(path, n_threads=1, prompt_tokens=16, steps=2)
    assert measured.prompt_tokens_per_s > 0 and measured.steps_per_s > 0


@pytest.mark.slow
def test_stand_ins_of_each_size_give_an_option_each(tmp_path: Path) -> None:
    """Both sizes measured in one run. Which is faster is not asserted: timings are the machine's (rule 5)."""
    catalog = load_catalog()
    events: list[tuple[str, int, int]] = []
    options = speed.measure_options(
        catalog, hardware(1), n_threads=1, quantizations=["Q4_K_M"], progress=lambda *event: events.append(event)
    )
    assert [(entry.model.size, entry.quantization) for entry in options] == [("4b", "Q4_K_M"), ("1.7b", "Q4_K_M")]
    assert not any(entry.fits for entry in options)  # 1 GiB of RAM holds neither
    assert events[-1] == ("measure", 2, 2)
    for entry in options:
        assert 0 < entry.speed.prompt_tokens_per_s < float("inf") and 0 < entry.speed.steps_per_s < float("inf")


def test_saved_estimates_are_found_by_size_and_quantization_only() -> None:
    catalog = load_catalog()
    options = [option(catalog, "4b", "Q4_K_M", 6.0), option(catalog, "1.7b", "Q4_K_M", 2.0)]
    path = speed.save_estimates(options)
    saved = json.loads(path.read_text())["estimates"]
    assert {key for entry in saved for key in entry} == {"parameters", "quantization", "short_seconds", "email_seconds"}
    found = speed.estimate_for(4_000_000_000, "q4_k_m")
    assert found is not None and found.short_seconds == pytest.approx(6.0, abs=0.01)
    assert speed.estimate_for(2_000_000_000, "Q4_K_M").short_seconds == pytest.approx(2.0, abs=0.01)  # type: ignore[union-attr]
    assert speed.estimate_for(4_000_000_000, "Q8_0") is None
    assert speed.estimate_for(600_000_000, "Q4_K_M") is None  # a 0.6B model is neither
    path.write_text("{not json")
    assert speed.estimate_for(4_000_000_000, "Q4_K_M") is None
