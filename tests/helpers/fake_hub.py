"""A local HTTP server on 127.0.0.1 that answers like the Hugging Face hub, for the requests Cloakroom makes.

It serves what `app.core.model_files.hub_client.HubClient` asks, the way the real hub answers:

- ``HEAD /{repo}/resolve/{revision}/{path}``: for an LFS file a 302 to the "CDN" carrying ``X-Linked-Size``,
  ``X-Linked-Etag`` (the SHA-256) and ``X-Repo-Commit``; for a small file a 200 with the git blob id as ``ETag``.
- ``GET`` of the same: the bytes (via the redirect for LFS files), honouring ``Range``.
- ``GET /api/models/{repo}/revision/{revision}?blobs=true``: the commit and every file's size and checksums.
- ``GET /raw/{path}``: a plain file (the official prompt stands in here).

Faults for tests: ``drop_after`` closes the connection after that many body bytes (once per file, then it behaves),
``advertise_sha256``/``advertise_size`` make it announce something else than it serves, and every request is logged.

A pytest plugin (loaded by tests/conftest.py): the `hub` fixture serves one for a test and points the Hugging Face
client at it.
"""

from __future__ import annotations

import hashlib
import json
import socket
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

COMMIT = "0123456789abcdef0123456789abcdef01234567"


def git_blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass
class HubFile:
    data: bytes
    lfs: bool = True
    advertise_sha256: str | None = None
    advertise_size: int | None = None
    drop_after: int | None = None  # close the connection after this many body bytes, once

    @property
    def sha256(self) -> str:
        return self.advertise_sha256 or hashlib.sha256(self.data).hexdigest()

    @property
    def size(self) -> int:
        return self.advertise_size if self.advertise_size is not None else len(self.data)


@dataclass
class LoggedRequest:
    method: str
    path: str
    range: str | None


@dataclass
class FakeHub:
    repos: dict[str, dict[str, HubFile]] = field(default_factory=dict)
    raw: dict[str, bytes] = field(default_factory=dict)
    requests: list[LoggedRequest] = field(default_factory=list)
    url: str = ""
    gated: set[str] = field(default_factory=set)

    def add(self, repo: str, path: str, data: bytes, **options: object) -> HubFile:
        entry = HubFile(data, **options)  # type: ignore[arg-type]
        self.repos.setdefault(repo, {})[path] = entry
        return entry

    def gets(self, path_fragment: str) -> list[LoggedRequest]:
        return [request for request in self.requests if request.method == "GET" and path_fragment in request.path]


class _Handler(BaseHTTPRequestHandler):
    hub: FakeHub
    protocol_version = "HTTP/1.1"

    def log_message(self, *_args: object) -> None:  # keep test output clean
        pass

    # -- routing ------------------------------------------------------------------------------------------------

    def do_HEAD(self) -> None:
        self._route(head=True)

    def do_GET(self) -> None:
        self._route(head=False)

    def _route(self, *, head: bool) -> None:
        parsed = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(parsed.path)
        self.hub.requests.append(LoggedRequest(self.command, path, self.headers.get("Range")))
        if path.startswith("/api/models/"):
            return self._api(path.removeprefix("/api/models/"))
        if path.startswith("/cdn/"):
            return self._cdn(path.removeprefix("/cdn/"), head=head)
        if path.startswith("/raw/"):
            data = self.hub.raw.get(path.removeprefix("/raw/"))
            return self._send_bytes(data, head=head) if data is not None else self._error(404, None)
        if "/resolve/" in path:
            return self._resolve(path, head=head)
        return self._error(404, None)

    def _lookup(self, repo: str, file_path: str) -> HubFile | None:
        return self.hub.repos.get(repo, {}).get(file_path)

    def _resolve(self, path: str, *, head: bool) -> None:
        repo_part, _, rest = path.lstrip("/").partition("/resolve/")
        _revision, _, file_path = rest.partition("/")
        if repo_part in self.hub.gated:
            return self._error(401, "GatedRepo")
        if repo_part not in self.hub.repos:
            return self._error(401, "RepoNotFound")  # the real hub answers 401 so as not to reveal private repos
        entry = self._lookup(repo_part, file_path)
        if entry is None:
            return self._error(404, "EntryNotFound")
        if entry.lfs:
            self.send_response(302)
            self.send_header("Location", f"{self.hub.url}/cdn/{repo_part}/{file_path}")
            self.send_header("X-Linked-Size", str(entry.size))
            self.send_header("X-Linked-Etag", f'"{entry.sha256}"')
            self.send_header("X-Repo-Commit", COMMIT)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        return self._send_file(entry, head=head, etag=git_blob_id(entry.data))

    def _cdn(self, rest: str, *, head: bool) -> None:
        parts = rest.split("/")
        entry = self._lookup("/".join(parts[:2]), "/".join(parts[2:]))
        if entry is None:
            return self._error(404, None)
        return self._send_file(entry, head=head, etag=entry.sha256)

    def _api(self, rest: str) -> None:
        repo, _, _revision = rest.partition("/revision/")
        if repo not in self.hub.repos:
            return self._error(404, "RepoNotFound")
        siblings = []
        for file_path, entry in self.hub.repos[repo].items():
            sibling: dict[str, object] = {"rfilename": file_path, "size": entry.size, "blobId": git_blob_id(entry.data)}
            if entry.lfs:
                sibling["lfs"] = {"sha256": entry.sha256, "size": entry.size, "pointerSize": 134}
            siblings.append(sibling)
        body = json.dumps({"id": repo, "sha": COMMIT, "siblings": siblings}).encode()
        self._send_bytes(body, head=False, content_type="application/json")
        return None

    # -- responses ----------------------------------------------------------------------------------------------

    def _error(self, code: int, error_code: str | None) -> None:
        body = b'{"error": "fake hub"}'
        self.send_response(code)
        if error_code:
            self.send_header("X-Error-Code", error_code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _send_bytes(self, data: bytes, *, head: bool, content_type: str = "application/octet-stream") -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def _send_file(self, entry: HubFile, *, head: bool, etag: str) -> None:
        start = _range_start(self.headers.get("Range"))
        if start is not None and start >= len(entry.data):
            self.send_response(416)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = entry.data[start or 0 :]
        self.send_response(206 if start else 200)
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("ETag", f'"{etag}"')
        self.send_header("X-Repo-Commit", COMMIT)
        if start:
            self.send_header("Content-Range", f"bytes {start}-{len(entry.data) - 1}/{len(entry.data)}")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if head:
            return
        if entry.drop_after is not None and len(body) > entry.drop_after:
            cut, entry.drop_after = entry.drop_after, None
            self.wfile.write(body[:cut])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_WR)  # the peer sees the body end early, as when a link drops
            return
        self.wfile.write(body)


def _range_start(header: str | None) -> int | None:
    if not header or not header.startswith("bytes="):
        return None
    first = header.removeprefix("bytes=").split("-")[0]
    return int(first) if first.isdigit() else None


@contextmanager
def serve(hub: FakeHub | None = None) -> Iterator[FakeHub]:
    """Run a fake hub on 127.0.0.1 (a free port) for the duration of the block."""
    state = hub or FakeHub()
    handler = type("BoundHandler", (_Handler,), {"hub": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="fake-hub", daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeHub]:
    """A fake hub that `HF_ENDPOINT` points to; no saved Hugging Face login is read."""
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    with serve() as fake:
        monkeypatch.setenv("HF_ENDPOINT", fake.url)
        yield fake
