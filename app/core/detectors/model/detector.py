"""The detector that asks a local LLM (MemPrivacy, a Qwen3 fine-tune, via llama.cpp) for the private spans of a text.

One call per chunk of the input:

1. The prompt is the chat frame (`prompts.chat_frame`) around the profile's fixed instructions and then the person's
   name and text. The fixed part comes first and is tokenized once, so llama.cpp evaluates only the new tokens after
   the prefix it still holds from the last call. The person's part is tokenized with special tokens off: text that
   looks like ``<|im_end|>`` cannot end the message early.
2. Decoding is greedy, under the answer grammar (`answer_grammar`: the answer's JSON shape with JSON's own
   whitespace, levels PL1–PL4; built once per detector, it is costly). An answer may use all the context the prompt
   leaves (the official code allows 8,192 new tokens); chunks are planned so that this room is several times the
   chunk's own length. ``decoding="fast"`` drafts the answer's predictable tokens (schema keys, values copied from
   the input, type names, levels) and verifies them in one batch per model step (`decoders.DraftingDecoder`);
   ``decoding="plain"`` samples one token per step as `Llama.create_completion` does (`decoders.PlainDecoder`).
   The default ``"auto"`` chooses between them when the prefix is warmed (why and how: `calibration`).
   An answer that did not end by itself (``finish_reason != "stop"``) is cut off: it must never pass as "nothing
   found". Its chunk is split in two and each half asked again, down to `MIN_RETRY_CHUNK_TOKENS`; only a chunk that
   small whose answer still does not end raises `ModelOutputError`.
3. The answer is parsed and located in the whole input (`output`), so a value that crosses a chunk edge, or
   occurs in another chunk too, is found whole everywhere.

Cancelling is honoured between chunks, inside every llama.cpp evaluation (an abort callback: a long prompt can take
minutes on a CPU) and after every model step while answering.

The fixed prefix's KV state can be warmed at load and persisted (`warm_prefix`, see `prefix_state`): after any other
use of the model evicted it, the next detection restores it from disk instead of evaluating it again.

A detector wraps ONE long-lived `llama_cpp.Llama` passed in by the caller, which keeps the KV state between calls.
Neither is thread-safe: one worker thread owns both, and nothing else may use that `Llama` meanwhile (another prompt
in between would also evict the reusable prefix).

Nothing here logs, prints or keeps the text, the prompt or the answer; `last_stats` holds counts and times only.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from pathlib import Path

import llama_cpp
from llama_cpp.llama_cache import LlamaDiskCache

from app.core.chunking import TextChunk, plan_chunks
from app.core.detectors.base import ProgressCallback, check_cancelled
from app.core.detectors.model.answer_grammar import answer_grammar
from app.core.detectors.model.answer_stream import AnswerStream
from app.core.detectors.model.calibration import decoding_for_noise, measure_batch_noise, tie_margin_for_noise
from app.core.detectors.model.decoders import (
    DEFAULT_MAX_DRAFT_TOKENS,
    AnswerDecoder,
    DecodedAnswer,
    DraftingDecoder,
    PlainDecoder,
    Steering,
    common_prefix_length,
)
from app.core.detectors.model.output import ModelItem, locate_items, parse_model_output
from app.core.detectors.model.prefix_state import PrefixState, PrefixWarmth, holds_prefix, warm_prefix
from app.core.detectors.model.prompts import ChatFrame, PromptParts, PromptProfile, chat_frame, get_profile
from app.core.detectors.model.stats import ModelStats
from app.core.errors import ModelError, ModelOutputError
from app.core.findings import MODEL, Finding
from app.core.prompt_names import DEFAULT_PROFILE
from app.core.taxonomy import Level

FindingsCallback = Callable[[list[Finding]], None]
"""Receives findings found early, while the model is still answering (`ModelDetector.detect`'s ``on_findings``)."""

DEFAULT_MAX_CHUNK_TOKENS = 1024
# Answer room kept free for each token of a chunk: one found item costs ~35 answer tokens and a contact-list row ~129
# for its ~40 input tokens, so dense text (forms, CSV, contact lists, logs) needs about three answer tokens per input
# token, a little more with line breaks. Chunks are sized to leave that; an answer that still overflows splits its chunk.
ANSWER_TOKENS_PER_INPUT_TOKEN = 4
# A chunk this small is not split again: an answer that does not end for it is the model's failure, not the chunk's.
MIN_RETRY_CHUNK_TOKENS = 48
DEFAULT_OVERLAP_TOKENS = 48
# Room left unused in the context window: chunk sizes are estimated from pieces, and the frame adds a token or two.
CONTEXT_SAFETY_TOKENS = 8
MIN_CHUNK_TOKENS = 16
DECODING_MODES = ("auto", "fast", "plain")
# Restoring the prefix from disk beats evaluating it only when enough of it is missing.
MIN_TOKENS_WORTH_RESTORING = 32


class ModelDetector:
    """Private spans found by a local LLM. Not thread-safe: used from one worker thread, with a `Llama` nobody shares.

    Options: ``profile`` (a prompt profile name or object; `prompt_names.PROFILE_NAMES`), ``real_name`` (the person's own
    name, a setting: tells their name apart from third parties'), ``max_new_tokens`` (None, the default: an answer
    may use what the context leaves after its prompt; a number caps it, for evaluations and tests),
    ``max_chunk_tokens`` and ``overlap_tokens`` (long-text splitting), ``decoding`` ("fast", "plain", or "auto":
    see `calibration`) and ``max_draft_tokens``. ``steering`` is for benchmarks on random-weight stand-in models only
    (`decoders.Steering`).
    """

    name = MODEL

    def __init__(
        self,
        llama: llama_cpp.Llama,
        *,
        profile: str | PromptProfile = DEFAULT_PROFILE,
        real_name: str = "",
        max_new_tokens: int | None = None,
        max_chunk_tokens: int = DEFAULT_MAX_CHUNK_TOKENS,
        overlap_tokens: int = DEFAULT_OVERLAP_TOKENS,
        prompts_folder: Path | None = None,
        decoding: str = "auto",
        max_draft_tokens: int = DEFAULT_MAX_DRAFT_TOKENS,
        steering: Steering | None = None,
    ) -> None:
        if isinstance(getattr(llama, "cache", None), LlamaDiskCache):
            raise ModelError("The model has a disk cache, which would store text unencrypted; load it without one.")
        if max_chunk_tokens < MIN_CHUNK_TOKENS or overlap_tokens < 0 or max_draft_tokens < 0:
            raise ValueError("token limits out of range")
        if max_new_tokens is not None and max_new_tokens < 1:
            raise ValueError("token limits out of range")
        if decoding not in DECODING_MODES:
            raise ValueError(f"decoding must be one of {DECODING_MODES}")
        self._llama = llama
        self.profile = get_profile(profile, prompts_folder) if isinstance(profile, str) else profile
        self.real_name = real_name
        self.max_new_tokens = max_new_tokens
        self.max_chunk_tokens = max_chunk_tokens
        self.overlap_tokens = overlap_tokens
        self.frame: ChatFrame = chat_frame(
            llama.metadata, bos_token=self._token_text(llama.token_bos()), eos_token=self._token_text(llama.token_eos())
        )
        self._grammar = answer_grammar()
        self._prefix_tokens = self._start_tokens() + self._tokenize(self.fixed_prefix_text, special=True)
        self._tail_tokens = self._tokenize(self.frame.tail, special=True)
        self.decoding = decoding  # "auto" until `calibrate_decoding` has measured the batch noise
        self._auto = decoding == "auto"
        self.batch_noise: float | None = None
        self._steering = steering
        self._max_draft_tokens = max_draft_tokens
        self._decoder: AnswerDecoder | None = None if decoding == "auto" else self._make_decoder(decoding, None)
        self._prefix_state: PrefixState | None = None
        self.prefix_warmth: PrefixWarmth | None = None  # how the last `warm_prefix` went (counts and times only)
        self.last_stats: ModelStats | None = None

    # -- prompt prefix state --------------------------------------------------------------------------------------

    def warm_prefix(self, cache_folder: Path | None, *, cancel: threading.Event | None = None) -> PrefixWarmth:
        """Make the model hold the fixed prompt prefix now, so the first detection evaluates only the person's part.

        Call it once after loading the model (it can take minutes on a CPU the first time, ~a second afterwards).
        With a ``cache_folder`` (the app's cache, `app_paths().cache`) the prefix's KV state is read from there when a
        valid one exists, else evaluated and written there; later detections restore it from there whenever another
        use of the model evicted it. The state holds no user data (see `prefix_state`).
        """
        warmth, self._prefix_state = warm_prefix(self._llama, self._prefix_tokens, cache_folder, cancel=cancel)
        self.prefix_warmth = warmth
        self.calibrate_decoding()
        return warmth

    def _restore_prefix_if_evicted(self, tally: ModelStats) -> None:
        """Read the prefix back from disk when the model no longer holds it and evaluating it again would cost more."""
        state = self._prefix_state
        if state is None or holds_prefix(self._llama, self._prefix_tokens):
            return
        held = common_prefix_length(self._llama.input_ids[: self._llama.n_tokens], self._prefix_tokens)
        if len(self._prefix_tokens) - held >= MIN_TOKENS_WORTH_RESTORING and state.restore():
            tally.prefix_restores += 1

    # -- decoding -------------------------------------------------------------------------------------------------

    def calibrate_decoding(self) -> str:
        """For "auto": measure the batch noise and choose the decoder (see `calibration`); returns the choice.

        `warm_prefix` calls this; until then "auto" decodes plainly. The model holds the fixed prefix afterwards.
        """
        if self._auto and self.batch_noise is None:
            self.batch_noise = measure_batch_noise(self._llama, self._prefix_tokens)
            self.decoding = decoding_for_noise(self.batch_noise)
            self._decoder = self._make_decoder(self.decoding, self.batch_noise)
        return self.decoding

    def _decoder_for_calls(self) -> AnswerDecoder:
        if self._decoder is None:  # "auto", not calibrated yet: plain decoding is the safe choice
            self._decoder = self._make_decoder("plain", None)
        return self._decoder

    def _make_decoder(self, decoding: str, noise: float | None) -> AnswerDecoder:
        if decoding == "plain":
            return PlainDecoder(self._llama, self._grammar, steering=self._steering)
        return DraftingDecoder(
            self._llama,
            self._grammar,
            steering=self._steering,
            max_draft_tokens=self._max_draft_tokens,
            tie_margin=tie_margin_for_noise(noise),
        )

    # -- prompt ---------------------------------------------------------------------------------------------------

    def prompt_parts(self, text: str) -> PromptParts:
        return self.profile.parts(text, self.real_name)

    def render_prompt(self, text: str) -> str:
        """The whole prompt as text (for tests and `eval`; it contains the text, so never log it)."""
        return self.frame.wrap(self.prompt_parts(text).text)

    @property
    def fixed_prefix_text(self) -> str:
        """The start of every prompt: chat frame head and the profile's instructions. Holds no user data."""
        return self.frame.head + self.profile.parts("").fixed

    @property
    def fixed_prefix_tokens(self) -> list[int]:
        """`fixed_prefix_text` as tokens (BOS included where the model wants one): the KV state worth snapshotting."""
        return list(self._prefix_tokens)

    def prompt_tokens(self, text: str) -> list[int]:
        """The exact tokens sent for ``text``: fixed prefix, then the person's part as plain text, then the frame tail."""
        return self._prefix_tokens + self._tokenize(self.prompt_parts(text).per_call) + self._tail_tokens

    def count_tokens(self, text: str) -> int:
        return len(self._tokenize(text))

    def answer_limit(self, prompt_length: int) -> int:
        """New tokens an answer to a prompt of ``prompt_length`` tokens may take: what the context leaves (capped by
        ``max_new_tokens`` when set)."""
        room = self._llama.n_ctx() - prompt_length - CONTEXT_SAFETY_TOKENS
        return room if self.max_new_tokens is None else min(room, self.max_new_tokens)

    def _answer_room_needed(self, chunk_tokens: int) -> int:
        """The answer room a chunk of ``chunk_tokens`` input tokens is planned with."""
        if self.max_new_tokens is not None:
            return self.max_new_tokens
        return ANSWER_TOKENS_PER_INPUT_TOKEN * chunk_tokens

    def chunk_token_budget(self) -> int:
        """Tokens of input text one call can take: the context window minus the prompt, the answer's room and a margin."""
        n_ctx = self._llama.n_ctx()
        overhead = len(self.prompt_tokens(""))
        free = n_ctx - overhead - CONTEXT_SAFETY_TOKENS
        if self.max_new_tokens is None:
            budget = free // (1 + ANSWER_TOKENS_PER_INPUT_TOKEN)
        else:
            budget = free - self.max_new_tokens
        if budget < MIN_CHUNK_TOKENS:
            raise ModelError(
                f"The model's context window ({n_ctx} tokens) is too small for the prompt ({overhead} tokens) and its "
                "answer. Raise the context size (Settings → Model, or n_ctx)."
            )
        return min(budget, self.max_chunk_tokens)

    # -- detection ------------------------------------------------------------------------------------------------

    def detect(
        self,
        text: str,
        *,
        cancel: threading.Event | None = None,
        progress: ProgressCallback | None = None,
        on_findings: FindingsCallback | None = None,
    ) -> list[Finding]:
        """Findings located in ``text``. ``on_findings``, if given, receives early findings while the model is still
        writing: those of each answer element as soon as it is complete, located in the whole text like the final
        ones and never repeated. They are a preview; the returned list is the result (its merge is unchanged)."""
        check_cancelled(cancel)
        tally = ModelStats()
        early = None if on_findings is None else _EarlyFindings(text, on_findings)
        try:
            return self._detect(text, tally, cancel, progress, early)
        finally:
            self.last_stats = tally

    def _detect(
        self,
        text: str,
        tally: ModelStats,
        cancel: threading.Event | None,
        progress: ProgressCallback | None,
        early: _EarlyFindings | None = None,
    ) -> list[Finding]:
        if not text.strip():
            _report(progress, 0, 0)
            return []
        budget = self.chunk_token_budget()
        pending = deque(plan_chunks(text, budget, self.count_tokens, min(self.overlap_tokens, budget // 4)))
        total = len(pending)
        items: list[ModelItem] = []
        _report(progress, 0, total)
        while pending:
            check_cancelled(cancel)
            chunk = pending.popleft()
            chunk_text = chunk.of(text)
            tokens = self.prompt_tokens(chunk_text)
            limit = self.answer_limit(len(tokens))
            if limit < self._answer_room_needed(self.count_tokens(chunk_text)):  # chunk sizes were estimates
                smaller = self._split_chunk(text, chunk)
                if smaller is None:
                    raise ModelError("The model's context window is too small for the prompt; raise n_ctx.")
                pending.extendleft(reversed(smaller))
                total += len(smaller) - 1
                continue
            on_text = None if early is None else early.listener_for_answer()
            answer = self._answer(tokens, chunk_text, limit, cancel, tally, on_text)
            if answer.finish_reason != "stop":
                smaller = self._split_chunk(text, chunk, floor=MIN_RETRY_CHUNK_TOKENS)
                if smaller is None:
                    raise ModelOutputError(self._cut_off_message(limit))
                tally.chunks_retried += 1
                pending.extendleft(reversed(smaller))
                total += len(smaller) - 1
                continue
            parsed = parse_model_output(answer.text)
            items.extend(parsed.items)
            tally.items_returned += parsed.returned
            tally.items_malformed += parsed.malformed
            tally.items_preferences += parsed.preferences
            tally.chunks += 1
            _report(progress, tally.chunks, total)
        located = locate_items(text, items)
        tally.items_not_found = located.not_found
        tally.findings = len(located.findings)
        return located.findings

    def _cut_off_message(self, limit: int) -> str:
        if self.max_new_tokens is not None and limit == self.max_new_tokens:
            reason = f"at the limit of {limit} new tokens"
        else:
            reason = "where the model's context was full"
        return (
            f"The model's answer was cut off {reason}, also for the smallest part of the text, so its findings cannot "
            "be trusted and nothing was masked from it."
        )

    def _split_chunk(self, text: str, chunk: TextChunk, *, floor: int = 1) -> list[TextChunk] | None:
        """Halve a chunk (its exact prompt was too long, or its answer was cut off); None when it is ``floor`` tokens
        or fewer, or cannot be split."""
        piece = chunk.of(text)
        size = self.count_tokens(piece)
        if size <= floor:
            return None
        half = max(1, size // 2)
        smaller = [part.shifted(chunk.start) for part in plan_chunks(piece, half, self.count_tokens, 0)]
        return smaller if len(smaller) >= 2 else None

    def _answer(
        self,
        tokens: list[int],
        source_text: str,
        limit: int,
        cancel: threading.Event | None,
        tally: ModelStats,
        on_text: Callable[[str], None] | None = None,
    ) -> DecodedAnswer:
        self._restore_prefix_if_evicted(tally)
        answer = self._decoder_for_calls().decode(
            tokens, max_new_tokens=limit, source_text=source_text, cancel=cancel, on_text=on_text
        )
        tally.prompt_tokens += answer.prompt_tokens
        tally.prompt_tokens_cached += answer.prompt_tokens_cached
        tally.generated_tokens += len(answer.tokens)
        tally.prompt_eval_seconds += answer.prompt_eval_seconds
        tally.generation_seconds += answer.generation_seconds
        tally.model_steps += answer.model_steps
        tally.drafted_tokens += answer.drafted_tokens
        tally.accepted_draft_tokens += answer.accepted_draft_tokens
        return answer

    # -- llama.cpp plumbing ---------------------------------------------------------------------------------------

    def _tokenize(self, text: str, *, special: bool = False) -> list[int]:
        """Tokens without BOS; ``special`` parses control tokens such as ``<|im_start|>`` (only for our own text)."""
        if not text:
            return []
        try:
            return self._llama.tokenize(text.encode("utf-8"), add_bos=False, special=special)
        except RuntimeError:
            raise ModelError("The model's tokenizer failed.") from None  # its message quotes the text

    def _start_tokens(self) -> list[int]:
        """The BOS token if the model wants one and the chat frame does not already start with it."""
        start = self._llama.tokenize(b"", add_bos=True, special=True)
        head = self._tokenize(self.frame.head, special=True)
        return [] if head[: len(start)] == start else start

    def _token_text(self, token: int) -> str:
        if token < 0:
            return ""
        return self._llama.detokenize([token], special=True).decode("utf-8", errors="replace")


class _EarlyFindings:
    """Findings handed out while answers stream in: each answer is read by its own `AnswerStream`, each new item is
    located in the whole text, and only findings not handed out before are passed on."""

    def __init__(self, text: str, listener: FindingsCallback) -> None:
        self._text = text
        self._listener = listener
        self._sent: set[tuple[int, int, str, Level]] = set()

    def listener_for_answer(self) -> Callable[[str], None]:
        stream = AnswerStream()

        def read(piece: str) -> None:
            items = stream.feed(piece)
            if items:
                self._pass_on(locate_items(self._text, items).findings)

        return read

    def _pass_on(self, findings: list[Finding]) -> None:
        new = [finding for finding in findings if _finding_key(finding) not in self._sent]
        self._sent.update(_finding_key(finding) for finding in new)
        if new:
            self._listener(new)


def _finding_key(finding: Finding) -> tuple[int, int, str, Level]:
    return (finding.start, finding.end, finding.type, finding.level)


def _report(progress: ProgressCallback | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)
