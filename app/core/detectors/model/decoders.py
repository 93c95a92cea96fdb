"""The decoders that drive llama.cpp to write the model's answer: plain, and drafting (many tokens per model step).

Why drafting: on a laptop CPU one model step (a `llama_decode` of one token) of the 4B model costs a few hundred
milliseconds, yet most answer tokens are predictable (`drafter`), and a batch of ten tokens costs far less than ten
steps.

How — speculative decoding with a deterministic drafter and greedy verification (`DraftingDecoder`):

1. `drafter.AnswerDrafter` proposes the answer's likely continuation as tokens.
2. The last chosen token and the drafted tokens are evaluated in one batch, with logits for every row.
3. Row by row, the greedy choice under the grammar is computed (`answer_grammar.greedy_choice`: llama.cpp's own
   grammar sampler, asked about the few best candidates instead of the whole vocabulary). Drafted tokens are kept
   while they equal the choice; the first choice that differs is kept as well (it is what plain decoding picks there)
   and the rest of the batch is dropped from the KV cache.

So every kept token is the token that plain greedy decoding under the same grammar (`PlainDecoder`, which is what
`Llama.create_completion(grammar=..., temperature=0)` does) picks after the same tokens — where llama.cpp rounds a
batch row as it rounds a single token; when that holds, and the close calls it leaves, is `calibration`'s subject.

Both decoders own the generation loop, mirroring `Llama.generate` and `Llama.eval` of llama-cpp-python 0.3.36 (the
project pins it): the KV prefix the `Llama` still holds is reused, ``input_ids``/``n_tokens`` stay in step with the
KV cache, so `Llama.generate` and the next call still see a consistent state.

``steering`` exists for benchmarks on random-weight stand-in models, whose greedy answer is gibberish: it names a
token whose logit is raised above all others before each choice, so both decoders write a known answer with the
model's real costs. The app never sets it.

Nothing here logs, prints or keeps the prompt, the input or the answer beyond the call.
"""

from __future__ import annotations

import codecs
import contextlib
import ctypes
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import llama_cpp
import numpy as np
from llama_cpp.llama_grammar import LlamaGrammar

from app.core.detectors.model.answer_grammar import GrammarGate, choice_margin, greedy_choice
from app.core.detectors.model.drafter import AnswerDrafter, SpanHint, rules_span_hints
from app.core.errors import Cancelled, ModelError

# Batches of up to 48 rows. llama.cpp's CPU kernels are cheapest per row at multiples of 16 rows: on the 4B stand-in
# 32 rows cost 2.94 s and 33 rows 3.43 s, so a cap just past a multiple of 16 (32 drafts: 33 rows) wasted a block.
DEFAULT_MAX_DRAFT_TOKENS = 47
# Below this logit margin between the best and the next allowed token, a batch row's choice is checked by evaluating
# that row alone, as plain decoding does (why 0.1, and the wider margin "auto" sets: `calibration`).
DEFAULT_TIE_MARGIN = 0.1
STEERING_MARGIN = 10.0  # well above `DEFAULT_TIE_MARGIN`: a steered choice is never a close call
_NO_ABORT = llama_cpp.ggml_abort_callback()  # a NULL callback: llama.cpp then never aborts


class Steering(Protocol):
    """Names the token to favour after ``answer`` (the answer tokens so far) to an answer about ``source_text``, or
    None to leave the logits alone."""

    def __call__(self, answer: Sequence[int], source_text: str) -> int | None: ...


class FixedAnswer:
    """`Steering` toward a known token sequence (then the end token): random-weight stand-ins then write it.

    Once the answer leaves the sequence it steers no more. For benchmarks and tests only.
    """

    def __init__(self, tokens: Sequence[int], end_token: int) -> None:
        self.tokens = list(tokens)
        self.end_token = end_token

    def __call__(self, answer: Sequence[int], source_text: str = "") -> int | None:
        position = len(answer)
        if position > len(self.tokens) or list(answer) != self.tokens[:position]:
            return None
        return self.tokens[position] if position < len(self.tokens) else self.end_token


