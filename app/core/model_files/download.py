"""Download files from a Hugging Face repository: progress, resume, a disk check first, checksums last.

Why not ``huggingface_hub.hf_hub_download``: it reports progress only through tqdm, cannot be cancelled from another
thread, and keeps files in its own cache layout. This client is small and does exactly what the setup wizard needs:

- ``HF_ENDPOINT`` (read at call time) names the hub, as it does for huggingface_hub; a token comes from ``HF_TOKEN``
  or huggingface_hub's saved login and is only ever sent to that host (never to the CDN it redirects to).
- The file's metadata comes first (a HEAD on ``/{repo}/resolve/{revision}/{path}``): size, commit, and the SHA-256
  the hub publishes for LFS files (``X-Linked-Etag``) or the git blob id for small files (``ETag``). The download then
  uses the commit, so a repository that changes meanwhile cannot mix two versions in one file.
- Bytes go to ``NAME.part`` beside the destination, with ``NAME.part.json`` recording which file version they belong
  to. A dropped connection is retried from where it stopped (``Range``); an interrupted run resumes the next time.
- Only a complete, verified (and, for models, validated) file is renamed to its final name, so the models folder
  never holds a half-written model under a real name.
"""

from __future__ import annotations

import fnmatch
import hashlib
import http.client
import json
import os
import shutil
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

from app import __version__
from app.core.errors import Cancelled, ModelError
from app.core.model_files.errors import ChecksumMismatch, DownloadError, NotEnoughDiskSpace
from app.core.model_files.gguf_info import format_bytes
from app.core.model_files.library import PARTIAL_SUFFIX, ModelCheck, models_folder, validate_model_file
from app.core.model_files.progress import (
    DOWNLOAD,
    LOAD,
    VERIFY,
    ProgressCallback,
    offset_progress,
    raise_if_cancelled,
    report,
)

DEFAULT_ENDPOINT = "https://huggingface.co"
ENDPOINT_VARIABLE = "HF_ENDPOINT"
TOKEN_VARIABLE = "HF_TOKEN"
CHUNK_BYTES = 1 << 20
DISK_RESERVE_BYTES = 200 * 1000**2
MAX_RETRIES_WITHOUT_PROGRESS = 4
TIMEOUT_S = 30.0
STATE_SUFFIX = ".json"
CANCELLED_DOWNLOAD = "Download cancelled; the part already downloaded is kept, so running it again resumes."

Validator = Callable[[Path], Any]


@dataclass(frozen=True)
class RemoteFile:
    """One file of a repository at one commit, with what the hub says its bytes must be."""

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


@dataclass(frozen=True)
class DownloadedModel:
    path: Path
    check: ModelCheck


def hub_endpoint() -> str:
    return (os.environ.get(ENDPOINT_VARIABLE) or DEFAULT_ENDPOINT).rstrip("/")


def _saved_token() -> str | None:
    token = os.environ.get(TOKEN_VARIABLE)
    if token:
        return token
    try:
        from huggingface_hub import get_token

        return get_token()
    except Exception:  # noqa: BLE001 - no saved login is the normal case
        return None


class _TransientError(Exception):
    """A failure worth retrying: a dropped connection, a timeout, a 5xx or 429 answer."""


