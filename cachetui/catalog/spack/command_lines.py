"""Command lines we print or copy: every argument quoted, or no command at all.

A tag or hash comes from a page anyone can write. ``$(touch /tmp/x)`` as a
tag must reach a user's shell as that literal text, never as a command, and a
line holding control or invisible characters cannot be pasted safely at all.
Every command line cachetui shows or copies is built here.
"""

from __future__ import annotations

import os
import re
import shlex

from .tags import LEGACY_TAG
from .text import is_plain
from .urls import url_of_kept

SITE_MIRROR_URL = "https://binaries.spack.io/{tag}"


def command_line(*args: str) -> str | None:
    """``args`` quoted for a POSIX shell (``shlex.join``); None when one holds a character a shell line must not carry."""
    if not all(is_plain(arg) for arg in args):
        return None
    return shlex.join(args)


def mirror_add_command(tag: str, source: str | None = None) -> str | None:
    """``spack mirror add NAME URL`` for a tag (``mirror_of``); None for legacy pages or an unusable tag."""
    mirror = mirror_of(tag, source)
    return command_line("spack", "mirror", "add", *mirror) if mirror else None


def mirror_of(tag: str, source: str | None = None) -> tuple[str, str] | None:
    """(name, URL) of the mirror a tag stands for; None for legacy pages and install trees.

    A site tag's mirror is ``https://binaries.spack.io/TAG``. A tag read from a
    Spack index (``source`` is the index's file) is that mirror: its root
    directory, or the URL of a cache entry (the tag is the URL without scheme).
    """
    if tag == LEGACY_TAG or not tag or (source and is_install_tree_database(source)):
        return None
    url = index_mirror_url(tag, source) if source else None
    if url is not None:
        return re.sub(r"[^A-Za-z0-9._-]+", "-", tag).strip("-") or "mirror", url
    return f"spack-build-cache-{tag}", SITE_MIRROR_URL.format(tag=tag)


INSTALL_TREE_DATABASE = os.path.join(".spack-db", "index.json")


def is_install_tree_database(source: str) -> bool:
    """``source`` is an install tree's database (``PREFIX/.spack-db/index.json``): no mirror, nothing to install."""
    return source.endswith(os.sep + INSTALL_TREE_DATABASE)


def no_mirror_reason(tag: str, source: str | None) -> str:
    """Why a tag has no ``spack mirror add`` command (when ``mirror_add_command`` gives None)."""
    if tag == LEGACY_TAG:
        return "legacy pages are not a mirror tag"
    if source and is_install_tree_database(source):
        return "an install tree, not a mirror: its specs are installed there"
    return "tag has characters no command line should carry"


def index_mirror_url(tag: str, source: str) -> str | None:
    """The mirror a Spack-index tag stands for, from the file it was read from; None for a page.
    A mirror fetched over HTTP is its URL (``urls.url_of_kept``), not the copy kept in the cache."""
    fetched = url_of_kept(source)
    if fetched is not None:
        return fetched
    v3 = os.path.join("v3", "manifests", "index", "index.manifest.json")
    v2 = os.path.join("build_cache", "index.json")
    if source.endswith(os.sep + v3):
        return source[: -len(v3) - 1]
    if source.endswith(os.sep + v2):
        return os.path.dirname(os.path.dirname(source))
    if os.path.basename(source) == "contents.json":  # a cache entry: the tag is its URL (spackindex.mirror_name_of_url)
        url = re.sub(r" \(v[0-9]+ layout\)\Z", "", tag)
        if "://" in url:
            return url
        return "file://" + url if url.startswith("/") else "https://" + url
    if source.endswith(".json"):
        return os.path.dirname(source)
    return None


def no_install_reason(kind: str, tag: str) -> str | None:
    """Why a spec of this kind has no install command (an install tree's spec is installed), or None."""
    return f"installed in {tag}: not a binary to install" if kind == "installed" else None


def install_command(digest: str | None) -> str | None:
    """``spack install --use-buildcache only /HASH``."""
    if not digest:
        return None
    return command_line("spack", "install", "--use-buildcache", "only", "/" + digest)