@dataclass
class DecodedAnswer:
    """One answer and what it cost — token ids and counts, which the caller must not log (the ids spell the answer)."""

    tokens: list[int]
    text: str
    finish_reason: str  # "stop": the model ended it; "length": cut at the token limit
    prompt_tokens: int
    prompt_tokens_cached: int
    prompt_eval_seconds: float
    generation_seconds: float
    model_steps: int = 0  # llama_decode calls while answering (after the prompt)
    drafted_tokens: int = 0
    accepted_draft_tokens: int = 0


class ModelRows:
    """Evaluating tokens as rows of one batch, reading their logits and forgetting rows, with the `Llama`'s
    bookkeeping (``input_ids``, ``n_tokens``) kept in step with the KV cache: what the decoders and `calibration`
    share."""

    def __init__(self, llama: llama_cpp.Llama) -> None:
        self._llama = llama

    def evaluate_rows(self, tokens: Sequence[int]) -> None:
        """Evaluate ``tokens`` in one batch with logits for every row, as `Llama.eval` does with ``logits_all``.

        `Llama.eval` itself cannot be used: it would copy every row's logits into ``Llama.scores``, which is only
        ``n_batch`` rows long unless the whole context was made with ``logits_all`` (151k floats per token).
        """
        llama = self._llama
        if len(tokens) > llama.n_batch or llama.n_tokens + len(tokens) > llama.n_ctx():
            raise ModelError("The model's answer does not fit into its context window; raise n_ctx.")
        llama._ctx.kv_cache_seq_rm(-1, llama.n_tokens, -1)
        llama._batch.set_batch(batch=list(tokens), n_past=llama.n_tokens, logits_all=True)
        llama._ctx.decode(llama._batch)
        llama.input_ids[llama.n_tokens : llama.n_tokens + len(tokens)] = tokens
        llama.n_tokens += len(tokens)
        llama._requires_eval = False

    def logits(self, row: int) -> np.ndarray[Any, Any]:
        """The logits of one output row of the last batch (-1: the last), as a writable view into llama.cpp's buffer."""
        pointer = llama_cpp.llama_get_logits_ith(self._llama.ctx, row)
        if not pointer:
            raise ModelError("llama.cpp returned no logits.")
        return np.ctypeslib.as_array(pointer, shape=(self._llama.n_vocab(),))

    def truncate(self, n_tokens: int) -> None:
        """Forget evaluated tokens from ``n_tokens`` on (rejected draft rows)."""
        llama = self._llama
        if n_tokens < llama.n_tokens:
            llama._ctx.kv_cache_seq_rm(-1, n_tokens, -1)
            llama.n_tokens = n_tokens
            llama._requires_eval = True


