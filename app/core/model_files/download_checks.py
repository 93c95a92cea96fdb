"""The checks around a download: what the hub says a file must be, whether it fits on the disk, whether its bytes match.

A file is described by `RemoteFile` (size, and the SHA-256 the hub publishes for LFS files or the git blob id for small
ones); `verify_download` compares the bytes on disk with it before a download gets its final name. Free space is
checked up front, before anything is written, for downloads and for conversions alike.
"""

from __future__ import annotations

import hashlib
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from app.core.model_files.errors import ChecksumMismatch, DownloadError, NotEnoughDiskSpace
from app.core.model_files.gguf_info import format_bytes
from app.core.model_files.progress import VERIFY, ProgressCallback, raise_if_cancelled, report

DISK_RESERVE_BYTES = 200 * 1000**2
HASH_CHUNK_BYTES = 4 << 20


@dataclass(frozen=True)
class RemoteFile:
    """One file of a repository at one commit, with what the hub says its bytes must be.

    It lives with the checks that compare against it, so the hub client and the partial files share it without a cycle.
    """

    repo: str
    path: str
    revision: str
    commit: str | None
    size: int
    sha256: str | None = None
    git_blob_id: str | None = None

    @property
    def name(self) -> str:
        return PurePosixPath(self.path).name


def looks_like_sha256(value: str | None) -> bool:
    return value is not None and len(value) == 64 and all(char in "0123456789abcdef" for char in value.lower())


def looks_like_git_id(value: str | None) -> bool:
    return value is not None and len(value) == 40 and all(char in "0123456789abcdef" for char in value.lower())


def free_bytes(folder: Path) -> int:
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    return shutil.disk_usage(probe).free


def ensure_free_space(folder: Path, needed: int, *, what: str) -> None:
    """Refuse up front, before anything is written, when ``needed`` bytes (plus a reserve) do not fit."""
    available = free_bytes(folder)
    if needed + DISK_RESERVE_BYTES > available:
        raise NotEnoughDiskSpace(
            f"Not enough free disk space for {what}: it needs {format_bytes(needed)} in {folder} (plus "
            f"{format_bytes(DISK_RESERVE_BYTES)} to spare), but only {format_bytes(available)} are free."
        )


def git_blob_id(data: bytes) -> str:
    """The id git gives a file's content (SHA-1 of ``blob <size>\\0`` + content), as the hub's ETag shows it."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def hash_file(
    path: Path,
    algorithm: str,
    *,
    prefix: bytes = b"",
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> str:
    digest = hashlib.new(algorithm, usedforsecurity=False) if algorithm == "sha1" else hashlib.new(algorithm)
    digest.update(prefix)
    total = path.stat().st_size
    done = 0
    with path.open("rb") as stream:
        while chunk := stream.read(HASH_CHUNK_BYTES):
            raise_if_cancelled(cancel)
            digest.update(chunk)
            done += len(chunk)
            report(progress, VERIFY, done, total)
    return digest.hexdigest()


def verify_download(
    remote: RemoteFile, part: Path, progress: ProgressCallback | None, cancel: threading.Event | None
) -> None:
    """Compare the bytes on disk with the checksum the repository publishes (if it publishes one)."""
    size = part.stat().st_size
    if size != remote.size:
        raise DownloadError(f"{remote.name} has {size:,} bytes instead of {remote.size:,}; the file was deleted.")
    if remote.sha256:
        actual, expected, kind = hash_file(part, "sha256", progress=progress, cancel=cancel), remote.sha256, "SHA-256"
    elif remote.git_blob_id:
        prefix = b"blob %d\0" % size
        actual = hash_file(part, "sha1", prefix=prefix, progress=progress, cancel=cancel)
        expected, kind = remote.git_blob_id, "git blob id"
    else:
        return
    if actual != expected.lower():
        raise ChecksumMismatch(
            f"{remote.name} does not match the {kind} published by {remote.repo}; the download was deleted. "
            "Try again; if it happens again, the file on the hub may be changing or the connection is tampered with."
        )
