"""A Spack mirror's index fetched by its URL and kept in the cache directory, revalidated as Spack does.

Invariants:
* the kept copy is the mirror's own layout (``v3/manifests/index/index.manifest.json`` and its blob, or
  ``build_cache/index.json`` with ``index.json.hash``) in ``CACHE/mirrors/<the URL, percent-encoded>/index/``,
  so the index readers read it as any local mirror, and ``state.json`` beside ``index/`` says what was
  fetched when, with the server's ``ETag`` and ``Last-Modified`` (a check that finds nothing new touches
  only it); the kept files change only by renames, so a scan trusts them at once (no settle window);
* within the TTL no request is made; after it, one conditional request for the manifest (v3) or
  ``index.json.hash`` (v2), and the blob or ``index.json`` is downloaded only when it changed;
* every file is written to a new name and renamed into place, whole and checked (a blob against its
  manifest's sha256 and length, an ``index.json`` against its ``.hash``); a blob that does not match is a
  problem, never kept; one process at a time revalidates a mirror (a lock file), the others wait for it;
* a server that cannot be reached leaves the kept copy in use, with one line saying how old it is; with
  no kept copy, ``MirrorUnavailable`` names the URL in one line.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...config import DEFAULT_HTTP_TIMEOUT
from ...files import open_regular
from ..sources.spack_index.layout import V2_INDEX, V3_MANIFEST, IndexReadError, v3_blob
from ..spack.urls import kept_name, tag_of_url

if TYPE_CHECKING:
    from . import http

STATE = "state.json"
MANIFEST_LIMIT = 1 << 20
INDEX_LIMIT = 2 << 30
V3_MANIFEST_PATH = V3_MANIFEST.replace(os.sep, "/")  # as URL paths
V2_INDEX_PATH = V2_INDEX.replace(os.sep, "/")
OLD_BLOB_SECONDS = 3600.0  # a blob no manifest names any more is removed after this (a reader may be on it)


class MirrorUnavailable(Exception):
    """A mirror URL with no index to answer from: the message names the URL and why, in one line."""


@dataclass(frozen=True)
class KeptMirror:
    url: str
    name: str  # the tag: the name given, else the URL without its scheme
    root: str  # the kept copy, a mirror root the index readers read
    note: str | None = None  # one line when the copy answers for a server that could not be reached
    changed: bool = False  # this call wrote a new copy (a snapshot of the old one must not be trusted)


DownloadProgress = Callable[[str, int, int, float], None]  # (URL, bytes so far, bytes expected or 0, bytes/s)


def fetch(
    url: str,
    cache_root: str,
    *,
    name: str = "",
    ttl: float,
    timeout: float = DEFAULT_HTTP_TIMEOUT,
    progress: DownloadProgress | None = None,
    now: Callable[[], float] = time.time,
) -> KeptMirror:
    """The kept copy of ``url``'s index, revalidated if the TTL has passed (see the module's invariants)."""
    home = os.path.join(cache_root, "mirrors", kept_name(url))
    keep = _copy(home)
    os.makedirs(keep, exist_ok=True)
    mirror = KeptMirror(url, name or tag_of_url(url), keep)
    with _locked(home):
        state = _read_state(home)
        kept = _kept_layout(keep, state)
        if kept and now() - float(state.get("checked", 0)) < ttl:
            return mirror  # within the TTL: not even the HTTP client is imported
        from . import http

        try:
            written = _revalidate(url, home, state, kept, timeout, progress, now)
        except http.FetchError as exc:
            if exc.definitive:
                raise MirrorUnavailable(f"{url}: {exc}") from None
            if kept:
                age = _age(now() - float(state.get("fetched", 0)))
                return KeptMirror(url, mirror.name, keep, f"{url}: {exc}; using the copy fetched {age} ago")
            raise MirrorUnavailable(f"{url}: {exc}, and no copy of its index is kept") from None
        if written is None:
            where = f"{V3_MANIFEST_PATH} nor {V2_INDEX_PATH}"
            raise MirrorUnavailable(f"{url}: no Spack build cache index there (neither {where} answered)")
    return KeptMirror(url, mirror.name, keep, changed=written)


def _revalidate(
    url: str,
    home: str,
    state: dict[str, Any],
    kept: str,
    timeout: float,
    progress: DownloadProgress | None,
    now: Callable[[], float],
) -> bool | None:
    """Ask the server once (conditionally, when a copy is kept): whether a new copy was written, or None
    when neither layout is there."""
    report = (lambda done, total, rate: progress(url, done, total, rate)) if progress else None
    if kept != "v2":
        written = _v3(url, home, state if kept == "v3" else {}, timeout, report, now)
        if written is not None:
            return written
    return _v2(url, home, state if kept == "v2" else {}, timeout, report, now)


def _conditional(state: dict[str, Any]) -> dict[str, str]:
    headers = {}
    if state.get("etag"):
        headers["If-None-Match"] = str(state["etag"])
    if state.get("last_modified"):
        headers["If-Modified-Since"] = str(state["last_modified"])
    return headers


def _v3(
    url: str, home: str, state: dict[str, Any], timeout: float, report: http.Progress | None, now: Callable[[], float]
) -> bool | None:
    """The v3 layout: whether a new copy was written (manifest, and the blob if it is new); None if absent."""
    from . import http

    keep = _copy(home)
    try:
        answer = http.get(f"{url}/{V3_MANIFEST_PATH}", _conditional(state), timeout)
    except http.FetchError as exc:
        if exc.status == 404:
            return None
        raise
    if answer.status == 304:
        _write_state(home, {**state, "checked": now()})
        return False
    try:
        manifest = answer.read(MANIFEST_LIMIT)
    finally:
        answer.close()
    try:
        blob_path, _, checksum, length = v3_blob(keep, manifest)
    except IndexReadError as exc:
        raise http.FetchError(f"its index manifest: {exc}", status=200) from None
    if not _is_blob(blob_path, checksum):
        os.makedirs(os.path.dirname(blob_path), exist_ok=True)
        blob_url = f"{url}/blobs/sha256/{checksum[:2]}/{checksum}"
        body = http.get(blob_url, None, timeout)
        try:
            http.download(body, blob_path, sha256=checksum, length=length, limit=INDEX_LIMIT, progress=report)
        except http.FetchError as exc:
            raise http.FetchError(f"index blob {checksum[:12]}…: {exc} (not kept)", status=exc.status) from None
    _write_new(os.path.join(keep, V3_MANIFEST), manifest)
    _write_state(home, _fresh_state("v3", answer, now()))
    _remove_old_blobs(keep, blob_path, now())
    return True


def _v2(
    url: str, home: str, state: dict[str, Any], timeout: float, report: http.Progress | None, now: Callable[[], float]
) -> bool | None:
    """The v2 layout: whether a new ``index.json`` was written; None if absent."""
    from . import http

    index_url = f"{url}/{V2_INDEX_PATH}"
    index = os.path.join(_copy(home), V2_INDEX)
    try:
        answer = http.get(index_url + ".hash", _conditional(state), timeout)
    except http.FetchError as exc:
        if exc.status != 404:
            raise
        answer = None  # no .hash (an old mirror): the index itself, conditionally
    if answer is not None and answer.status == 304:
        _write_state(home, {**state, "checked": now()})
        return False
    recorded = ""
    if answer is not None:
        try:
            recorded = answer.read(256).decode("ascii", "replace").strip()
        finally:
            answer.close()
        if not re.fullmatch(r"[0-9a-f]{64}", recorded):
            recorded = ""
    if recorded and _sha256_of(index) == recorded:  # the same index: nothing to download
        _write_state(home, _fresh_state("v2", answer, now(), fetched=state.get("fetched")))
        return False
    try:
        body = http.get(index_url, _conditional(state) if answer is None else None, timeout)
    except http.FetchError as exc:
        if exc.status == 404:
            return None
        raise
    if body.status == 304:
        _write_state(home, {**state, "checked": now()})
        return False
    os.makedirs(os.path.dirname(index), exist_ok=True)
    http.download(body, index, sha256=recorded or None, limit=INDEX_LIMIT, progress=report)
    if recorded:
        _write_new(index + ".hash", recorded.encode() + b"\n")
    elif os.path.lexists(index + ".hash"):
        os.unlink(index + ".hash")  # ours, and no longer the index's
    _write_state(home, _fresh_state("v2", answer or body, now()))
    return True


def _copy(home: str) -> str:
    """The kept copy's mirror root in a URL's directory (its state and lock are beside it, so a check that
    finds nothing new touches only them)."""
    return os.path.join(home, "index")


def _fresh_state(layout: str, answer: http.Response | None, when: float, fetched: object = None) -> dict[str, Any]:
    headers = answer.headers if answer is not None else {}
    return {
        "layout": layout,
        "etag": headers.get("etag", ""),
        "last_modified": headers.get("last-modified", ""),
        "checked": when,
        "fetched": fetched if isinstance(fetched, (int, float)) else when,
    }


def _kept_layout(keep: str, state: dict[str, Any]) -> str:
    """ "v3" or "v2" when a whole copy of that layout is kept, else ""."""
    layout = state.get("layout")
    if layout == "v3":
        try:
            with open_regular(os.path.join(keep, V3_MANIFEST)) as handle:
                blob_path, _, checksum, _ = v3_blob(keep, handle.read(MANIFEST_LIMIT))
        except (OSError, IndexReadError):
            return ""
        return "v3" if _is_blob(blob_path, checksum) else ""
    if layout == "v2":
        return "v2" if os.path.isfile(os.path.join(keep, V2_INDEX)) else ""
    return ""


def _is_blob(path: str, checksum: str) -> bool:
    """A blob is kept under its checksum only once checked: its name is its proof."""
    return os.path.isfile(path) and os.path.basename(path) == checksum


def _sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    try:
        with open_regular(path) as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return ""
    return digest.hexdigest()


def _remove_old_blobs(keep: str, current: str, when: float) -> None:
    blobs = os.path.join(keep, "blobs", "sha256")
    for prefix in os.listdir(blobs) if os.path.isdir(blobs) else ():
        folder = os.path.join(blobs, prefix)
        for name in os.listdir(folder) if os.path.isdir(folder) else ():
            path = os.path.join(folder, name)
            try:
                if path != current and when - os.stat(path).st_mtime > OLD_BLOB_SECONDS:
                    os.unlink(path)
            except OSError:
                pass


def _read_state(keep: str) -> dict[str, Any]:
    try:
        with open_regular(os.path.join(keep, STATE)) as handle:
            state = json.loads(handle.read(1 << 16))
    except (OSError, ValueError, RecursionError):
        return {}
    return state if isinstance(state, dict) else {}


def _write_state(keep: str, state: dict[str, Any]) -> None:
    _write_new(os.path.join(keep, STATE), json.dumps(state).encode())


def _write_new(path: str, data: bytes) -> None:
    """Write ``path`` whole under another name, then rename it into place."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    partial = f"{path}.part-{os.getpid()}"
    try:
        with open(partial, "wb") as handle:
            handle.write(data)
        os.replace(partial, path)
    finally:
        if os.path.lexists(partial):
            os.unlink(partial)


@contextlib.contextmanager
def _locked(keep: str) -> Iterator[None]:
    """One process at a time revalidates a mirror (``flock`` where there is one)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: files are still replaced whole
        yield
        return
    with open(os.path.join(keep, ".lock"), "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _age(seconds: float) -> str:
    seconds = max(0.0, seconds)
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 172800:
        return f"{seconds / 3600:.0f} h"
    return f"{seconds / 86400:.0f} days"
