"""Fetch the authors' official prompt template onto this machine, and accept only the exact known file.

The template is licensed CC BY-NC-ND 4.0, so Cloakroom cannot ship it; the person fetches it from the authors'
repository, and getting a MemPrivacy model does so too (`fetch_missing_official_prompts`): the model was trained on
this prompt, and runs best with it. What arrives is accepted only if its size, git blob id and SHA-256 all equal the
published file's (the catalog holds them), so a moved branch, a mirror or a tampered connection can never slip
another prompt into the detector. Each variant (the repository's template and the benchmark's) is stored under its
own name in ``app_paths().prompts``, where its prompt profile looks for it (`prompt_names.official_template_path`).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
import urllib.error
import urllib.request
from pathlib import Path

from app import __version__
from app.core.model_files.catalog import PromptSpec, load_catalog
from app.core.model_files.download_checks import git_blob_id
from app.core.model_files.errors import DownloadError, PromptVerificationError
from app.core.model_files.progress import DOWNLOAD, ProgressCallback, raise_if_cancelled, report
from app.core.paths import app_paths
from app.core.prompt_names import OfficialVariant, official_template_path

TIMEOUT_S = 30.0
CHUNK_BYTES = 16 * 1024


def official_prompt_spec(variant: str = OfficialVariant.REPOSITORY.value) -> PromptSpec:
    return load_catalog().prompt(variant)


def official_prompt_specs() -> tuple[PromptSpec, ...]:
    """Every published variant the catalog knows (the repository's template first)."""
    return load_catalog().prompts


def official_prompt_path(folder: Path | None = None, variant: str = OfficialVariant.REPOSITORY.value) -> Path:
    return official_template_path(OfficialVariant(variant), folder if folder is not None else app_paths().prompts)


def verify_prompt(data: bytes, spec: PromptSpec) -> None:
    """Raise `PromptVerificationError` unless ``data`` is byte-for-byte the published file."""
    if len(data) != spec.size:
        raise PromptVerificationError(
            f"The fetched prompt has {len(data):,} bytes, not the {spec.size:,} of the official file; "
            "it was not stored."
        )
    if spec.git_blob_id and git_blob_id(data) != spec.git_blob_id:
        raise PromptVerificationError(
            "The fetched prompt is not the official file (its git blob id differs); it was not stored."
        )
    if spec.sha256 and hashlib.sha256(data).hexdigest() != spec.sha256:
        raise PromptVerificationError(
            "The fetched prompt is not the official file (its SHA-256 differs); it was not stored."
        )


def is_installed(spec: PromptSpec | None = None, folder: Path | None = None) -> bool:
    """Whether the verified official prompt is in place (it is re-checked, not trusted from an earlier run)."""
    spec = spec or official_prompt_spec()
    try:
        verify_prompt(official_prompt_path(folder, spec.variant).read_bytes(), spec)
    except (OSError, PromptVerificationError, ValueError):
        return False
    return True


def _read_limited(url: str, limit: int, progress: ProgressCallback | None, cancel: threading.Event | None) -> bytes:
    """Read at most ``limit + 1`` bytes: enough to tell a wrong file from the right one without reading all of it."""
    request = urllib.request.Request(url, headers={"User-Agent": f"cloakroom/{__version__}"})
    chunks: list[bytes] = []
    received = 0
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            while received <= limit:
                raise_if_cancelled(cancel)
                chunk = response.read(min(CHUNK_BYTES, limit + 1 - received))
                if not chunk:
                    break
                chunks.append(chunk)
                received += len(chunk)
                report(progress, DOWNLOAD, min(received, limit), limit)
    except urllib.error.HTTPError as error:
        raise DownloadError(f"The prompt could not be fetched: the server answered {error.code} for {url}.") from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", None) or error.__class__.__name__
        raise DownloadError(f"The prompt could not be fetched from {url} ({reason}).") from None
    return b"".join(chunks)


def _store_atomically(data: bytes, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".prompt-", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def fetch_official_prompt(
    *,
    url: str | None = None,
    spec: PromptSpec | None = None,
    folder: Path | None = None,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> Path:
    """Download one variant's template, verify it, store it; return its path.

    From ``url`` when given, else from the spec's pinned URL and, only if that fails, its fallbacks. Nothing is
    written unless the file verifies; an earlier verified copy stays as it is when a fetch fails.
    """
    expected = spec or official_prompt_spec()
    sources = (url,) if url else expected.urls
    for attempt, source in enumerate(sources, start=1):
        try:
            data = _read_limited(source, expected.size, progress, cancel)
            verify_prompt(data, expected)
        except (DownloadError, PromptVerificationError):
            if attempt == len(sources):
                raise
            continue
        target = official_prompt_path(folder, expected.variant)
        _store_atomically(data, target)
        return target
    raise DownloadError("No address to fetch the official prompt from.")


def missing_official_prompts(folder: Path | None = None) -> list[PromptSpec]:
    """The published variants not installed (and verified) here."""
    return [spec for spec in official_prompt_specs() if not is_installed(spec, folder)]


def fetch_missing_official_prompts(
    *,
    folder: Path | None = None,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> list[Path]:
    """Fetch every variant not installed yet (what getting a MemPrivacy model does); return what was stored.

    Each variant is fetched on its own: one that fails raises after the others were tried, so a working variant is
    never lost to a failing one.
    """
    stored: list[Path] = []
    failure: DownloadError | PromptVerificationError | None = None
    for spec in missing_official_prompts(folder):
        try:
            stored.append(fetch_official_prompt(spec=spec, folder=folder, progress=progress, cancel=cancel))
        except (DownloadError, PromptVerificationError) as error:
            failure = failure or error
    if failure is not None:
        raise failure
    return stored
