"""Keeping the KV state of the fixed prompt prefix warm, on disk and in the model, so no call pays for it twice.

Every prompt starts with the same fixed prefix (chat frame head and the profile's instructions; the official prompt
alone is ~3k tokens, minutes of evaluation on a laptop CPU). Its KV state depends only on the model and those tokens,
never on the person's text, so it may be kept:

- **At load** (`warm_prefix`): the state is read from the cache folder when a valid file is there, else the prefix is
  evaluated once and its state written there for the next start.
- **After any other use of the model** (another profile, a test prompt, an evaluation) the next detection finds its
  prefix evicted; `PrefixState.restore` reads it back instead of evaluating it again.

What is written, and why it holds no user data: the file is written only right after the prefix alone was evaluated
into an empty KV cache, after removing anything past the prefix, and it lists its tokens, which are checked on load
to be exactly the prefix. Nothing after the prefix (the person's name and text, the answer) is ever written. The
state is llama.cpp's own sequence file (`llama_state_seq_save_file`: magic, version, tokens, KV cells), which it reads
back layer by layer, so loading a 400 MB state does not need 400 MB of extra memory.

Files: ``<cache>/prefix-states/<model>-<prompt>.bin`` and a ``.json`` header beside it. ``<model>`` is
`model_fingerprint` (cheap: hashing a 2.5 GB file at every start would take seconds), ``<prompt>`` hashes the prefix
tokens together with what shapes the KV layout (llama.cpp version, KV cache types, flash attention). The header holds
the format version, both keys, the token count, the file size and a BLAKE2b digest of the file. A file that fails any
check — header, size, digest, llama.cpp's own checks, the token list — is deleted and rebuilt; only the newest few
states are kept, since each costs ~144 KiB per prefix token for the 4B model.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import os
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import llama_cpp
import numpy as np

from app.core.detectors.model.decoders import (
    abort_when_cancelled,
    clear_kv_cache,
    common_prefix_length,
    empty_model,
    reset_tokens,
)
from app.core.errors import Cancelled, ModelError

FOLDER_NAME = "prefix-states"
STATE_FORMAT = 1
KEPT_STATES = 3
FINGERPRINT_VERSION = b"cloakroom-gguf-fingerprint-v1"
FINGERPRINT_HEAD_BYTES = 4 << 20  # the GGUF header: metadata, tokenizer, tensor table
FINGERPRINT_TAIL_BYTES = 1 << 20
FINGERPRINT_SAMPLES = 16
FINGERPRINT_SAMPLE_BYTES = 64 << 10
_DIGEST_CHUNK = 8 << 20
_KEY_CHARS = 24


def model_fingerprint(path: Path) -> str:
    """A hash that tells model files apart without reading 2.5 GB: size, head, tail and 16 evenly spaced blocks.

    The head holds the GGUF header (architecture, tokenizer, tensor names, shapes and types, offsets); the blocks
    fall inside the weights, which differ everywhere between fine-tunes and quantizations. About 6 MB are read.
    """
    size = path.stat().st_size
    digest = hashlib.sha256(FINGERPRINT_VERSION)
    digest.update(size.to_bytes(8, "little"))
    with path.open("rb") as file:
        digest.update(file.read(FINGERPRINT_HEAD_BYTES))
        for index in range(FINGERPRINT_SAMPLES):
            file.seek(size * (2 * index + 1) // (2 * FINGERPRINT_SAMPLES))
            digest.update(file.read(FINGERPRINT_SAMPLE_BYTES))
        file.seek(max(0, size - FINGERPRINT_TAIL_BYTES))
        digest.update(file.read(FINGERPRINT_TAIL_BYTES))
    return digest.hexdigest()


def prompt_key(llama: llama_cpp.Llama, prefix_tokens: Sequence[int]) -> str:
    """Hash of the prefix tokens and of the settings that shape a KV state (a state is only valid under them)."""
    params = llama.context_params
    digest = hashlib.sha256(b"cloakroom-prefix-state-v1")
    digest.update(np.asarray(prefix_tokens, dtype="<i4").tobytes())
    settings = (llama_cpp.__version__, int(params.type_k), int(params.type_v), int(params.flash_attn_type))
    digest.update(repr(settings).encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class PrefixWarmth:
    """How the prefix got into the model: "held" (it already was), "restored" (from disk) or "evaluated"."""

    source: str
    tokens: int
    seconds: float
    persisted: bool


@dataclass(frozen=True)
class _Verified:
    """The file a state was verified from, to skip hashing it again when it has not changed since."""

    size: int
    mtime_ns: int
    inode: int


class PrefixState:
    """The persisted state of one model's fixed prefix under one prompt profile; restores it into the `Llama`."""

    def __init__(self, folder: Path, llama: llama_cpp.Llama, prefix_tokens: Sequence[int]) -> None:
        self.folder = folder
        self._llama = llama
        self.prefix_tokens = list(prefix_tokens)
        self.model_key = model_fingerprint(Path(llama.model_path))
        self.prompt_key = prompt_key(llama, self.prefix_tokens)
        name = f"{self.model_key[:_KEY_CHARS]}-{self.prompt_key[:_KEY_CHARS]}"
        self.path = folder / f"{name}.bin"
        self.header_path = folder / f"{name}.json"
        self._verified: _Verified | None = None

    # -- on disk ----------------------------------------------------------------------------------------------------

    def restore(self) -> bool:
        """Load the persisted prefix into the emptied KV cache; False (and nothing loaded) when there is no valid file.

        The digest is checked the first time and whenever the file changed since; llama.cpp checks its own format,
        and the token list must be exactly the prefix. An invalid file is deleted.
        """
        if not self._header_valid():
            self.discard()
            return False
        if not self._load_into_model():
            self.discard()
            return False
        return True

    def save(self) -> bool:
        """Write the state of the prefix the model holds now — only the prefix: later KV cells are removed first.

        Returns False when the state cannot be written (a read-only cache folder, a full disk): the app then works
        without a persisted state.
        """
        llama = self._llama
        count = len(self.prefix_tokens)
        if not holds_prefix(llama, self.prefix_tokens):
            raise ModelError("The model does not hold its prompt prefix; nothing was saved.")
        self._truncate_to_prefix()
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError:
            return False
        suffix = f".{os.getpid()}.partial"
        partial = self.path.with_name(self.path.name + suffix)
        partial_header = self.header_path.with_name(self.header_path.name + suffix)
        try:
            tokens = (llama_cpp.llama_token * count)(*self.prefix_tokens)
            written = llama_cpp.llama_state_seq_save_file(llama.ctx, os.fsencode(partial), 0, tokens, count)
            if written == 0:
                return False
            header = self._header(partial)
            partial_header.write_text(json.dumps(header), encoding="utf-8")
            os.replace(partial, self.path)
            os.replace(partial_header, self.header_path)
        except OSError:
            return False
        finally:
            partial.unlink(missing_ok=True)
            partial_header.unlink(missing_ok=True)
        self._verified = _stat_of(self.path)
        self._prune()
        return True

    def discard(self) -> None:
        self._verified = None
        for path in (self.path, self.header_path):
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)

    # -- checks -----------------------------------------------------------------------------------------------------

    def _header(self, path: Path) -> dict[str, object]:
        return {
            "format": STATE_FORMAT,
            "model": self.model_key,
            "prompt": self.prompt_key,
            "tokens": len(self.prefix_tokens),
            "bytes": path.stat().st_size,
            "blake2b": _file_digest(path),
        }

    def _header_valid(self) -> bool:
        try:
            header = json.loads(self.header_path.read_text(encoding="utf-8"))
            current = _stat_of(self.path)
        except (OSError, ValueError):
            return False
        expected = {
            "format": STATE_FORMAT,
            "model": self.model_key,
            "prompt": self.prompt_key,
            "tokens": len(self.prefix_tokens),
            "bytes": current.size,
        }
        if not isinstance(header, dict) or any(header.get(key) != value for key, value in expected.items()):
            return False
        if self._verified == current:
            return True
        try:
            if header.get("blake2b") != _file_digest(self.path):
                return False
        except OSError:
            return False
        self._verified = current
        return True

    def _load_into_model(self) -> bool:
        llama = self._llama
        count = len(self.prefix_tokens)
        empty_model(llama)
        tokens = (llama_cpp.llama_token * (count + 1))()
        loaded_count = ctypes.c_size_t(0)
        read = llama_cpp.llama_state_seq_load_file(
            llama.ctx, os.fsencode(self.path), 0, tokens, count + 1, ctypes.byref(loaded_count)
        )
        positions = llama_cpp.llama_memory_seq_pos_max(llama_cpp.llama_get_memory(llama.ctx), 0) + 1
        if read == 0 or loaded_count.value != count or list(tokens[:count]) != self.prefix_tokens or positions != count:
            clear_kv_cache(llama)
            return False
        llama.input_ids[:count] = self.prefix_tokens
        llama.n_tokens = count
        llama._requires_eval = True  # the logits buffer does not belong to these tokens
        return True

    def _truncate_to_prefix(self) -> None:
        llama = self._llama
        count = len(self.prefix_tokens)
        llama._ctx.kv_cache_seq_rm(-1, count, -1)
        llama.n_tokens = count
        llama._requires_eval = True
        positions = llama_cpp.llama_memory_seq_pos_max(llama_cpp.llama_get_memory(llama.ctx), 0) + 1
        if positions != count:
            raise ModelError("The model's cache does not hold exactly its prompt prefix; nothing was saved.")

    def _prune(self) -> None:
        """Keep the newest few states: each is hundreds of megabytes for the 4B model and a long prompt."""
        states = sorted(self.folder.glob("*.bin"), key=_mtime, reverse=True)
        for old in states[KEPT_STATES:]:
            if old == self.path:
                continue
            for path in (old, old.with_suffix(".json")):
                with contextlib.suppress(OSError):
                    path.unlink(missing_ok=True)


