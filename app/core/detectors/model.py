"""The detector that asks a local LLM (MemPrivacy, a Qwen3 fine-tune, via llama.cpp) for the private spans of a text.

One call per chunk of the input:

1. The prompt is the chat frame (`prompts.chat_frame`) around the profile's fixed instructions and then the person's
   name and text. The fixed part comes first and is tokenized once, so llama.cpp evaluates only the new tokens after
   the prefix it still holds from the last call. The person's part is tokenized with special tokens off: text that
   looks like ``<|im_end|>`` cannot end the message early.
2. Decoding is greedy, under a JSON-schema grammar (built once per detector: it is costly), with a bound on new
   tokens. An answer that did not end by itself (``finish_reason != "stop"``) is cut off and raises
   `ModelOutputError`: it must never pass as "nothing found".
3. The answer is parsed and located in the whole input (`model_output`), so a value that crosses a chunk edge, or
   occurs in another chunk too, is found whole everywhere.

Cancelling is honoured between chunks, while the prompt is evaluated (a llama.cpp abort callback: a long prompt can
take minutes on a CPU) and after every generated token (a stopping criterion).

A detector wraps ONE long-lived `llama_cpp.Llama` passed in by the caller, which keeps the KV state between calls.
Neither is thread-safe: one worker thread owns both, and nothing else may use that `Llama` meanwhile (another prompt
in between would also evict the reusable prefix).

Nothing here logs, prints or keeps the text, the prompt or the answer; `last_stats` holds counts and times only.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import llama_cpp
import numpy as np

from app.core.chunking import TextChunk, plan_chunks
from app.core.detectors.base import ProgressCallback, check_cancelled
from app.core.detectors.model_output import ANSWER_SCHEMA, ModelItem, locate_items, parse_model_output
from app.core.detectors.prompts import DEFAULT_PROFILE, ChatFrame, PromptParts, PromptProfile, chat_frame, get_profile
from app.core.errors import Cancelled, ModelError, ModelOutputError
from app.core.findings import MODEL, Finding

DEFAULT_MAX_NEW_TOKENS = 1024
DEFAULT_MAX_CHUNK_TOKENS = 1024
DEFAULT_OVERLAP_TOKENS = 48
# Room left unused in the context window: chunk sizes are estimated from pieces, and the frame adds a token or two.
CONTEXT_SAFETY_TOKENS = 8
MIN_CHUNK_TOKENS = 16

_NO_ABORT = llama_cpp.ggml_abort_callback()  # a NULL callback: llama.cpp then never aborts


@dataclass(frozen=True, slots=True)
class ModelStats:
    """What the last `ModelDetector.detect` cost and returned — counts and times only, never content.

    ``prompt_tokens_cached`` counts prompt tokens llama.cpp still held from the previous call (about that many were
    not evaluated again). ``items_returned`` counts the answer arrays' elements; ``items_malformed`` those skipped for
    missing or mistyped fields; ``items_not_found`` the distinct values that do not occur in the input.
    """

    chunks: int = 0
    prompt_tokens: int = 0
    prompt_tokens_cached: int = 0
    generated_tokens: int = 0
    prompt_eval_seconds: float = 0.0
    generation_seconds: float = 0.0
    items_returned: int = 0
    items_malformed: int = 0
    items_not_found: int = 0
    findings: int = 0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _StatsTally:
    """Mutable totals while `detect` runs; frozen into `ModelStats` at the end (also when it fails)."""

    chunks: int = 0
    prompt_tokens: int = 0
    prompt_tokens_cached: int = 0
    generated_tokens: int = 0
    prompt_eval_seconds: float = 0.0
    generation_seconds: float = 0.0
    items_returned: int = 0
    items_malformed: int = 0
    items_not_found: int = 0
    findings: int = 0

    def frozen(self) -> ModelStats:
        return ModelStats(**asdict(self))


@dataclass
class _Answer:
    text: str
    finish_reason: str
    prompt_tokens: int
    prompt_tokens_cached: int
    generated_tokens: int
    prompt_eval_seconds: float
    generation_seconds: float


@dataclass
class _GenerationClock:
    """Splits a call's time at the first sampled token: before it the prompt was evaluated, after it the answer."""

    started: float = field(default_factory=time.perf_counter)
    first_token: float | None = None

    def mark_first_token(self) -> bool:
        if self.first_token is not None:
            return False
        self.first_token = time.perf_counter()
        return True

    def phases(self) -> tuple[float, float]:
        ended = time.perf_counter()
        split = self.first_token if self.first_token is not None else ended
        return split - self.started, ended - split


