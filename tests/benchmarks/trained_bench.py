"""The model as it was trained: answers written the way the model writes them are read whole, dense text is covered,
and the prompt's tokens are the tokens of the whole prompt (``--sections trained``).

- ``pretty_answer_items_ratio``: the 4-item chat, the e-mail and a 30-row contact list (EN and ZH), the stand-in
  steered to write their gold answers pretty-printed (newline after ``[``, two-space indents, newline before ``]``),
  parsed into findings: found items / gold items. The answer grammar must allow what MemPrivacy writes.
- ``dense_items_found_ratio``: a 30-row contact list and a 200-line log with addresses (EN and ZH), steered to their
  gold answers, default detector settings (the answer's room is what the context leaves; a cut-off answer splits its
  chunk) but drafted decoding (steered answers are the same either way; it only saves time): found / gold;
  ``dense_failures`` counts detections that raised.
- ``prompt_token_boundary_mismatches``: for every prompt profile (Cloakroom's, the card's, both official layouts —
  stand-in templates unless the real ones are installed — and the 3k-token stand-in) and every benchmark input, EN
  and ZH: prompts whose tokens (cached prefix + rest, tokenized apart) differ from tokenizing the whole prompt.

Counts, not timings: the figures hold on any machine.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import llama_cpp

from app.core.detectors.model.detector import ModelDetector
from app.core.detectors.model.prompts import available_profiles, get_profile
from app.core.findings import Finding
from app.core.prompt_names import CARD, CLOAKROOM
from tests.benchmarks.inputs import DENSE_INPUTS, INPUTS, BenchInput
from tests.benchmarks.model_bench import GoldSteering, ModelBench, loaded
from tests.helpers.models import official_layout_profiles, whole_prompt_tokens

PRETTY_INPUTS = ("chat", "email", "contacts")
LANGUAGES = ("en", "zh")


def found_items(findings: Iterable[Finding], bench_input: BenchInput) -> int:
    """Gold items of which a finding holds exactly the value (type and level aside: the steering fixes those)."""
    texts = {finding.text for finding in findings}
    return sum(1 for value, _kind, _level in bench_input.items if value in texts)


def trained(bench: ModelBench) -> None:
    details: dict[str, Any] = {}
    with loaded(bench) as llama:
        pretty_found = pretty_total = 0
        for name in PRETTY_INPUTS:
            for language in LANGUAGES:
                bench_input = _input(name, language)
                detector = _detector(bench, llama, [bench_input], pretty=True)
                found = found_items(detector.detect(bench_input.text), bench_input)
                details[f"pretty/{name}/{language}"] = {"found": found, "gold": len(bench_input.items)}
                pretty_found, pretty_total = pretty_found + found, pretty_total + len(bench_input.items)
                bench.log(f"  pretty {name}/{language}: {found}/{len(bench_input.items)}")
        dense_found = dense_total = failures = 0
        for (name, language), bench_input in DENSE_INPUTS.items():
            detector = _detector(bench, llama, [bench_input], pretty=False)
            try:
                found = found_items(detector.detect(bench_input.text), bench_input)
            except Exception as error:  # noqa: BLE001 - a failure is the figure counted here
                failures += 1
                found = 0
                details[f"dense/{name}/{language}/error"] = type(error).__name__
            stats = detector.last_stats
            details[f"dense/{name}/{language}"] = {
                "found": found,
                "gold": len(bench_input.items),
                "chunks": stats.chunks if stats else None,
                "chunks_retried": stats.chunks_retried if stats else None,
                "generated_tokens": stats.generated_tokens if stats else None,
            }
            dense_found, dense_total = dense_found + found, dense_total + len(bench_input.items)
            bench.log(f"  dense {name}/{language}: {found}/{len(bench_input.items)}")
        mismatches, checked = _boundary_mismatches(bench, llama)
    bench.results.figures["pretty_answer_items_ratio"] = pretty_found / pretty_total
    bench.results.figures["dense_items_found_ratio"] = dense_found / dense_total
    bench.results.figures["dense_failures"] = float(failures)
    bench.results.figures["prompt_token_boundary_mismatches"] = float(mismatches)
    details["prompt_boundary_checks"] = checked
    bench.results.details["trained"] = details


def _input(name: str, language: str) -> BenchInput:
    return INPUTS.get((name, language)) or DENSE_INPUTS[name, language]


def _detector(
    bench: ModelBench, llama: llama_cpp.Llama, inputs: Sequence[BenchInput], *, pretty: bool
) -> ModelDetector:
    """The detector with default settings but for the 3k-token stand-in prompt (the official prompt's length)."""
    steering = GoldSteering(llama, inputs, pretty=pretty)
    return ModelDetector(llama, profile=bench.profile(llama), steering=steering, decoding="fast")


def _boundary_mismatches(bench: ModelBench, llama: llama_cpp.Llama) -> tuple[int, int]:
    texts = [bench_input.text for bench_input in (*INPUTS.values(), *DENSE_INPUTS.values())]
    with tempfile.TemporaryDirectory(prefix="cloakroom-bench-prompts-") as folder:
        profiles: list[Any] = [get_profile(CLOAKROOM), get_profile(CARD), bench.profile(llama)]
        installed = [name for name in available_profiles() if name.startswith("official")]
        profiles += [get_profile(name) for name in installed] or official_layout_profiles(Path(folder))
        mismatches = checked = 0
        for profile in profiles:
            detector = ModelDetector(llama, profile=profile, real_name="Zhang San")
            for text in texts:
                checked += 1
                if detector.prompt_tokens(text) != whole_prompt_tokens(detector, llama, text):
                    mismatches += 1
                    bench.log(f"  token boundary differs: profile {profile.name}")
    return mismatches, checked
