"""HTTP GETs for mirror indexes: the standard library's client, with proxies, CA bundle and timeouts.

Invariants: proxies come from the usual variables (``https_proxy``, ``http_proxy``, ``no_proxy``) through
``urllib``'s own handling; certificates are checked against the system's CA bundle (or
``SSL_CERT_FILE``/``SSL_CERT_DIR``, which OpenSSL reads); every connect and every read has the timeout;
a 304 answer is an answer (``Response.status``), not an error; a body is read to a limit, never whole
into memory unless asked; a download goes to a new file beside its target and replaces it only when
complete and checked, and nothing of it is left behind otherwise (Ctrl-C included).
"""

from __future__ import annotations

import hashlib
import http.client
import os
import ssl
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from ... import __version__

CHUNK = 1 << 20
USER_AGENT = f"cachetui/{__version__}"


class FetchError(Exception):
    """The server could not be reached or did not answer usefully; ``definitive`` says which."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status  # the HTTP status when the server answered (404, 500...), else None

    @property
    def definitive(self) -> bool:
        """The server answered, and asking again later would not help (a 4xx but 408 and 429, or a body that
        is not what it should be): a kept copy must not stand in for it. Otherwise (no answer, a timeout, a
        5xx) the server may be back later, and a kept copy answers meanwhile."""
        return self.status is not None and self.status < 500 and self.status not in (408, 429)


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    handle: http.client.HTTPResponse | None  # None for a 304

    def read(self, limit: int) -> bytes:
        assert self.handle is not None
        data = self.handle.read(limit + 1)
        if len(data) > limit:
            raise FetchError(f"answer larger than {limit} bytes", status=self.status)
        return data

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()


_OPENER: urllib.request.OpenerDirector | None = None


def _opener() -> urllib.request.OpenerDirector:
    global _OPENER
    if _OPENER is None:
        context = ssl.create_default_context()  # the system's CAs; SSL_CERT_FILE/SSL_CERT_DIR through OpenSSL
        _OPENER = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context))  # + env proxies
    return _OPENER


def get(url: str, headers: dict[str, str] | None, timeout: float) -> Response:
    """GET ``url``; 200 and 304 are answers, anything else a FetchError (with the status if there was one)."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **(headers or {})})
    try:
        handle = _opener().open(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            exc.close()
            return Response(304, {k.lower(): v for k, v in exc.headers.items()}, None)
        exc.close()
        raise FetchError(f"HTTP {exc.code} {exc.reason}", status=exc.code) from None
    except urllib.error.URLError as exc:
        raise FetchError(_reason(exc.reason)) from None
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise FetchError(_reason(exc)) from None
    return Response(handle.status, {k.lower(): v for k, v in handle.headers.items()}, handle)


def _reason(exc: object) -> str:
    if isinstance(exc, TimeoutError) or "timed out" in str(exc):
        return "timed out"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"certificate not trusted ({exc.verify_message}); SSL_CERT_FILE names a CA bundle"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


Progress = Callable[[int, int, float], None]  # (bytes so far, bytes expected or 0, bytes per second)


def download(
    response: Response,
    target: str,
    *,
    sha256: str | None = None,
    length: int | None = None,
    limit: int,
    progress: Progress | None = None,
) -> None:
    """Stream a 200 answer's body into ``target`` (created or replaced whole), checked against ``sha256``
    and ``length`` when given; FetchError (nothing kept) if it does not match or is cut short."""
    assert response.handle is not None
    expected = length if length is not None else int(response.headers.get("content-length", "0") or 0)
    directory = os.path.dirname(target)
    fd, partial = tempfile.mkstemp(prefix=".part-", dir=directory)
    try:
        digest = hashlib.sha256()
        got = 0
        started = time.monotonic()
        with os.fdopen(fd, "wb") as out:
            while True:
                try:
                    chunk = response.handle.read(CHUNK)
                except (OSError, http.client.HTTPException) as exc:
                    raise FetchError(f"download cut off after {got} bytes ({_reason(exc)})") from None
                if not chunk:
                    break
                got += len(chunk)
                if got > limit or (length is not None and got > length):
                    raise FetchError(f"answer larger than {length if length is not None else limit} bytes", status=200)
                digest.update(chunk)
                out.write(chunk)
                if progress is not None:
                    elapsed = time.monotonic() - started
                    progress(got, expected, got / elapsed if elapsed > 0 else 0.0)
        if length is not None and got != length:
            raise FetchError(f"got {got} bytes, the manifest says {length} (damaged or partial)", status=200)
        if sha256 is not None and digest.hexdigest() != sha256:
            raise FetchError(f"sha256 {digest.hexdigest()[:12]}… is not the manifest's {sha256[:12]}…", status=200)
        os.replace(partial, target)
    finally:
        response.close()
        if os.path.lexists(partial):
            os.unlink(partial)
