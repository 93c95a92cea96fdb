"""Model benchmarks: prompt prefix reuse, restart with a persisted prefix, answer decoding, threads, long text.

Every figure is a ratio of two timings taken in the same run on the same loaded stand-in model (see `standins`), so
machine speed cancels out; raw seconds and counts go to the details. The stand-in has random weights, so it is
steered (`GoldSteering`) to write the gold answer of each input: plain and fast decoding then write the very same
tokens, and each detection costs what the real model's would for that answer.
"""

from __future__ import annotations

import contextlib
import gc
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import llama_cpp

from app.core.chunking import TextChunk, plan_chunks
from app.core.detectors.model.answer_grammar import answer_grammar
from app.core.detectors.model.decoders import DraftingDecoder, FixedAnswer, PlainDecoder
from app.core.detectors.model.detector import ModelDetector
from app.core.detectors.model.prefix_state import iter_state_files
from app.core.model_files.runtime import LoadedModel, load_model
from tests.benchmarks.inputs import INPUTS, BenchInput, make_document
from tests.benchmarks.standins import LongPromptProfile

T = TypeVar("T")
LANGUAGES = ("en", "zh")
DETECTION_N_CTX = 8192
DECODE_REPEATS = 3


class GoldSteering:
    """Steers the stand-in to the gold answer of whichever benchmark input (or chunk of one) it is reading; with
    ``pretty``, written with line breaks and indents (`BenchInput.answer_for`)."""

    def __init__(self, llama: llama_cpp.Llama, inputs: Sequence[BenchInput], *, pretty: bool = False) -> None:
        self._llama = llama
        self._inputs = list(inputs)
        self._pretty = pretty
        self._answers: dict[str, FixedAnswer | None] = {}

    def __call__(self, answer: Sequence[int], source_text: str) -> int | None:
        self.prepare([source_text])
        gold = self._answers[source_text]
        return gold(answer) if gold is not None else None

    def prepare(self, source_texts: Iterable[str]) -> None:
        """Tokenize the gold answers for these texts now, outside any timing."""
        for source_text in source_texts:
            if source_text not in self._answers:
                self._answers[source_text] = self._gold(source_text)

    def _gold(self, source_text: str) -> FixedAnswer | None:
        for bench_input in self._inputs:
            if source_text in bench_input.text:
                answer = bench_input.answer_for(source_text, pretty=self._pretty)
                tokens = self._llama.tokenize(answer.encode(), add_bos=False, special=False)
                return FixedAnswer(tokens, self._llama.token_eos())
        return None


@dataclass
class Results:
    figures: dict[str, float] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class ModelBench:
    """One stand-in model and the settings every model section shares."""

    model_path: Path
    threads: int
    quick: bool
    log: Callable[[str], None]
    results: Results
    _profile: LongPromptProfile | None = None

    @property
    def repeats(self) -> int:
        return 1 if self.quick or self.model_path.stat().st_size > 1 << 30 else 3

    def load(
        self, *, n_ctx: int = DETECTION_N_CTX, threads: int | None = None, flash_attn: bool = False
    ) -> LoadedModel:
        """The model as the app loads it (`load_model`), on the CPU; flash attention off (slower on CPUs we measured)."""
        count = threads or self.threads
        return load_model(
            self.model_path, n_ctx=n_ctx, n_threads=count, n_threads_batch=count, n_gpu_layers=0, flash_attn=flash_attn
        )

    def profile(self, llama: llama_cpp.Llama) -> LongPromptProfile:
        if self._profile is None:
            self._profile = LongPromptProfile(
                lambda text: len(llama.tokenize(text.encode(), add_bos=False, special=True))
            )
        return self._profile

    def detector(self, llama: llama_cpp.Llama, steering: GoldSteering | None = None, **options: Any) -> ModelDetector:
        steering = steering or GoldSteering(llama, list(INPUTS.values()))
        return ModelDetector(llama, profile=self.profile(llama), steering=steering, **options)


@contextlib.contextmanager
def loaded(bench: ModelBench, **options: Any) -> Iterator[llama_cpp.Llama]:
    model = bench.load(**options)
    try:
        yield model.llama
    finally:
        model.close()
        gc.collect()


def _prepared_steering(llama: llama_cpp.Llama, names: Sequence[str]) -> GoldSteering:
    """Steering toward these inputs' gold answers, tokenized before anything is timed."""
    chosen = [INPUTS[name, language] for name in names for language in LANGUAGES]
    steering = GoldSteering(llama, chosen)
    steering.prepare(bench_input.text for bench_input in chosen)
    return steering


