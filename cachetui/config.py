"""Every setting in one place: the config file, the ``CACHETUI_*`` variables, the XDG directories.

Invariants: a relative ``XDG_*`` variable is ignored (as the XDG spec says); an empty or relative
``HOME`` falls back to the account's home directory, and with no absolute home there is no such
directory (None, and the caller says so). Reading the config file never blocks and never raises:
a FIFO, a device or a directory is "not a regular file".
"""

from __future__ import annotations

import os
import sys
from typing import Any

from .files import read_regular, reason

DEFAULT_TTL = 600.0  # seconds, as Spack's binary_index_ttl
DEFAULT_HTTP_TIMEOUT = 10.0  # seconds to connect, and for each read, when fetching a mirror's index
ENV_TTL = "CACHETUI_TTL"
ENV_CATALOG = "CACHETUI_CATALOG"
ENV_HOST = "CACHETUI_HOST"
ENV_SITE_REPO = "CACHETUI_SITE_REPO"
CONFIG_LIMIT = 1 << 20  # a config file larger than this is not one
SNAPSHOT_DAYS = 30.0  # snapshots not opened for this long are removed
SNAPSHOT_KEEP = 5  # at most this many snapshots are kept, the most recently opened


def _home() -> str | None:
    home = os.environ.get("HOME", "")
    if not os.path.isabs(home):
        try:
            import pwd

            home = pwd.getpwuid(os.getuid()).pw_dir
        except (ImportError, KeyError, OSError):
            home = ""
    return home if os.path.isabs(home) and home != os.sep else None


def _xdg(variable: str, *fallback: str) -> str | None:
    """``$variable/cachetui``, else ``~/<fallback>/cachetui``; None when no absolute place exists."""
    xdg = os.environ.get(variable, "")
    if os.path.isabs(xdg):
        return os.path.join(xdg, "cachetui")
    home = _home()
    return os.path.join(home, *fallback, "cachetui") if home else None


def cache_dir() -> str | None:
    """``$XDG_CACHE_HOME/cachetui``, else ``~/.cache/cachetui``: the snapshots."""
    return _xdg("XDG_CACHE_HOME", ".cache")


def data_dir() -> str | None:
    """``$XDG_DATA_HOME/cachetui``, else ``~/.local/share/cachetui``: the synced site."""
    return _xdg("XDG_DATA_HOME", ".local", "share")


def config_path() -> str | None:
    """``$XDG_CONFIG_HOME/cachetui/config.toml``, else ``~/.config/cachetui/config.toml``."""
    base = _xdg("XDG_CONFIG_HOME", ".config")
    return os.path.join(base, "config.toml") if base else None


def read_config(path: str | None = None) -> tuple[dict[str, Any], str | None]:
    """The config file as a dict, and a one-line problem if it could not be read (the dict is then empty)."""
    path = path or config_path()
    if path is None or not os.path.lexists(path):
        return {}, None
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        data = read_regular(path, CONFIG_LIMIT)
        if len(data) > CONFIG_LIMIT:
            return {}, f"ignoring {path}: larger than {CONFIG_LIMIT} bytes"
        return tomllib.loads(data.decode("utf-8")), None
    except OSError as exc:
        return {}, f"ignoring {path}: {reason(exc)}"
    except (ValueError, RecursionError) as exc:
        return {}, f"ignoring {path}: {exc}"


def snapshot_limits(config: dict[str, Any] | None = None) -> tuple[float, int]:
    """(days a snapshot may go unopened, how many to keep): ``snapshot_days`` and ``snapshot_keep`` in the
    config file; a value that is not a positive number is ignored."""
    config = config or {}
    days, keep = config.get("snapshot_days"), config.get("snapshot_keep")
    good_days = isinstance(days, (int, float)) and not isinstance(days, bool) and days > 0
    good_keep = isinstance(keep, int) and not isinstance(keep, bool) and keep > 0
    return (float(days) if good_days else SNAPSHOT_DAYS), (int(keep) if good_keep else SNAPSHOT_KEEP)  # type: ignore[arg-type]


def ttl_seconds(config: dict[str, Any] | None = None) -> tuple[float, str | None]:
    """The TTL: ``$CACHETUI_TTL``, else ``ttl`` in the config file, else 600 s; and a problem, if any."""
    raw: object = os.environ.get(ENV_TTL)
    where = ENV_TTL
    if raw is None or raw == "":
        raw, where = (config or {}).get("ttl"), "ttl in the config file"
    if raw is None:
        return DEFAULT_TTL, None
    try:
        value = float(raw)  # type: ignore[arg-type]  # a str from the environment or a number from TOML
    except (TypeError, ValueError):
        return DEFAULT_TTL, f"{where} is not a number of seconds ({raw!r}); using {DEFAULT_TTL:.0f}"
    if value != value or value < 0:
        return DEFAULT_TTL, f"{where} must be 0 or more seconds; using {DEFAULT_TTL:.0f}"
    return value, None


def http_timeout(config: dict[str, Any] | None = None) -> tuple[float, str | None]:
    """Seconds to connect and to wait for each read from a mirror: ``http_timeout`` in the config file, else 10."""
    raw = (config or {}).get("http_timeout")
    if raw is None:
        return DEFAULT_HTTP_TIMEOUT, None
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not raw > 0:
        return (
            DEFAULT_HTTP_TIMEOUT,
            f"http_timeout in the config file must be seconds above 0; using {DEFAULT_HTTP_TIMEOUT:.0f}",
        )
    return float(raw), None


def config_mirrors(config: dict[str, Any] | None = None) -> tuple[dict[str, str], list[str]]:
    """``[mirrors]`` of the config file: name -> URL or path (``develop = "https://binaries.spack.io/develop"``),
    and a line per entry left out."""
    table = (config or {}).get("mirrors", {})
    if not isinstance(table, dict):
        return {}, ['config.toml: [mirrors] must be a table of name = "URL"']
    found, problems = {}, []
    for name, value in table.items():
        if isinstance(value, str) and value.strip() and "/" not in name and "=" not in name:
            found[name] = value.strip()
        else:
            problems.append(f"config.toml [mirrors]: {name!r} must be a name without '/' or '=' and a URL or path")
    return found, problems
