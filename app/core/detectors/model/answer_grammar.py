"""The grammar the model's answer is decoded under: the answer's JSON shape, with JSON's own freedom of whitespace.

Why not `LlamaGrammar.from_json_schema`: llama-cpp-python's schema converter allows only an optional single space
between JSON tokens, while MemPrivacy was trained and evaluated without that restriction (the paper decodes with
vLLM, unconstrained whitespace) and may break lines and indent. Where the model wants a newline after ``[``, a grammar
without one leaves ``]`` among the few allowed tokens, and the list can end before its first item with no error.
So the whitespace rule here is llama.cpp's own (``json-schema-to-grammar``'s ``space``): nothing, one space, or one
or two newlines followed by up to 20 spaces or tabs.

What the grammar fixes, and why:

- the keys and their order (``original_text``, ``privacy_type``, ``privacy_level``), as the model was trained to
  write them;
- the levels PL1–PL4: the model may grade an item PL1 (a preference), and forcing it to PL2+ would mask it; PL1
  items are dropped after parsing (`output`);
- strings without raw control characters, as JSON requires: a raw newline inside a value would make the whole
  answer unparseable, so the model must escape it (``\\n``), which parsing then reads back.

The answer may not be followed by anything but the end token: the grammar ends at ``]``.

Asking the grammar (`GrammarGate`, `greedy_choice`): plain decoding masks the whole 151k-token vocabulary with the
grammar before every token (~20–35 ms on a laptop CPU). The drafting decoder instead asks llama.cpp's own grammar
sampler about the few best candidates of a row, which costs microseconds and picks the same token.
"""

from __future__ import annotations

import ctypes
from typing import Any

import llama_cpp
import numpy as np
from llama_cpp.llama_grammar import LlamaGrammar

from app.core.detectors.model.output import ANSWER_KEYS, ANSWER_LEVELS
from app.core.errors import ModelError

# Candidate widths tried before asking the grammar about the whole vocabulary (which costs tens of milliseconds).
_CANDIDATE_WIDTHS = (32, 1024)
_TOKEN_DATA = np.dtype([("id", np.intc), ("logit", np.single), ("p", np.single)], align=True)