def timed(call: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def empty_cache(llama: llama_cpp.Llama) -> None:
    llama.reset()
    llama._ctx.kv_cache_clear()


def keep_only_prefix(llama: llama_cpp.Llama, prefix_length: int) -> None:
    """Forget everything after the prefix, as if another text had been read since (the prefix stays warm)."""
    llama._ctx.kv_cache_seq_rm(-1, prefix_length, -1)
    llama.n_tokens = min(llama.n_tokens, prefix_length)


def stats_of(detector: ModelDetector) -> dict[str, Any]:
    return detector.last_stats.to_json() if detector.last_stats is not None else {}


# -- 1. prompt state ------------------------------------------------------------------------------------------------------


def prefix_reuse(bench: ModelBench) -> None:
    """Cold first call (nothing in the KV cache) against a warm call (prefix held, the e-mail itself new)."""
    with loaded(bench) as llama:
        detector = bench.detector(llama, _prepared_steering(llama, ("email", "chat")))
        decoding = detector.calibrate_decoding()  # what `warm_prefix` does at load; measured once per model
        details: dict[str, Any] = {
            "prefix_tokens": len(detector.fixed_prefix_tokens),
            "decoding": decoding,
            "batch_noise": detector.batch_noise,
        }
        for language in LANGUAGES:
            email, chat = INPUTS["email", language], INPUTS["chat", language]
            empty_cache(llama)
            cold, _ = timed(lambda email=email: detector.detect(email.text))
            cold_stats = stats_of(detector)
            detector.detect(chat.text)  # another text in between: only the prefix is still useful
            warm, _ = timed(lambda email=email: detector.detect(email.text))
            suffix = "" if language == "en" else "_zh"
            bench.results.figures[f"prefix_reuse_speedup{suffix}"] = cold / warm
            details[language] = {
                "email_prompt_tokens": len(detector.prompt_tokens(email.text)),
                "cold_seconds": cold,
                "warm_seconds": warm,
                "cold": cold_stats,
                "warm": stats_of(detector),
            }
            bench.log(f"prefix reuse ({language}): cold {cold:.1f} s, warm {warm:.1f} s")
        bench.results.details["prefix_reuse"] = details


def restart(bench: ModelBench, cache_folder: Path) -> None:
    """Model loaded → first result, without and then with the prefix state persisted by the first start."""
    email = INPUTS["email", "en"]
    details: dict[str, Any] = {}
    for label in ("without_state", "with_state"):
        with loaded(bench) as llama:
            detector = bench.detector(llama, _prepared_steering(llama, ("email",)))
            warm_seconds, warmth = timed(lambda detector=detector: detector.warm_prefix(cache_folder))
            detect_seconds, _ = timed(lambda detector=detector: detector.detect(email.text))
            details[label] = {
                "warm_source": warmth.source,
                "warm_seconds": warm_seconds,
                "first_detection_seconds": detect_seconds,
                "total_seconds": warm_seconds + detect_seconds,
            }
            bench.log(f"restart {label}: warm {warm_seconds:.1f} s ({warmth.source}), detect {detect_seconds:.1f} s")
    details["state_file_bytes"] = sum(path.stat().st_size for path in iter_state_files(cache_folder))
    bench.results.figures["restart_speedup"] = (
        details["without_state"]["total_seconds"] / details["with_state"]["total_seconds"]
    )
    bench.results.details["restart"] = details


# -- 2. decoding ----------------------------------------------------------------------------------------------------------


def decoding(bench: ModelBench) -> None:
    """Plain against fast decoding of the same gold answer for the 4-item chat message, from the same warm prefix.

    Without flash attention (as the app should load a model on a CPU) in both languages, then once with it
    (English): on the CPUs we measured, its attention kernel makes every batch row cost nearly a whole step.
    """
    grammar = answer_grammar()
    details: dict[str, Any] = {}
    for flash_attn, languages in ((False, LANGUAGES), (True, ("en",))):
        with loaded(bench, flash_attn=flash_attn) as llama:
            detector = bench.detector(llama)
            detector.warm_prefix(None)
            steering = _prepared_steering(llama, ("chat",))
            for language in languages:
                runs = _decode_runs(bench, llama, detector, grammar, steering, INPUTS["chat", language])
                plain = statistics.median(answer.generation_seconds for answer in runs["plain"])
                fast = statistics.median(answer.generation_seconds for answer in runs["fast"])
                name = "decode_speedup" + ("" if language == "en" else "_zh")
                name += "_with_flash_attention" if flash_attn else ""
                bench.results.figures[name] = plain / fast
                sample = runs["fast"][0]
                details[name] = {
                    "answer_tokens": len(sample.tokens),
                    "plain_seconds": plain,
                    "fast_seconds": fast,
                    "plain_model_steps": runs["plain"][0].model_steps,
                    "fast_model_steps": sample.model_steps,
                    "drafted_tokens": sample.drafted_tokens,
                    "accepted_draft_tokens": sample.accepted_draft_tokens,
                }
                bench.log(f"{name}: plain {plain:.2f} s, fast {fast:.2f} s, {len(sample.tokens)} tokens")
            details["batch_noise" + ("_with_flash_attention" if flash_attn else "")] = detector.batch_noise
            if not flash_attn:
                details["plain_vs_create_completion"] = _plain_matches_create_completion(llama, detector, grammar)
    bench.results.details["decoding"] = details


def _decode_runs(
    bench: ModelBench,
    llama: llama_cpp.Llama,
    detector: ModelDetector,
    grammar: llama_cpp.LlamaGrammar,
    steering: GoldSteering,
    chat: BenchInput,
) -> dict[str, list[Any]]:
    prefix_length = len(detector.fixed_prefix_tokens)
    prompt = detector.prompt_tokens(chat.text)
    runs: dict[str, list[Any]] = {"plain": [], "fast": []}
    for _ in range(DECODE_REPEATS if not bench.quick else 1):  # alternating, medians: single answers vary by ~20%
        for label, decoder_class in (("plain", PlainDecoder), ("fast", DraftingDecoder)):
            keep_only_prefix(llama, prefix_length)
            decoder = decoder_class(llama, grammar, steering=steering)
            answer = decoder.decode(prompt, max_new_tokens=512, source_text=chat.text)
            if answer.text != chat.answer:
                raise AssertionError(f"the {label} decoder did not write the gold answer ({chat.language})")
            runs[label].append(answer)
    return runs


def _plain_matches_create_completion(
    llama: llama_cpp.Llama, detector: ModelDetector, grammar: llama_cpp.LlamaGrammar
) -> dict[str, float]:
    """The plain baseline is no straw man: its time per token against `create_completion(grammar=...)`'s.

    The same 24 tokens each (create_completion's unsteered answer, which the plain decoder is steered to write), the
    whole prompt already cached but its last token.
    """
    prompt = detector.prompt_tokens(INPUTS["chat", "en"].text)
    count = 24
    llama.create_completion(prompt, max_tokens=1, temperature=0.0, grammar=grammar)  # cache the prompt
    library, completion = timed(
        lambda: llama.create_completion(prompt, max_tokens=count, temperature=0.0, repeat_penalty=1.0, grammar=grammar)
    )
    written = llama.tokenize(completion["choices"][0]["text"].encode(), add_bos=False, special=False)
    steering = FixedAnswer(written, llama.token_eos())
    keep_only_prefix(llama, len(prompt) - 1)
    ours, answer = timed(
        lambda: PlainDecoder(llama, grammar, steering=steering).decode(prompt, max_new_tokens=len(written))
    )
    return {
        "tokens": len(written),
        "create_completion_seconds_per_token": library / max(1, len(written)),
        "plain_decoder_seconds_per_token": ours / max(1, len(answer.tokens)),
    }


# -- 3. threads -----------------------------------------------------------------------------------------------------------


def threads(bench: ModelBench, thread_counts: Sequence[int] = (1, 2)) -> None:
    """Prompt evaluation and single-token steps with 1 and 2 threads (set on the same context)."""
    prompt_length, steps = (64, 8) if bench.quick else (256, 16)
    with loaded(bench, threads=max(thread_counts)) as llama:
        tokens = llama.tokenize(INPUTS["email", "en"].text.encode(), add_bos=False)[:prompt_length]
        rates: dict[int, dict[str, float]] = {}
        for count in thread_counts:
            llama._ctx.set_n_threads(count, count)
            empty_cache(llama)
            prompt_seconds, _ = timed(lambda: llama.eval(tokens))
            step_seconds, _ = timed(lambda: [llama.eval([token]) for token in tokens[:steps]])
            rates[count] = {
                "prompt_tokens_per_second": len(tokens) / prompt_seconds,
                "generation_tokens_per_second": steps / step_seconds,
            }
            bench.log(f"threads {count}: {rates[count]['prompt_tokens_per_second']:.1f} prompt tok/s, "
                      f"{rates[count]['generation_tokens_per_second']:.2f} steps/s")  # fmt: skip
    low, high = thread_counts[0], thread_counts[-1]
    bench.results.figures["threads_2_vs_1_prompt_speedup"] = (
        rates[high]["prompt_tokens_per_second"] / rates[low]["prompt_tokens_per_second"]
    )
    bench.results.figures["threads_2_vs_1_decode_speedup"] = (
        rates[high]["generation_tokens_per_second"] / rates[low]["generation_tokens_per_second"]
    )
    bench.results.details["threads"] = {str(count): rate for count, rate in rates.items()}


# -- 4. long text ---------------------------------------------------------------------------------------------------------


def long_text(bench: ModelBench) -> None:
    """A 20 KB document in chunks against its chunks one by one; every gold span must be found."""
    details: dict[str, Any] = {}
    lost_at_boundaries = 0
    with loaded(bench) as llama:
        for language in LANGUAGES:
            document, chunks, shift = _document_with_straddles(bench.detector(llama), language)
            steering = GoldSteering(llama, [document])
            steering.prepare(chunk.of(document.text) for chunk in chunks)  # its own costs stay out of the timings
            detector = bench.detector(llama, steering)
            detector.warm_prefix(None)
            whole, findings = timed(lambda document=document, detector=detector: detector.detect(document.text))
            whole_stats = stats_of(detector)
            parts = []
            for chunk in chunks:
                seconds, _ = timed(
                    lambda chunk=chunk, document=document, detector=detector: detector.detect(chunk.of(document.text))
                )
                parts.append(seconds)
            spans = _span_check(document, chunks, findings)
            lost_at_boundaries += spans["lost_at_boundaries"]
            suffix = "" if language == "en" else "_zh"
            bench.results.figures[f"chunking_overhead{suffix}"] = whole / sum(parts)
            details[language] = {
                "document_bytes": len(document.text.encode()),
                "run_on_shift": shift,
                "chunks": len(chunks),
                "whole_seconds": whole,
                "sum_of_chunks_seconds": sum(parts),
                "whole": whole_stats,
                **spans,
            }
            bench.log(f"long text ({language}): {len(chunks)} chunks, whole {whole:.1f} s, sum {sum(parts):.1f} s")
    bench.results.figures["spans_lost_at_boundaries"] = lost_at_boundaries
    bench.results.details["long_text"] = details


def _document_with_straddles(detector: ModelDetector, language: str) -> tuple[BenchInput, list[TextChunk], int]:
    """The document, shifted until a value straddles a chunk boundary (else the check would prove nothing)."""
    budget = detector.chunk_token_budget()
    overlap = min(detector.overlap_tokens, budget // 4)
    for shift in range(80):
        document = make_document(language, shift)
        chunks = plan_chunks(document.text, budget, detector.count_tokens, overlap)
        if _span_check(document, chunks, [])["spans_straddling_a_boundary"] >= 1:
            return document, chunks, shift
    raise AssertionError(f"no shift of the {language} document puts values across chunk boundaries")


def _span_check(document: BenchInput, chunks: Sequence[TextChunk], findings: Sequence[Any]) -> dict[str, int]:
    """Gold spans (each value occurs once) that straddle a chunk boundary, and how many of them were not found."""
    found = {(finding.start, finding.end) for finding in findings}
    boundaries = [chunk.new_from for chunk in chunks[1:]]
    straddling = missed = lost = outside_every_chunk = 0
    for value, _kind, _level in document.items:
        start = document.text.find(value)
        end = start + len(value)
        crosses = any(start < boundary < end for boundary in boundaries)
        in_a_chunk = any(chunk.start <= start and end <= chunk.end for chunk in chunks)
        straddling += crosses
        outside_every_chunk += not in_a_chunk
        if (start, end) not in found:
            missed += 1
            lost += crosses
    return {
        "gold_spans": len(document.items),
        "spans_straddling_a_boundary": straddling,
        "spans_in_no_chunk": outside_every_chunk,
        "spans_missed": missed,
        "lost_at_boundaries": lost,
    }


SECTIONS: dict[str, Callable[[ModelBench], None]] = {
    "prefix": prefix_reuse,
    "decode": decoding,
    "threads": threads,
    "long": long_text,
}


def run_restart(bench: ModelBench) -> None:
    with tempfile.TemporaryDirectory(prefix="cloakroom-bench-cache-") as folder:
        restart(bench, Path(folder))
