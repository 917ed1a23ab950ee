"""The mirrors of a user's Spack configuration (``mirrors.yaml`` in the scopes Spack reads), without Spack.

Invariants: YAML is loaded safely; scopes are read from the lowest precedence to the highest (Spack's
``defaults``, ``system``, ``site``, ``user``), a later scope's mirror replacing an earlier one of the same
name and ``mirrors::`` replacing all before it; a mirror is its fetch URL (a string, ``url``, or
``fetch``/``fetch.url``); a file that cannot be read is a note, never an exception.
"""

from __future__ import annotations

import os
import platform
from typing import Any

from ...files import read_regular, reason

LIMIT = 1 << 20


def config_scopes(environ: dict[str, str] | None = None) -> list[str]:
    """Directories Spack reads configuration from, lowest precedence first (those that exist or not)."""
    env = os.environ if environ is None else environ
    scopes = []
    root = env.get("SPACK_ROOT", "")
    if root:
        scopes.append(os.path.join(root, "etc", "spack", "defaults"))
    scopes.append(env.get("SPACK_SYSTEM_CONFIG_PATH") or os.path.join(os.sep, "etc", "spack"))
    if root:
        scopes.append(os.path.join(root, "etc", "spack"))
    if not env.get("SPACK_DISABLE_LOCAL_CONFIG"):
        scopes.append(env.get("SPACK_USER_CONFIG_PATH") or os.path.join(os.path.expanduser("~"), ".spack"))
    system = platform.system().lower()
    return [path for scope in scopes for path in (scope, os.path.join(scope, system))]


def spack_mirrors(environ: dict[str, str] | None = None) -> tuple[dict[str, str], list[str]]:
    """(name -> fetch URL, notes) from every ``mirrors.yaml`` of the scopes (see the module's invariants)."""
    import yaml

    mirrors: dict[str, str] = {}
    notes: list[str] = []
    for scope in config_scopes(environ):
        path = os.path.join(scope, "mirrors.yaml")
        if not os.path.lexists(path):
            continue
        try:
            doc = yaml.safe_load(read_regular(path, LIMIT)[:LIMIT])
        except OSError as exc:
            notes.append(f"{path}: {reason(exc)}")
            continue
        except yaml.YAMLError as exc:
            notes.append(f"{path}: not YAML ({str(exc).splitlines()[0]})")
            continue
        if not isinstance(doc, dict):
            continue
        for key, table in doc.items():
            if str(key).rstrip(":") != "mirrors" or not isinstance(table, dict):
                continue
            if str(key).endswith("::"):
                mirrors.clear()
            for name, entry in table.items():
                url = _fetch_url(entry)
                if url:
                    mirrors[str(name)] = url
                else:
                    notes.append(f"{path}: mirror {str(name)!r} names no fetch URL")
    return mirrors, notes


def _fetch_url(entry: Any) -> str:
    if isinstance(entry, str):
        return entry
    if not isinstance(entry, dict):
        return ""
    fetch = entry.get("fetch", entry.get("url"))
    if isinstance(fetch, dict):
        fetch = fetch.get("url")
    return fetch if isinstance(fetch, str) else ""
