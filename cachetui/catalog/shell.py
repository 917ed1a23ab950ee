"""Command lines we print or copy: every argument quoted, or no command at all.

A tag or hash comes from a page anyone can write. ``$(touch /tmp/x)`` as a
tag must reach a user's shell as that literal text, never as a command, and a
line holding control or invisible characters cannot be pasted safely at all.
Every command line cachetui shows or copies is built here.
"""

from __future__ import annotations

import shlex

from .tags import LEGACY_TAG
from .text import is_plain

SITE_MIRROR_URL = "https://binaries.spack.io/{tag}"


def command_line(*args: str) -> str | None:
    """``args`` quoted for a POSIX shell (``shlex.join``); None when one holds a character a shell line must not carry."""
    if not all(is_plain(arg) for arg in args):
        return None
    return shlex.join(args)


def mirror_add_command(tag: str) -> str | None:
    """``spack mirror add spack-build-cache-TAG URL`` for a site tag; None for legacy pages or an unusable tag."""
    if tag == LEGACY_TAG or not tag:
        return None
    return command_line("spack", "mirror", "add", f"spack-build-cache-{tag}", SITE_MIRROR_URL.format(tag=tag))


def install_command(digest: str | None) -> str | None:
    """``spack install --use-buildcache only /HASH``."""
    if not digest:
        return None
    return command_line("spack", "install", "--use-buildcache", "only", "/" + digest)
