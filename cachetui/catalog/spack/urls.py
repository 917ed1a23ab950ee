"""Mirror URLs: which sources are URLs, the tag a URL gets, and the directory its kept copy lives in.

Invariants: the kept copy's directory name is the URL percent-encoded (``https%3A%2F%2Fhost%2Fpath``),
so the URL a kept index stands for is read back from its path alone (``url_of_kept``) and every mirror
command names the URL, never the cache; a URL too long for one directory name gets a digest instead
(its commands then name the kept copy). Only ``http`` and ``https`` are fetched; ``s3://`` and OCI
mirrors are named as unsupported by ``unsupported_scheme``.
"""

from __future__ import annotations

import hashlib
import os
import re
from urllib.parse import quote, unquote, urlsplit

FETCHED_SCHEMES = ("http://", "https://")
_KEPT = re.compile(r"\Ahttps?%3A%2F%2F", re.IGNORECASE)
_NAME_LIMIT = 200  # bytes of one directory name; file systems allow 255


def is_mirror_url(text: str) -> bool:
    """``http://...`` or ``https://...`` with a host."""
    lowered = text.lower()
    return lowered.startswith(FETCHED_SCHEMES) and bool(urlsplit(text).netloc)


def unsupported_scheme(text: str) -> str | None:
    """Why a source (``URL`` or ``NAME=URL``) of another scheme is not read (s3, oci, gs...), or None for
    anything else."""
    match = re.match(r"\A(?:[^=/]+=)?([a-z][a-z0-9+.-]*)://", text.lower())
    if match is None or match.group(1) in ("http", "https", "file"):
        return None
    return (
        f"{match.group(1)}:// mirrors are not fetched; 'spack buildcache update-index' or 'spack buildcache list' "
        "makes Spack keep their index, which --spack-cache reads"
    )


def split_url_source(text: str) -> tuple[str, str] | None:
    """(name, URL) of a ``URL`` or ``NAME=URL`` source; None for anything else (a path)."""
    if is_mirror_url(text):
        return "", text.rstrip("/")
    name, sep, rest = text.partition("=")
    if sep and name and "/" not in name and is_mirror_url(rest):
        return name, rest.rstrip("/")
    return None


def tag_of_url(url: str) -> str:
    """``https://binaries.spack.io/develop`` -> ``binaries.spack.io/develop``."""
    return re.sub(r"\A[a-z]+://", "", url, flags=re.IGNORECASE).rstrip("/")


def kept_name(url: str) -> str:
    """The directory name of a URL's kept copy (see the module's invariants)."""
    name = quote(url, safe="")
    if len(name.encode()) <= _NAME_LIMIT:
        return name
    return "url-" + hashlib.sha256(url.encode()).hexdigest()[:40]


def url_of_kept(path: str) -> str | None:
    """The URL whose kept copy ``path`` is in (a path under its directory), or None."""
    for part in reversed(path.split(os.sep)):
        if _KEPT.match(part):
            return unquote(part)
    return None
