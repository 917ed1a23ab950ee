"""This machine as Spack names it (``spack arch``): platform, OS and CPU target.

The OS follows Spack's own rules, so that it equals the ``os`` of the
binaries built for it:

* Linux: ``ID`` and ``VERSION_ID`` from ``/etc/os-release`` (what the
  ``distro`` package reads for Spack), dashes in the name become underscores;
  Ubuntu keeps two version parts (``ubuntu22.04``), every other distribution
  its major version (``rhel8``, ``rocky9``, ``almalinux9``, ``centos7``,
  ``sles15``, ``sle_hpc15``, ``amzn2``, ``debian12``). Without an os-release
  file the OS is ``unknown`` and matches no binary: give the machine with
  ``--host`` (or ``CACHETUI_HOST``).
* macOS: the release name (``sequoia``, ``sonoma``, ``ventura``, ...).
* Windows: ``windows`` and the full version (``windows10.0.20348``).

The target is archspec's ``archspec.cpu.host()``, the same library Spack uses.
"""

from __future__ import annotations

import os
import platform as platform_mod
import re
import shlex

from ...config import ENV_HOST
from .microarch import Host

MACOS_NAMES = {
    "10.13": "highsierra",
    "10.14": "mojave",
    "10.15": "catalina",
    "11": "bigsur",
    "12": "monterey",
    "13": "ventura",
    "14": "sonoma",
    "15": "sequoia",
    "26": "tahoe",
}


def read_os_release(path: str = "/etc/os-release") -> dict[str, str]:
    """KEY=value pairs of an os-release file (shell quoting removed); empty if unreadable."""
    fields: dict[str, str] = {}
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return fields
    for line in lines:
        key, sep, value = line.strip().partition("=")
        if not sep or key.startswith("#"):
            continue
        try:
            words = shlex.split(value)
        except ValueError:
            continue
        fields[key] = words[0] if words else ""
    return fields


def linux_os(release: dict[str, str]) -> str:
    """Spack's name for a Linux distribution: ``ubuntu22.04``, ``rhel8``, ``sle_hpc15``..."""
    name = release.get("ID", "").lower() or "unknown"
    parts = re.split(r"[^\w-]", release.get("VERSION_ID", ""))
    version = ".".join(parts[:2]) if "ubuntu" in name else parts[0]
    return name.replace("-", "_") + version.replace("-", "_")


def macos_name(version: str) -> str:
    """``15.1`` -> ``sequoia``; ``10.14.6`` -> ``mojave``; an unknown release -> ``macos<major>``."""
    parts = version.split(".")
    key = ".".join(parts[:2]) if parts[0] == "10" else parts[0]
    return MACOS_NAMES.get(key, f"macos{key}")


def detect_os(system: str, os_release: str = "/etc/os-release") -> str:
    if system == "linux":
        return linux_os(read_os_release(os_release))
    if system == "darwin":
        return macos_name(platform_mod.mac_ver()[0] or "0")
    if system == "windows":
        return "windows" + platform_mod.version()
    return "unknown"


def detect_target() -> str:
    import archspec.cpu

    name: str = archspec.cpu.host().name
    return name


def detect_host(os_release: str = "/etc/os-release") -> Host:
    """This machine: platform, OS and target, as ``spack arch`` prints them."""
    system = platform_mod.system().lower()
    return Host(detect_target(), system, detect_os(system, os_release))


def host_from_environment(given: str | None = None) -> tuple[Host, str]:
    """The machine to answer for, and where it came from: ``--host``, ``CACHETUI_HOST``, or detection.

    Raises ValueError for a malformed or unknown value.
    """
    from .microarch import parse_host

    for origin, text in (("--host", given or ""), (ENV_HOST, os.environ.get(ENV_HOST, "").strip())):
        if text:
            try:
                return _full(parse_host(text), origin), origin
            except ValueError as exc:
                message = str(exc).replace("host= takes", f"{origin} takes")
                raise ValueError(message if message.startswith(origin) else f"{origin}={text!r}: {message}") from None
    return detect_host(), "detected"


def _full(host: Host, origin: str) -> Host:
    if host.platform is None:
        raise ValueError(f"{origin} takes platform-os-target, e.g. linux-rhel8-sapphirerapids (not a target alone)")
    return host
