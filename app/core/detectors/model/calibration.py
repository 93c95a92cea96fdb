"""Choosing the decoder for ``decoding="auto"``: drafting where llama.cpp rounds batch rows like single tokens.

This is the one place the "auto" decoding rationale is written down; the decoders, the detector and the benchmarks'
README point here.

Why a choice at all: drafting (`decoders.DraftingDecoder`) writes the tokens plain decoding writes only where a row
evaluated in a batch has the logits the same token has evaluated alone. llama.cpp does not promise that: its batch
and single-token kernels round differently, by an amount that depends on the weights' quantization (the K-quant
kernels differ between batches and single tokens), the attention kernel (flash attention or not) and the backend.
Where two allowed tokens lie closer than that, a batch row can pick the other one.

How: `measure_batch_noise` compares, once per loaded model when its prefix is warmed, the last few tokens of the fixed
prompt prefix (no user data) evaluated in one batch and one at a time; the largest logit difference is the noise.
`decoding_for_noise` then drafts when the noise is at most `MAX_NOISE_FOR_DRAFTING`, and `tie_margin_for_noise`
makes every batch row whose best allowed token leads the next by less than max(`DEFAULT_TIE_MARGIN`,
`TIE_MARGIN_PER_NOISE` × noise) a close call, re-checked by evaluating that row alone as plain decoding does. Above
the threshold decoding stays plain: a close call re-checked alone would still sit on history a batch made. Until the
noise is measured, "auto" decodes plainly.

The figures behind 0.5, 0.1 and 4, measured on a 2-core x86 CPU (AMD EPYC) with llama-cpp-python 0.3.36:

- SmolLM2-135M Q4_1: 0.65 without flash attention (drafting then gave the same findings as plain decoding on all 9
  texts of the equivalence corpus, but different tokens in 2–3 of them), 0 with it (the equivalence tests load it so);
- the Qwen3-shaped Q4_K_M stand-ins: 0.05 for the 0.6B shape, 0.31 for the 4B shape after its 3k-token prefix (its
  e-mail answer then took 20.5 s drafted against 45.2 s plain), 0.55 for the 4B with flash attention.

So 0.5 lets the 4B draft and keeps SmolLM2's rounding on the plain side. The margin's floor of 0.1 covers rounding in
the last bits where the noise measures ~0, at almost no cost (few rows are that close); four times the noise covers
the close calls a noisier model leaves. Flash attention is no requirement: on a CPU it made every step slower in our
measurements (the 4B's plain answer 33.3 s against 24.5 s); "auto" adapts to whatever the model was loaded with.
"""

from __future__ import annotations

from collections.abc import Sequence

import llama_cpp
import numpy as np

from app.core.detectors.model.decoders import DEFAULT_TIE_MARGIN, ModelRows, common_prefix_length, empty_model

CALIBRATION_ROWS = 6
MAX_NOISE_FOR_DRAFTING = 0.5
TIE_MARGIN_PER_NOISE = 4.0


def decoding_for_noise(noise: float) -> str:
    """The decoding "auto" chooses for a measured batch noise: "fast" (drafting) or "plain"."""
    return "fast" if noise <= MAX_NOISE_FOR_DRAFTING else "plain"


def tie_margin_for_noise(noise: float | None) -> float:
    """The drafting decoder's tie margin for a measured batch noise (None: not measured, "fast" chosen by hand)."""
    return DEFAULT_TIE_MARGIN if noise is None else max(DEFAULT_TIE_MARGIN, TIE_MARGIN_PER_NOISE * noise)


def measure_batch_noise(llama: llama_cpp.Llama, context: Sequence[int], rows: int = CALIBRATION_ROWS) -> float:
    """How far llama.cpp's logits for the same tokens differ between one batch and one token at a time.

    Measured on the last ``rows`` tokens of ``context`` (the fixed prompt prefix: no user data). The model holds all
    of ``context`` afterwards. Costs ``rows`` single steps and one batch, once per loaded model.
    """
    rows = max(1, min(rows, len(context) - 1))
    probe = ModelRows(llama)
    head, tail = list(context[:-rows]), list(context[-rows:])
    if common_prefix_length(llama.input_ids[: llama.n_tokens], head) < len(head) or llama.n_tokens < len(head):
        empty_model(llama)
        llama.eval(head)
    probe.truncate(len(head))
    probe.evaluate_rows(tail)
    batched = [probe.logits(row).copy() for row in range(rows)]
    probe.truncate(len(head))
    noise = 0.0
    for row, token in enumerate(tail):
        probe.evaluate_rows([token])
        noise = max(noise, float(np.max(np.abs(probe.logits(-1) - batched[row]))))
    return noise