def warm_prefix(
    llama: llama_cpp.Llama,
    prefix_tokens: Sequence[int],
    cache_folder: Path | None,
    *,
    cancel: threading.Event | None = None,
) -> tuple[PrefixWarmth, PrefixState | None]:
    """Make the model hold the prefix: keep it, restore it from ``cache_folder``, or evaluate (and persist) it.

    A state is written only after the prefix was evaluated alone, never from a cache that also held a person's text
    (even though causal attention keeps the prefix's cells independent of what follows). ``cache_folder`` None keeps
    nothing on disk. Returns how it went and the state store for later restores (None without a folder).
    """
    started = time.perf_counter()
    count = len(prefix_tokens)
    state = PrefixState(cache_folder / FOLDER_NAME, llama, prefix_tokens) if cache_folder is not None else None
    if holds_prefix(llama, prefix_tokens):
        persisted = state is not None and state.path.is_file()
        return PrefixWarmth("held", count, time.perf_counter() - started, persisted), state
    if state is not None and state.restore():
        return PrefixWarmth("restored", count, time.perf_counter() - started, True), state
    evaluate_prefix(llama, prefix_tokens, cancel)
    persisted = state.save() if state is not None else False
    return PrefixWarmth("evaluated", count, time.perf_counter() - started, persisted), state