class AnswerDecoder(ModelRows):
    """Shared plumbing: prompt evaluation with KV prefix reuse, cancelling, timing, the `Llama`'s bookkeeping.

    One decoder per `Llama`; like the `Llama`, it is used from one thread only.
    """

    def __init__(self, llama: llama_cpp.Llama, grammar: LlamaGrammar, *, steering: Steering | None = None) -> None:
        super().__init__(llama)
        self._grammar = grammar
        self.steering = steering
        self._source_text = ""
        self._text_sink: _AnswerTextSink | None = None

    def decode(
        self,
        prompt_tokens: Sequence[int],
        *,
        max_new_tokens: int,
        source_text: str = "",
        cancel: threading.Event | None = None,
        on_text: Callable[[str], None] | None = None,
    ) -> DecodedAnswer:
        """Greedy answer to ``prompt_tokens`` under the grammar, of at most ``max_new_tokens`` tokens.

        ``on_text`` receives the answer's text as it grows: after each model step, the text of the tokens accepted
        in that step (pieces joined give the whole answer; a character split across tokens waits for its end).
        Raises `Cancelled` when ``cancel`` is set (llama.cpp also stops inside a long evaluation) and `ModelError`
        when llama.cpp fails; neither message quotes the text.
        """
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        started = time.perf_counter()
        self._source_text = source_text
        self._text_sink = None if on_text is None else _AnswerTextSink(self._llama, on_text)
        try:
            with abort_when_cancelled(self._llama, cancel):
                cached = self._evaluate_prompt(prompt_tokens)
                prompt_seconds = time.perf_counter() - started
                answer = self._answer(prompt_tokens, max_new_tokens, source_text, cancel)
                self._step_done(answer.tokens, None)
        except (RuntimeError, ValueError):
            # An abort surfaces as a failed decode. llama.cpp errors can quote the input: never chain them.
            if cancel is not None and cancel.is_set():
                raise Cancelled() from None
            raise ModelError("The model failed while reading the text or writing its answer.") from None
        finally:
            self._source_text = ""  # keep no user text beyond the call
            self._text_sink = None
        answer.prompt_tokens = len(prompt_tokens)
        answer.prompt_tokens_cached = cached
        answer.prompt_eval_seconds = prompt_seconds
        answer.generation_seconds = time.perf_counter() - started - prompt_seconds
        answer.text = self._llama.detokenize(answer.tokens, prev_tokens=list(prompt_tokens)).decode(
            "utf-8", errors="ignore"
        )
        return answer

    def _answer(
        self, prompt_tokens: Sequence[int], max_new_tokens: int, source_text: str, cancel: threading.Event | None
    ) -> DecodedAnswer:
        raise NotImplementedError

    # -- prompt ---------------------------------------------------------------------------------------------------

    def _evaluate_prompt(self, prompt_tokens: Sequence[int]) -> int:
        """Evaluate what llama.cpp does not already hold of the prompt; return how many tokens were reused.

        As `Llama.generate` does: keep the longest common prefix of the held tokens and the prompt (at least the last
        prompt token is evaluated again, for its logits), drop the rest from the KV cache, evaluate the remainder.
        """
        llama = self._llama
        if len(prompt_tokens) >= llama.n_ctx():
            raise ModelError("The prompt does not fit into the model's context window; raise n_ctx.")
        reused = min(common_prefix_length(llama.input_ids[: llama.n_tokens], prompt_tokens), len(prompt_tokens) - 1)
        if reused > 0 and llama._ctx.kv_cache_seq_rm(-1, reused, -1):
            llama.n_tokens = reused
        else:
            reused = 0
            reset_tokens(llama)
        llama._requires_eval = True
        llama.eval(list(prompt_tokens[reused:]))
        return reused

    # -- around each model step -----------------------------------------------------------------------------------

    def _steer(self, logits: np.ndarray[Any, Any], answer: Sequence[int]) -> None:
        if self.steering is None:
            return
        target = self.steering(answer, self._source_text)
        if target is not None:
            logits[target] = float(np.max(logits)) + STEERING_MARGIN

    def _step_done(self, tokens: Sequence[int], cancel: threading.Event | None) -> None:
        """After each model step: hand the newly accepted answer text on, then stop if cancelled."""
        if self._text_sink is not None:
            self._text_sink.catch_up(tokens)
        _check(cancel)

    def is_end(self, token: int) -> bool:
        """An end-of-generation token (``<|im_end|>`` and the like): the answer is complete."""
        return bool(llama_cpp.llama_vocab_is_eog(self._llama._model.vocab, token))


@contextlib.contextmanager
def abort_when_cancelled(llama: llama_cpp.Llama, cancel: threading.Event | None) -> Iterator[None]:
    """Let llama.cpp stop a running evaluation when ``cancel`` is set: a long prompt takes minutes on a CPU."""
    if cancel is None:
        yield
        return
    callback = llama_cpp.ggml_abort_callback(lambda _data: cancel.is_set())
    llama_cpp.llama_set_abort_callback(llama.ctx, callback, None)  # llama.cpp keeps a raw pointer: `callback` lives on
    try:
        yield
    finally:
        llama_cpp.llama_set_abort_callback(llama.ctx, _NO_ABORT, None)