class _StopRedirects(urllib.request.HTTPRedirectHandler):
    """Let a 3xx through as an answer: the hub's redirect itself carries the file's size and checksum."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class _RedirectWithoutCredentials(urllib.request.HTTPRedirectHandler):
    """Follow redirects, but never carry the hub token to another host (the CDN needs none)."""

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and urllib.parse.urlsplit(newurl).netloc != urllib.parse.urlsplit(req.full_url).netloc:
            new.remove_header("Authorization")
        return new


def _is_transient_http(code: int) -> bool:
    return code in (408, 429) or code >= 500


def _quote_path(path: str) -> str:
    return urllib.parse.quote(path, safe="/")


def _strip_etag(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    value = value.removeprefix("W/")
    return value.strip('"') or None


def _looks_like_sha256(value: str | None) -> bool:
    return bool(value) and len(value) == 64 and all(char in "0123456789abcdef" for char in value.lower())


def _looks_like_git_id(value: str | None) -> bool:
    return bool(value) and len(value) == 40 and all(char in "0123456789abcdef" for char in value.lower())


class HubClient:
    """A minimal Hugging Face hub client: file metadata, repository listing, resumable downloads."""

    def __init__(self, endpoint: str | None = None, token: str | None = None, timeout: float = TIMEOUT_S) -> None:
        self.endpoint = (endpoint or hub_endpoint()).rstrip("/")
        self._token = token if token is not None else _saved_token()
        self.timeout = timeout
        self._probe = urllib.request.build_opener(_StopRedirects())
        self._fetch = urllib.request.build_opener(_RedirectWithoutCredentials())

    # -- requests -----------------------------------------------------------------------------------------------

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"User-Agent": f"cloakroom/{__version__}", "Accept-Encoding": "identity"}
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        headers.update(extra or {})
        return headers

    def resolve_url(self, repo: str, path: str, revision: str) -> str:
        return f"{self.endpoint}/{repo}/resolve/{urllib.parse.quote(revision, safe='')}/{_quote_path(path)}"

    def _open(self, opener: urllib.request.OpenerDirector, request: urllib.request.Request) -> Any:
        try:
            return opener.open(request, timeout=self.timeout)
        except urllib.error.HTTPError as error:
            if _is_transient_http(error.code):
                raise _TransientError(f"the hub answered {error.code}") from None
            raise
        except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
            raise _TransientError(_network_reason(error)) from None

    def _http_error(self, error: urllib.error.HTTPError, repo: str, path: str | None, revision: str) -> ModelError:
        code_name = error.headers.get("X-Error-Code", "") if error.headers else ""
        what = f"{path} in {repo}" if path else repo
        if code_name == "RepoNotFound" or (error.code == 404 and not path):
            return DownloadError(
                f"There is no repository {repo} on the hub (or it is private: log in with `hf auth login`)."
            )
        if code_name == "RevisionNotFound":
            return DownloadError(f"The repository {repo} has no revision '{revision}'.")
        if code_name == "EntryNotFound" or error.code == 404:
            return DownloadError(f"There is no file {path} in {repo} (revision {revision}).")
        if error.code in (401, 403) or code_name == "GatedRepo":
            return DownloadError(
                f"The hub refused access to {what} ({error.code}): the repository may be private or gated. Accept "
                "its terms on the hub and log in (`hf auth login`) or set HF_TOKEN, then try again."
            )
        return DownloadError(f"The hub answered {error.code} for {what}.")

    def file_info(self, repo: str, path: str, revision: str = "main") -> RemoteFile:
        """Size, commit and checksum of one file, from a HEAD request that does not follow the CDN redirect."""
        url = self.resolve_url(repo, path, revision)
        for _hop in range(5):
            request = urllib.request.Request(url, method="HEAD", headers=self._headers())
            try:
                response = self._with_retries(lambda request=request: self._open(self._probe, request))
                headers, status = response.headers, response.status
                response.close()
            except urllib.error.HTTPError as error:
                headers, status = error.headers, error.code
                location = headers.get("Location", "")
                if 300 <= status < 400 and location.startswith("/") and not headers.get("X-Linked-Size"):
                    url = urllib.parse.urljoin(url, location)  # a renamed repository: follow on the hub itself
                    continue
                if not 300 <= status < 400:
                    raise self._http_error(error, repo, path, revision) from None
            return self._remote_from_headers(repo, path, revision, headers)
        raise DownloadError(f"The hub redirected too often for {path} in {repo}.")

    def _remote_from_headers(self, repo: str, path: str, revision: str, headers: Any) -> RemoteFile:
        linked_etag = _strip_etag(headers.get("X-Linked-Etag"))
        etag = _strip_etag(headers.get("ETag"))
        size_text = headers.get("X-Linked-Size") or headers.get("Content-Length")
        if not size_text or not size_text.isdigit():
            raise DownloadError(f"The hub did not say how large {path} in {repo} is; cannot download it safely.")
        # An LFS file's SHA-256 is in X-Linked-Etag; mirrors that answer 200 directly may put it in the ETag.
        sha256 = next((value for value in (linked_etag, etag) if _looks_like_sha256(value)), None)
        blob = etag if not linked_etag and _looks_like_git_id(etag) else None
        return RemoteFile(
            repo=repo,
            path=path,
            revision=revision,
            commit=headers.get("X-Repo-Commit"),
            size=int(size_text),
            sha256=sha256.lower() if sha256 else None,
            git_blob_id=blob.lower() if blob else None,
        )

    def list_files(self, repo: str, revision: str = "main") -> list[RemoteFile]:
        """Every file of a repository at a revision, with sizes and checksums (``/api/models/.../revision``)."""
        url = f"{self.endpoint}/api/models/{repo}/revision/{urllib.parse.quote(revision, safe='')}?blobs=true"
        request = urllib.request.Request(url, headers=self._headers({"Accept": "application/json"}))
        try:
            with self._with_retries(lambda: self._open(self._fetch, request)) as response:
                data = json.loads(response.read(64 * 1000**2))
        except urllib.error.HTTPError as error:
            raise self._http_error(error, repo, None, revision) from None
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise DownloadError(f"The hub sent an unreadable file list for {repo}.") from None
        commit = data.get("sha")
        files = []
        for sibling in data.get("siblings", []):
            lfs = sibling.get("lfs") or {}
            size = lfs.get("size", sibling.get("size"))
            if not isinstance(size, int):
                raise DownloadError(f"The hub did not list the size of {sibling.get('rfilename')} in {repo}.")
            files.append(
                RemoteFile(
                    repo=repo,
                    path=sibling["rfilename"],
                    revision=revision,
                    commit=commit,
                    size=size,
                    sha256=lfs.get("sha256") or lfs.get("oid"),
                    git_blob_id=None if lfs else sibling.get("blobId"),
                )
            )
        return files

    def _with_retries(self, action: Callable[[], Any], cancel: threading.Event | None = None) -> Any:
        for attempt in range(MAX_RETRIES_WITHOUT_PROGRESS + 1):
            try:
                return action()
            except _TransientError as error:
                if attempt == MAX_RETRIES_WITHOUT_PROGRESS:
                    raise DownloadError(f"Cannot reach the hub at {self.endpoint} ({error}).") from None
                _pause(cancel, attempt)
        raise AssertionError("unreachable")

    # -- downloads ----------------------------------------------------------------------------------------------

    def download(
        self,
        remote: RemoteFile,
        destination: Path,
        *,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
        validate: Validator | None = None,
        check_disk: bool = True,
    ) -> Path:
        """Download ``remote`` to ``destination`` (resuming a ``.part`` of the same version), verify, rename."""
        destination.parent.mkdir(parents=True, exist_ok=True)
        part = partial_path(destination)
        offset = _resumable_offset(part, remote)
        if check_disk:
            ensure_free_space(destination.parent, remote.size - offset, what=f"downloading {remote.name}")
        _write_state(part, remote)
        self._fetch_all(remote, part, offset, progress, cancel)
        try:
            _verify(remote, part, progress, cancel)
            if validate is not None:
                validate(part)
        except Cancelled:
            raise
        except BaseException:
            discard_partial(part)
            raise
        os.replace(part, destination)
        _state_path(part).unlink(missing_ok=True)
        return destination

    def _fetch_all(
        self,
        remote: RemoteFile,
        part: Path,
        offset: int,
        progress: ProgressCallback | None,
        cancel: threading.Event | None,
    ) -> None:
        url = self.resolve_url(remote.repo, remote.path, remote.commit or remote.revision)
        failures = 0
        report(progress, DOWNLOAD, offset, remote.size)
        while offset < remote.size or not part.exists():
            raise_if_cancelled(cancel, CANCELLED_DOWNLOAD)
            start = offset
            try:
                offset = self._fetch_range(url, remote, part, offset, progress, cancel)
            except _TransientError as error:
                offset = part.stat().st_size if part.exists() else 0
                failures = 0 if offset > start else failures + 1
                if failures > MAX_RETRIES_WITHOUT_PROGRESS:
                    raise DownloadError(
                        f"The download of {remote.name} keeps failing ({error}). What arrived is kept; run the same "
                        "command again to resume."
                    ) from None
                _pause(cancel, failures)
            except urllib.error.HTTPError as error:
                raise self._http_error(error, remote.repo, remote.path, remote.revision) from None
            if offset > remote.size:
                discard_partial(part)
                raise DownloadError(f"The hub sent more bytes for {remote.name} than announced; the file was deleted.")

    def _fetch_range(
        self,
        url: str,
        remote: RemoteFile,
        part: Path,
        offset: int,
        progress: ProgressCallback | None,
        cancel: threading.Event | None,
    ) -> int:
        """One GET from ``offset``; returns the new size of the part file (a drop midway raises `_TransientError`)."""
        headers = {"Range": f"bytes={offset}-"} if offset else {}
        request = urllib.request.Request(url, headers=self._headers(headers))
        try:
            response = self._open(self._fetch, request)
        except urllib.error.HTTPError as error:
            if error.code == 416:  # the part is not a prefix the server recognises: start over
                discard_partial(part, keep_state=True)
                return 0
            raise
        with response:
            if offset and not _continues_at(response, offset):
                offset = 0
            with part.open("r+b" if part.exists() else "wb") as sink:
                sink.seek(offset)
                sink.truncate()
                try:
                    offset = _copy_stream(response, sink, offset, remote.size, progress, cancel)
                finally:
                    sink.flush()
                    os.fsync(sink.fileno())
        return offset


def _continues_at(response: Any, offset: int) -> bool:
    """True when the server honoured the Range request (206 starting where the part file ends)."""
    if response.status != 206:
        return False
    content_range = response.headers.get("Content-Range", "")
    try:
        return int(content_range.split()[1].split("-")[0]) == offset
    except (IndexError, ValueError):
        return False


def _copy_stream(
    response: Any,
    sink: Any,
    offset: int,
    total: int,
    progress: ProgressCallback | None,
    cancel: threading.Event | None,
) -> int:
    while True:
        raise_if_cancelled(cancel, CANCELLED_DOWNLOAD)
        try:
            chunk = response.read(CHUNK_BYTES)
        except (http.client.HTTPException, OSError, ValueError) as error:
            raise _TransientError(_network_reason(error)) from None
        if not chunk:
            if offset < total:
                raise _TransientError("the connection closed early")
            return offset
        sink.write(chunk)
        offset += len(chunk)
        report(progress, DOWNLOAD, min(offset, total), total)


def _network_reason(error: BaseException) -> str:
    if isinstance(error, urllib.error.URLError) and error.reason is not None:
        return str(error.reason)
    if isinstance(error, (socket.timeout, TimeoutError)):
        return "timed out"
    if isinstance(error, http.client.IncompleteRead):
        return "the connection dropped midway"
    return error.__class__.__name__


def _pause(cancel: threading.Event | None, attempt: int) -> None:
    """Back off before a retry, waking at once if the person cancels."""
    delay = min(5.0, 0.2 * 2**attempt)
    if cancel is not None:
        if cancel.wait(delay):
            raise Cancelled(CANCELLED_DOWNLOAD)
    else:
        threading.Event().wait(delay)


# ---------------------------------------------------------------------------------------------------------------------
# Partial files


def partial_path(destination: Path) -> Path:
    return destination.with_name(destination.name + PARTIAL_SUFFIX)


def _state_path(part: Path) -> Path:
    return part.with_name(part.name + STATE_SUFFIX)


def _state_of(remote: RemoteFile) -> dict[str, Any]:
    state = asdict(remote)
    state.pop("revision")  # the commit identifies the version; "main" may have moved on
    return state


def _write_state(part: Path, remote: RemoteFile) -> None:
    _state_path(part).write_text(json.dumps(_state_of(remote), sort_keys=True), encoding="utf-8")


def _resumable_offset(part: Path, remote: RemoteFile) -> int:
    """Bytes already downloaded of this very file version; a part of another version is thrown away."""
    if not part.exists():
        return 0
    try:
        saved = json.loads(_state_path(part).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        saved = None
    size = part.stat().st_size
    if saved != _state_of(remote) or size > remote.size:
        discard_partial(part)
        return 0
    return size


def discard_partial(part: Path, *, keep_state: bool = False) -> None:
    part.unlink(missing_ok=True)
    if not keep_state:
        _state_path(part).unlink(missing_ok=True)


# ---------------------------------------------------------------------------------------------------------------------
# Checks


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
        while chunk := stream.read(CHUNK_BYTES * 4):
            raise_if_cancelled(cancel)
            digest.update(chunk)
            done += len(chunk)
            report(progress, VERIFY, done, total)
    return digest.hexdigest()


def _verify(remote: RemoteFile, part: Path, progress: ProgressCallback | None, cancel: threading.Event | None) -> None:
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


# ---------------------------------------------------------------------------------------------------------------------
# What the command line and the setup wizard call


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
    if not _looks_like_sha256(wanted):
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
        _verify(remote, destination, progress, cancel)
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