class ModelDetector:
    """Private spans found by a local LLM. Not thread-safe: used from one worker thread, with a `Llama` nobody shares.

    Options: ``profile`` (a prompt profile name or object; `prompts.PROFILE_NAMES`), ``real_name`` (the person's own
    name, a setting: tells their name apart from third parties'), ``max_new_tokens`` (bound on each answer: an answer
    that reaches it raises `ModelOutputError`), ``max_chunk_tokens`` and ``overlap_tokens`` (long-text splitting).
    """

    name = MODEL

    def __init__(
        self,
        llama: llama_cpp.Llama,
        *,
        profile: str | PromptProfile = DEFAULT_PROFILE,
        real_name: str = "",
        max_new_tokens: int = DEFAULT_MAX_NEW_TOKENS,
        max_chunk_tokens: int = DEFAULT_MAX_CHUNK_TOKENS,
        overlap_tokens: int = DEFAULT_OVERLAP_TOKENS,
        prompts_folder: Path | None = None,
    ) -> None:
        if isinstance(getattr(llama, "cache", None), llama_cpp.LlamaDiskCache):
            raise ModelError("The model has a disk cache, which would store text unencrypted; load it without one.")
        if max_new_tokens < 1 or max_chunk_tokens < MIN_CHUNK_TOKENS or overlap_tokens < 0:
            raise ValueError("token limits out of range")
        self._llama = llama
        self.profile = get_profile(profile, prompts_folder) if isinstance(profile, str) else profile
        self.real_name = real_name
        self.max_new_tokens = max_new_tokens
        self.max_chunk_tokens = max_chunk_tokens
        self.overlap_tokens = overlap_tokens
        self.frame: ChatFrame = chat_frame(
            llama.metadata, bos_token=self._token_text(llama.token_bos()), eos_token=self._token_text(llama.token_eos())
        )
        self._grammar = llama_cpp.LlamaGrammar.from_json_schema(json.dumps(ANSWER_SCHEMA), verbose=False)
        self._prefix_tokens = self._start_tokens() + self._tokenize(self.frame.head + self.profile.fixed, special=True)
        self._tail_tokens = self._tokenize(self.frame.tail, special=True)
        self._abort_callback: Any = None
        self.last_stats: ModelStats | None = None

    # -- prompt ---------------------------------------------------------------------------------------------------

    def prompt_parts(self, text: str) -> PromptParts:
        return self.profile.parts(text, self.real_name)

    def render_prompt(self, text: str) -> str:
        """The whole prompt as text (for tests and `eval`; it contains the text, so never log it)."""
        return self.frame.wrap(self.prompt_parts(text).text)

    @property
    def fixed_prefix_text(self) -> str:
        """The start of every prompt: chat frame head and the profile's instructions. Holds no user data."""
        return self.frame.head + self.profile.fixed

    @property
    def fixed_prefix_tokens(self) -> list[int]:
        """`fixed_prefix_text` as tokens (BOS included where the model wants one): the KV state worth snapshotting."""
        return list(self._prefix_tokens)

    def prompt_tokens(self, text: str) -> list[int]:
        """The exact tokens sent for ``text``: fixed prefix, then the person's part as plain text, then the frame tail."""
        return self._prefix_tokens + self._tokenize(self.profile.per_call(text, self.real_name)) + self._tail_tokens

    def count_tokens(self, text: str) -> int:
        return len(self._tokenize(text))

    def chunk_token_budget(self) -> int:
        """Tokens of input text one call can take: the context window minus prompt, answer bound and a margin."""
        n_ctx = self._llama.n_ctx()
        overhead = len(self.prompt_tokens(""))
        budget = n_ctx - overhead - self.max_new_tokens - CONTEXT_SAFETY_TOKENS
        if budget < MIN_CHUNK_TOKENS:
            raise ModelError(
                f"The model's context window ({n_ctx} tokens) is too small for the prompt ({overhead} tokens) and "
                f"an answer of up to {self.max_new_tokens} tokens. Raise n_ctx or lower the answer limit."
            )
        return min(budget, self.max_chunk_tokens)

    # -- detection ------------------------------------------------------------------------------------------------

    def detect(
        self,
        text: str,
        *,
        cancel: threading.Event | None = None,
        progress: ProgressCallback | None = None,
    ) -> list[Finding]:
        check_cancelled(cancel)
        tally = _StatsTally()
        try:
            return self._detect(text, tally, cancel, progress)
        finally:
            self.last_stats = tally.frozen()

    def _detect(
        self,
        text: str,
        tally: _StatsTally,
        cancel: threading.Event | None,
        progress: ProgressCallback | None,
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
            tokens = self.prompt_tokens(chunk.of(text))
            if len(tokens) + self.max_new_tokens > self._llama.n_ctx():
                smaller = self._split_chunk(text, chunk)
                pending.extendleft(reversed(smaller))
                total += len(smaller) - 1
                continue
            answer = self._answer(tokens, cancel, tally)
            if answer.finish_reason != "stop":
                raise ModelOutputError(
                    f"The model's answer was cut off at the limit of {self.max_new_tokens} new tokens, so its "
                    "findings cannot be trusted and nothing was masked from it. Raise the answer limit or mask a "
                    "shorter text."
                )
            parsed = parse_model_output(answer.text)
            items.extend(parsed.items)
            tally.items_returned += parsed.returned
            tally.items_malformed += parsed.malformed
            tally.chunks += 1
            _report(progress, tally.chunks, total)
        located = locate_items(text, items)
        tally.items_not_found = located.not_found
        tally.findings = len(located.findings)
        return located.findings

    def _split_chunk(self, text: str, chunk: TextChunk) -> list[TextChunk]:
        """Halve a chunk whose exact prompt turned out too long (token counts of pieces are only estimates)."""
        piece = chunk.of(text)
        half = max(1, self.count_tokens(piece) // 2)
        smaller = [part.shifted(chunk.start) for part in plan_chunks(piece, half, self.count_tokens, 0)]
        if len(smaller) < 2:
            raise ModelError("The model's context window is too small for the prompt; raise n_ctx.")
        return smaller

    def _answer(self, tokens: list[int], cancel: threading.Event | None, tally: _StatsTally) -> _Answer:
        answer = self._generate(tokens, cancel)
        tally.prompt_tokens += answer.prompt_tokens
        tally.prompt_tokens_cached += answer.prompt_tokens_cached
        tally.generated_tokens += answer.generated_tokens
        tally.prompt_eval_seconds += answer.prompt_eval_seconds
        tally.generation_seconds += answer.generation_seconds
        return answer

    def _generate(self, tokens: list[int], cancel: threading.Event | None) -> _Answer:
        cached = self._cached_prefix_length(tokens)
        clock = _GenerationClock()

        def stop_if_cancelled(_input_ids: Any, _logits: Any) -> bool:
            if clock.mark_first_token():
                self._set_abort(None)  # the prompt is evaluated; per-token checks take over
            return cancel is not None and cancel.is_set()

        self._set_abort(cancel)
        try:
            completion: Any = self._llama.create_completion(
                tokens,
                max_tokens=self.max_new_tokens,
                temperature=0.0,
                repeat_penalty=1.0,
                grammar=self._grammar,
                stopping_criteria=llama_cpp.StoppingCriteriaList([stop_if_cancelled]),
            )
        except (RuntimeError, ValueError):
            # An abort surfaces as a failed decode. llama.cpp errors can quote the input: never chain them.
            if cancel is not None and cancel.is_set():
                raise Cancelled() from None
            raise ModelError("The model failed while reading the text or writing its answer.") from None
        finally:
            self._set_abort(None)
        check_cancelled(cancel)  # a stopping criterion ends generation as if it had finished
        prompt_seconds, generation_seconds = clock.phases()
        choice = completion["choices"][0]
        return _Answer(
            text=choice["text"],
            finish_reason=str(choice["finish_reason"]),
            prompt_tokens=len(tokens),
            prompt_tokens_cached=cached,
            generated_tokens=int(completion["usage"]["completion_tokens"]),
            prompt_eval_seconds=prompt_seconds,
            generation_seconds=generation_seconds,
        )

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

    def _cached_prefix_length(self, tokens: Sequence[int]) -> int:
        """How many leading prompt tokens llama.cpp still holds (it always re-evaluates at least the last one)."""
        held_count = min(self._llama.n_tokens, len(tokens))
        if held_count == 0:
            return 0
        held = np.asarray(self._llama.input_ids[:held_count])
        differs = np.flatnonzero(held != np.asarray(tokens[:held_count]))
        common = int(differs[0]) if differs.size else held_count
        return min(common, len(tokens) - 1)

    def _set_abort(self, cancel: threading.Event | None) -> None:
        """Let llama.cpp stop a long prompt evaluation when ``cancel`` is set (None removes the hook)."""
        if cancel is None:
            if self._abort_callback is not None:
                llama_cpp.llama_set_abort_callback(self._llama.ctx, _NO_ABORT, None)
                self._abort_callback = None
            return
        callback = llama_cpp.ggml_abort_callback(lambda _data: cancel.is_set())
        llama_cpp.llama_set_abort_callback(self._llama.ctx, callback, None)
        self._abort_callback = callback  # llama.cpp holds only a raw pointer: keep the Python object alive


def _report(progress: ProgressCallback | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)
