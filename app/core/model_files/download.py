"""Download a GGUF model, or a repository's files, from a Hugging Face hub: what the command line and the wizard call.

The hub client (`hub_client`) fetches with progress and resume into ``.part`` files (`partial_files`); the checks
(`download_checks`) refuse a download that does not fit and one whose bytes do not match what the hub publishes; a
model is then validated (`library.validate_model_file`) before it gets its final name, so the models folder never
holds a half-written model under a real name.
"""

from __future__ import annotations

import fnmatch
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from app.core.model_files.download_checks import RemoteFile, ensure_free_space, looks_like_sha256, verify_download
from app.core.model_files.errors import ChecksumMismatch, DownloadError
from app.core.model_files.hub_client import HubClient, Validator
from app.core.model_files.library import ModelCheck, models_folder, validate_model_file
from app.core.model_files.partial_files import partial_path
from app.core.model_files.progress import DOWNLOAD, LOAD, VERIFY, ProgressCallback, offset_progress, report

DOWNLOAD_STAGES = (DOWNLOAD, VERIFY, LOAD)
"""The stages `download_gguf` reports, in order: the one list a progress view shows."""


@dataclass(frozen=True)
class DownloadedModel:
    path: Path
    check: ModelCheck


def download_gguf(
    repo: str,
    filename: str,
    *,
    revision: str = "main",
    expected_sha256: str | None = None,
    folder: Path | None = None,
    load_check: bool = True,
    client: HubClient | None = None,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> DownloadedModel:
    """Download one GGUF into the models folder and validate it before it gets its final name."""
    if not filename.lower().endswith(".gguf"):
        raise DownloadError(
            f"{filename} is not a .gguf file. For the official safetensors weights use `cloakroom model convert`."
        )
    hub = client or HubClient()
    remote = hub.file_info(repo, filename, revision)
    remote = _with_expected_sha256(remote, expected_sha256)
    destination = (folder or models_folder()) / remote.name
    checks: list[ModelCheck] = []

    def validate(path: Path) -> None:
        report(progress, LOAD, 0, 1)
        checks.append(validate_model_file(path, load=load_check))
        report(progress, LOAD, 1, 1)

    if destination.exists():
        return DownloadedModel(destination, _existing_download(remote, destination, validate, checks, progress, cancel))
    hub.download(remote, destination, progress=progress, cancel=cancel, validate=validate)
    return DownloadedModel(destination, checks[-1])


def _with_expected_sha256(remote: RemoteFile, expected: str | None) -> RemoteFile:
    if not expected:
        return remote
    wanted = expected.strip().lower()
    if not looks_like_sha256(wanted):
        raise DownloadError("The SHA-256 to check must be 64 hexadecimal digits.")
    if remote.sha256 and remote.sha256 != wanted:
        raise ChecksumMismatch(
            f"The repository publishes a different SHA-256 for {remote.name} than the one given; "
            "nothing was downloaded."
        )
    return replace(remote, sha256=wanted)


def _existing_download(
    remote: RemoteFile,
    destination: Path,
    validate: Validator,
    checks: list[ModelCheck],
    progress: ProgressCallback | None,
    cancel: threading.Event | None,
) -> ModelCheck:
    """A file of that name is already there: reuse it only if it is the same file."""
    try:
        verify_download(remote, destination, progress, cancel)
    except (DownloadError, ChecksumMismatch):
        raise DownloadError(
            f"A different file named {destination.name} is already in {destination.parent}; move or delete it first."
        ) from None
    validate(destination)
    return checks[-1]


def download_snapshot(
    repo: str,
    target: Path,
    *,
    revision: str = "main",
    patterns: Sequence[str] = ("*.json", "*.safetensors", "*.txt", "*.model", "*.jinja"),
    client: HubClient | None = None,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    check_disk: bool = True,
) -> list[Path]:
    """Download the files of a repository matching ``patterns`` into ``target``, skipping complete ones."""
    hub = client or HubClient()
    files = [remote for remote in hub.list_files(repo, revision) if _matches(remote.path, patterns)]
    if not files:
        raise DownloadError(f"{repo} has no files to download (looked for {', '.join(patterns)}).")
    total = sum(remote.size for remote in files)
    pending = [remote for remote in files if not _already_complete(target, remote)]
    if check_disk:
        ensure_free_space(target, _remaining_bytes(target, pending), what=f"downloading {repo}")
    done = total - sum(remote.size for remote in pending)
    report(progress, DOWNLOAD, done, total)
    for remote in pending:
        destination = _safe_destination(target, remote.path)
        hub.download(
            remote, destination, progress=offset_progress(progress, done, total), cancel=cancel, check_disk=False
        )
        done += remote.size
    report(progress, DOWNLOAD, total, total)
    return [_safe_destination(target, remote.path) for remote in files]


def _matches(path: str, patterns: Iterable[str]) -> bool:
    name = PurePosixPath(path).name
    return "/" not in path and any(fnmatch.fnmatch(name, pattern) for pattern in patterns)


def _safe_destination(target: Path, path: str) -> Path:
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        raise DownloadError(f"The repository lists an unsafe file path ({path!r}); refusing to download it.")
    return target.joinpath(*pure.parts)


def _already_complete(target: Path, remote: RemoteFile) -> bool:
    destination = _safe_destination(target, remote.path)
    return destination.is_file() and destination.stat().st_size == remote.size


def _remaining_bytes(target: Path, pending: Iterable[RemoteFile]) -> int:
    remaining = 0
    for remote in pending:
        part = partial_path(_safe_destination(target, remote.path))
        remaining += remote.size - (part.stat().st_size if part.exists() else 0)
    return max(0, remaining)