def _literal(text: str) -> str:
    """A GBNF string literal for ``text`` (quotes and backslashes escaped)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _key(name: str) -> str:
    return _literal(f'"{name}"')


def answer_grammar_text() -> str:
    """The GBNF source of the answer grammar."""
    original_text, privacy_type, privacy_level = ANSWER_KEYS
    item = " ".join(
        [
            '"{" ws',
            f'{_key(original_text)} ws ":" ws string ws "," ws',
            f'{_key(privacy_type)} ws ":" ws string ws "," ws',
            f'{_key(privacy_level)} ws ":" ws level ws',
            '"}"',
        ]
    )
    levels = " | ".join(_literal(f'"{level}"') for level in ANSWER_LEVELS)
    return "\n".join(
        [
            'root ::= "[" ws ( item ( ws "," ws item )* ws )? "]"',
            f"item ::= {item}",
            f"level ::= {levels}",
            'string ::= "\\"" char* "\\""',
            'char ::= [^"\\\\\\x7F\\x00-\\x1F] | "\\\\" ( ["\\\\/bfnrt] | "u" [0-9a-fA-F]{4} )',
            'ws ::= | " " | "\\n"{1,2} [ \\t]{0,20}',
            "",
        ]
    )


def answer_grammar() -> LlamaGrammar:
    """The answer grammar, ready for llama.cpp (building it costs time: build it once per detector)."""
    return LlamaGrammar.from_string(answer_grammar_text(), verbose=False)


class GrammarGate:
    """llama.cpp's grammar sampler for one answer: which tokens the grammar allows now, and advancing it by one.

    It is the same sampler `Llama.create_completion(grammar=...)` builds (`llama_sampler_init_grammar` with the
    grammar's text and root), so "allowed" means exactly what it means there. Asking about 30 tokens costs
    microseconds; asking about the whole vocabulary is what plain decoding pays on every token.
    """

    def __init__(self, llama: llama_cpp.Llama, grammar: LlamaGrammar) -> None:
        sampler = llama_cpp.llama_sampler_init_grammar(
            llama._model.vocab, grammar._grammar.encode("utf-8"), grammar._root.encode("utf-8")
        )
        if not sampler:
            raise ModelError("llama.cpp could not build the answer grammar.")
        self._sampler = sampler
        self.n_vocab = llama.n_vocab()
        self.all_tokens = np.arange(self.n_vocab, dtype=np.intc)
        self._data = np.zeros(self.n_vocab, dtype=_TOKEN_DATA)
        self._array = llama_cpp.llama_token_data_array(
            data=self._data.ctypes.data_as(llama_cpp.llama_token_data_p), size=0, selected=-1, sorted=False
        )

    def allowed(self, tokens: np.ndarray[Any, Any]) -> np.ndarray[Any, np.dtype[np.bool_]]:
        """A mask over ``tokens``: True where the grammar accepts the token next (the grammar sets others to -inf)."""
        count = len(tokens)
        self._data["id"][:count] = tokens
        self._data["logit"][:count] = 0.0
        self._array.size = count
        self._array.selected = -1
        self._array.sorted = False
        llama_cpp.llama_sampler_apply(self._sampler, ctypes.byref(self._array))
        allowed: np.ndarray[Any, np.dtype[np.bool_]] = np.isfinite(self._data["logit"][:count])
        return allowed

    def allows(self, token: int) -> bool:
        return bool(self.allowed(np.array([token], dtype=np.intc))[0])

    def accept(self, token: int) -> None:
        """Advance the grammar by ``token``, which must be allowed (llama.cpp aborts the process on a rejected one)."""
        llama_cpp.llama_sampler_accept(self._sampler, token)

    def close(self) -> None:
        if self._sampler:
            llama_cpp.llama_sampler_free(self._sampler)
            self._sampler = None


def greedy_choice(logits: np.ndarray[Any, Any], gate: GrammarGate) -> int:
    """The token plain greedy decoding under the grammar picks: the highest logit among allowed tokens, lowest id on ties.

    That is llama.cpp's chain of grammar sampler (rejected tokens get -inf) and greedy sampler (the first maximum in
    id order). The grammar is asked about the best candidates first and about the whole vocabulary only when none of
    them is allowed; candidates are always a whole leading run of the order (-logit, id), ties at its end included,
    so the first allowed one is the answer.
    """
    best = int(np.argmax(logits))
    if gate.allows(best):
        return best
    for width in _CANDIDATE_WIDTHS:
        candidates = _leading_candidates(logits, width)
        allowed = gate.allowed(candidates)
        if allowed.any():
            return int(candidates[int(np.argmax(allowed))])
    allowed = gate.allowed(gate.all_tokens)
    if not allowed.any():
        raise ModelError("The answer grammar allows no token; the model's answer cannot go on.")
    return int(np.argmax(np.where(allowed, logits, -np.inf)))


def choice_margin(logits: np.ndarray[Any, Any], gate: GrammarGate, choice: int) -> float:
    """How far the chosen token's logit lies above the best other token the grammar allows now.

    Looks among the 8 best candidates; when none of them is allowed, the gap to the 8th is a lower bound.
    """
    candidates = _leading_candidates(logits, 8)
    others = candidates[candidates != choice]
    if others.size == 0:
        return float("inf")
    allowed = gate.allowed(others)
    runner_up = others[int(np.argmax(allowed))] if allowed.any() else others[-1]
    return float(logits[choice] - logits[runner_up])


def _leading_candidates(logits: np.ndarray[Any, Any], width: int) -> np.ndarray[Any, Any]:
    """At least ``width`` tokens with the highest logits (all ties of the lowest one included), best first."""
    width = min(width, len(logits))
    threshold = logits[np.argpartition(logits, -width)[-width:]].min()
    candidates = np.flatnonzero(logits >= threshold)
    order = np.lexsort((candidates, -logits[candidates]))
    return candidates[order].astype(np.intc)