def holds_prefix(llama: llama_cpp.Llama, prefix_tokens: Sequence[int]) -> bool:
    """Whether the `Llama` holds the whole prefix in its KV cache now."""
    count = len(prefix_tokens)
    return llama.n_tokens >= count and common_prefix_length(llama.input_ids[:count], prefix_tokens) == count


def evaluate_prefix(llama: llama_cpp.Llama, prefix_tokens: Sequence[int], cancel: threading.Event | None) -> None:
    """Evaluate the prefix alone into an emptied KV cache (what `PrefixState.save` may then write)."""
    empty_model(llama)
    with abort_when_cancelled(llama, cancel):
        try:
            llama.eval(list(prefix_tokens))
        except (RuntimeError, ValueError):
            reset_tokens(llama)
            if cancel is not None and cancel.is_set():
                raise Cancelled() from None
            raise ModelError("The model failed while reading its instructions.") from None


def _file_digest(path: Path) -> str:
    digest = hashlib.blake2b(digest_size=32)
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(_DIGEST_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _stat_of(path: Path) -> _Verified:
    stat = path.stat()
    return _Verified(stat.st_size, stat.st_mtime_ns, stat.st_ino)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def iter_state_files(cache_folder: Path) -> Iterator[Path]:
    """Every file in the prefix-state folder (for tests and for clearing the cache)."""
    folder = cache_folder / FOLDER_NAME
    if folder.is_dir():
        yield from sorted(path for path in folder.iterdir() if path.is_file())
