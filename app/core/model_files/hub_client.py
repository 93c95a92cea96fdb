"""A small Hugging Face hub client: file metadata, repository listings, resumable downloads with progress.

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

import functools
import http.client
import json
import os
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app import __version__
from app.core.errors import Cancelled, ModelError
from app.core.model_files.download_checks import (
    RemoteFile,
    ensure_free_space,
    looks_like_git_id,
    looks_like_sha256,
    verify_download,
)
from app.core.model_files.errors import DownloadError
from app.core.model_files.partial_files import discard_partial, partial_path, resumable_offset, state_path, write_state
from app.core.model_files.progress import DOWNLOAD, ProgressCallback, raise_if_cancelled, report

DEFAULT_ENDPOINT = "https://huggingface.co"
ENDPOINT_VARIABLE = "HF_ENDPOINT"
TOKEN_VARIABLE = "HF_TOKEN"
CHUNK_BYTES = 1 << 20
MAX_RETRIES_WITHOUT_PROGRESS = 4
TIMEOUT_S = 30.0
CANCELLED_DOWNLOAD = "Download cancelled; the part already downloaded is kept, so running it again resumes."

Validator = Callable[[Path], Any]


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
                response = self._with_retries(functools.partial(self._open, self._probe, request))
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
        sha256 = next((value for value in (linked_etag, etag) if looks_like_sha256(value)), None)
        blob = etag if not linked_etag and looks_like_git_id(etag) else None
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
        offset = resumable_offset(part, remote)
        if check_disk:
            ensure_free_space(destination.parent, remote.size - offset, what=f"downloading {remote.name}")
        write_state(part, remote)
        self._fetch_all(remote, part, offset, progress, cancel)
        try:
            verify_download(remote, part, progress, cancel)
            if validate is not None:
                validate(part)
        except Cancelled:
            raise
        except BaseException:
            discard_partial(part)
            raise
        os.replace(part, destination)
        state_path(part).unlink(missing_ok=True)
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