def _check(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled()


class _AnswerTextSink:
    """Turns the growing list of answer tokens into text pieces for a listener (`AnswerDecoder.decode`'s ``on_text``).

    Token pieces are bytes; a UTF-8 character can span two tokens, so an incremental decoder holds a partial one back.
    """

    def __init__(self, llama: llama_cpp.Llama, listener: Callable[[str], None]) -> None:
        self._llama = llama
        self._listener = listener
        self._sent = 0
        self._utf8 = codecs.getincrementaldecoder("utf-8")(errors="ignore")

    def catch_up(self, tokens: Sequence[int]) -> None:
        new = tokens[self._sent :]
        self._sent = len(tokens)
        text = self._utf8.decode(b"".join(token_piece(self._llama, token) for token in new))
        if text:
            self._listener(text)


class PlainDecoder(AnswerDecoder):
    """The reference: one token per model step, sampled by llama.cpp's sampler chain with the whole-vocabulary grammar.

    The chain is built by `Llama._init_sampler` with the arguments `ModelDetector` used to give
    `Llama.create_completion` (temperature 0, no repeat penalty, the grammar): the same tokens, the same costs.
    """

    def _answer(
        self, prompt_tokens: Sequence[int], max_new_tokens: int, source_text: str, cancel: threading.Event | None
    ) -> DecodedAnswer:
        llama = self._llama
        sampler = llama._init_sampler(temp=0.0, repeat_penalty=1.0, grammar=self._grammar)
        tokens: list[int] = []
        answer = DecodedAnswer(tokens, "", "length", 0, 0, 0.0, 0.0)
        try:
            while True:
                self._steer(self.logits(-1), tokens)
                token = sampler.sample(llama._ctx, -1)
                if self.is_end(token):
                    answer.finish_reason = "stop"
                    return answer
                tokens.append(token)
                if len(tokens) >= max_new_tokens:
                    return answer
                self._step_done(tokens, cancel)
                self.evaluate_rows([token])
                answer.model_steps += 1
        finally:
            sampler.close()


class DraftingDecoder(AnswerDecoder):
    """Greedy decoding that drafts the answer's predictable tokens and verifies them in one batch per model step."""

    def __init__(
        self,
        llama: llama_cpp.Llama,
        grammar: LlamaGrammar,
        *,
        steering: Steering | None = None,
        max_draft_tokens: int = DEFAULT_MAX_DRAFT_TOKENS,
        span_hints: Callable[[str], Sequence[SpanHint]] | None = rules_span_hints,
        tie_margin: float = DEFAULT_TIE_MARGIN,
    ) -> None:
        super().__init__(llama, grammar, steering=steering)
        self.max_draft_tokens = max_draft_tokens
        self._span_hints = span_hints
        self.tie_margin = tie_margin
        self._pieces: dict[int, bytes] = {}

    def _answer(
        self, prompt_tokens: Sequence[int], max_new_tokens: int, source_text: str, cancel: threading.Event | None
    ) -> DecodedAnswer:
        hints = self._span_hints(source_text) if self._span_hints is not None and source_text else ()
        drafter = AnswerDrafter(source_text=source_text, piece=self._piece, tokenize=self._tokenize_plain, hints=hints)
        tokens: list[int] = []
        answer = DecodedAnswer(tokens, "", "length", 0, 0, 0.0, 0.0)
        gate = GrammarGate(self._llama, self._grammar)
        try:
            choice = self._choose(self.logits(-1), tokens, gate)
            while True:
                if self.is_end(choice):
                    answer.finish_reason = "stop"
                    return answer
                self._take(choice, tokens, gate, drafter)
                if len(tokens) >= max_new_tokens:
                    return answer
                self._step_done(tokens, cancel)
                room = min(
                    self.max_draft_tokens,
                    max_new_tokens - len(tokens) - 1,
                    self._llama.n_ctx() - self._llama.n_tokens - 2,
                    self._llama.n_batch - 1,
                )
                draft = drafter.propose(room)
                batch = [choice, *draft]
                start = self._llama.n_tokens
                self.evaluate_rows(batch)
                answer.model_steps += 1
                answer.drafted_tokens += len(draft)
                verdict = self._verify(draft, tokens, gate, drafter, max_new_tokens)
                answer.accepted_draft_tokens += verdict.accepted
                if verdict.close_call:
                    choice = self._recheck_alone(batch[verdict.accepted], start + verdict.accepted, tokens, gate)
                    answer.model_steps += 1
                    continue
                self.truncate(start + 1 + verdict.accepted)
                if verdict.choice is None:  # the token limit was reached inside the draft
                    return answer
                choice = verdict.choice
        finally:
            gate.close()

    def _verify(
        self,
        draft: Sequence[int],
        tokens: list[int],
        gate: GrammarGate,
        drafter: AnswerDrafter,
        max_new_tokens: int,
    ) -> _Verdict:
        """Keep drafted tokens while each is the greedy choice; say what comes next and how many were kept.

        A row whose choice wins by less than ``tie_margin`` is a close call: its choice is left to `_recheck_alone`.
        """
        for row in range(len(draft) + 1):
            logits = self.logits(row)
            choice = self._choose(logits, tokens, gate)
            if self.tie_margin > 0 and choice_margin(logits, gate, choice) < self.tie_margin:
                return _Verdict(None, row, close_call=True)
            if row < len(draft) and choice != draft[row]:
                drafter.refused(draft[row], choice)
            if row == len(draft) or choice != draft[row] or self.is_end(choice):
                return _Verdict(choice, row)
            self._take(choice, tokens, gate, drafter)
            if len(tokens) >= max_new_tokens:
                return _Verdict(None, row + 1)
        raise AssertionError("unreachable")

    def _recheck_alone(self, token: int, position: int, tokens: list[int], gate: GrammarGate) -> int:
        """Evaluate ``token`` (at ``position``) alone and choose from its logits, as plain decoding would."""
        self.truncate(position)
        self.evaluate_rows([token])
        return self._choose(self.logits(-1), tokens, gate)

    def _choose(self, logits: np.ndarray[Any, Any], tokens: Sequence[int], gate: GrammarGate) -> int:
        self._steer(logits, tokens)
        return greedy_choice(logits, gate)

    @staticmethod
    def _take(token: int, tokens: list[int], gate: GrammarGate, drafter: AnswerDrafter) -> None:
        tokens.append(token)
        gate.accept(token)
        drafter.push(token)

    def _piece(self, token: int) -> bytes:
        piece = self._pieces.get(token)
        if piece is None:
            piece = self._pieces[token] = token_piece(self._llama, token)
        return piece

    def _tokenize_plain(self, data: bytes) -> list[int]:
        return self._llama.tokenize(data, add_bos=False, special=False)


@dataclass(frozen=True, slots=True)
class _Verdict:
    """How a batch went: the next choice (None: stop, or a close call), drafted tokens kept, and whether the last
    row was too close to call from a batch."""

    choice: int | None
    accepted: int
    close_call: bool = False


def token_piece(llama: llama_cpp.Llama, token: int) -> bytes:
    """The bytes a token stands for (control tokens: none).

    Not `LlamaModel.token_to_piece`: in 0.3.36 it returns its whole 32-byte buffer, NUL padding included.
    """
    size = 64
    while True:
        buffer = ctypes.create_string_buffer(size)
        length = llama_cpp.llama_token_to_piece(llama._model.vocab, token, buffer, size, 0, False)
        if length >= 0:
            return buffer.raw[:length]
        size = -length


def reset_tokens(llama: llama_cpp.Llama) -> None:
    """`Llama.reset`: forget which tokens were evaluated (``n_tokens`` 0); the KV cache keeps its cells."""
    llama.reset()  # type: ignore[no-untyped-call]  # unannotated in llama-cpp-python 0.3.36


def clear_kv_cache(llama: llama_cpp.Llama) -> None:
    """Empty llama.cpp's KV cache (the tokens' bookkeeping is left alone)."""
    llama._ctx.kv_cache_clear()  # type: ignore[no-untyped-call]  # unannotated in llama-cpp-python 0.3.36


def empty_model(llama: llama_cpp.Llama) -> None:
    """Forget every evaluated token: the bookkeeping and the KV cache alike."""
    reset_tokens(llama)
    clear_kv_cache(llama)


TokenIds = Sequence[int] | np.ndarray[Any, np.dtype[np.intc]]
"""Token ids as a list, or as `Llama.input_ids` holds them."""


def common_prefix_length(first: TokenIds, second: TokenIds) -> int:
    """How many leading tokens two sequences share (vectorised: prompts are thousands of tokens)."""
    count = min(len(first), len(second))
    if count == 0:
        return 0
    differs = np.flatnonzero(np.asarray(first[:count]) != np.asarray(second[:count]))
    return int(differs[0]) if differs.size else count
