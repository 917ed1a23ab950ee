"""Which catalog a command reads (``-C``, ``$CACHETUI_CATALOG``, the synced site, the sample) and loading it."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..config import ENV_CATALOG
from .output import EXIT_USAGE, PROG, CliError, Progress, _isatty, _note, _plural, _printable

if TYPE_CHECKING:
    from ..catalog import Catalog, Host


SAMPLE_NOTE = (
    "no catalog given: showing the bundled sample (a few dozen pages); "
    "get real data with `cachetui sync --tag develop`, or give -C PATH"
)


def resolve_sources(opts: argparse.Namespace, paths: Sequence[str] = ()) -> tuple[list[str], str]:
    """(sources, origin): -C and positional paths, else $CACHETUI_CATALOG, else the sample."""
    given = list(opts.catalog) + list(paths)
    if any(not str(path).strip() for path in given):
        raise CliError(
            "empty catalog path (an empty -C or PATH would mean the current directory; write '.' for that)", EXIT_USAGE
        )
    if getattr(opts, "spack_cache", False):
        cache = spack_index_cache()
        if not os.path.isdir(cache):
            raise CliError(
                _printable(f"no Spack index cache at {cache} (Spack keeps one once it has used a mirror)"), EXIT_USAGE
            )
        given.append(cache)
    given = _with_mirrors(opts, given)
    if given:
        _check_names(given)
        return given, "args"
    env = [p for p in os.environ.get(ENV_CATALOG, "").split(os.pathsep) if p.strip()]
    if env:
        return env, "env"
    from ..site import synced_pages

    site = synced_pages()
    if site is not None:
        return [site], "site"
    from ..catalog import sample_catalog_path

    return [sample_catalog_path()], "sample"


def _with_mirrors(opts: argparse.Namespace, given: list[str]) -> list[str]:
    """Sources with mirror names resolved: ``-C NAME`` of the config file's ``[mirrors]`` (when no such path
    exists) is ``NAME=URL``; ``--spack-mirrors`` adds Spack's own; s3:// and OCI URLs are a usage error."""
    from ..catalog import unsupported_scheme
    from ..config import config_mirrors, read_config

    configured, problems = config_mirrors(read_config()[0])
    for problem in problems:
        _note(opts, _printable(problem))
    resolved = []
    for text in given:
        if text in configured and not os.path.lexists(os.path.expanduser(text)):
            text = f"{text}={configured[text]}"
        why = unsupported_scheme(text)
        if why:
            raise CliError(_printable(f"-C {text}: {why}"), EXIT_USAGE)
        resolved.append(text)
    if getattr(opts, "spack_mirrors", False):
        from ..catalog import spack_mirrors

        mirrors, notes = spack_mirrors()
        for note in notes:
            _note(opts, _printable(note))
        for name, url in sorted(mirrors.items()):
            why = unsupported_scheme(url)
            if why:
                _note(opts, _printable(f"Spack mirror {name} ({url}) skipped: {why}"))
                continue
            if url.startswith("file://"):
                url = url[len("file://") :]
            resolved.append(f"{name}={url}")
        if not mirrors:
            _note(opts, "--spack-mirrors: no mirror in Spack's configuration (mirrors.yaml)")
    return resolved


def _check_names(given: list[str]) -> None:
    """Usage errors for ``NAME=PATH`` sources that cannot mean what was typed: an empty NAME, or one
    path given under two names (one name would be dropped)."""
    from ..catalog import split_source, split_url_source

    named: dict[str, str] = {}
    for text in given:
        if split_url_source(text) is not None:
            continue
        if text.startswith("=") and not os.path.lexists(os.path.expanduser(text)):
            raise CliError(
                _printable(f"-C {text!r}: the name before '=' is empty (write NAME=PATH, or PATH)"), EXIT_USAGE
            )
        name, path = split_source(text)
        if path in named and named[path] != name:
            first, second = named[path] or "(no name)", name or "(no name)"
            raise CliError(_printable(f"{path} is given twice, as {first} and as {second}: give it once"), EXIT_USAGE)
        named[path] = name


def spack_index_cache() -> str:
    """Spack's local copy of its mirrors' indexes: ``$SPACK_USER_CACHE_PATH/cache/indices`` (default ``~/.spack``)."""
    base = os.environ.get("SPACK_USER_CACHE_PATH") or os.path.join(os.path.expanduser("~"), ".spack")
    return os.path.join(base, "cache", "indices")


def check_sources(opts: argparse.Namespace, sources: list[str]) -> None:
    """Exit 2 when no source exists; a note for each missing one otherwise."""
    missing = {source: why for source in sources if (why := _why_missing(source))}
    if not missing:
        return
    if len(missing) == len(sources):
        loops = [s for s, why in missing.items() if why == "symlink loop"]
        if loops:
            raise CliError("symlink loop: " + ", ".join(_printable(s) for s in loops), EXIT_USAGE)
        error = CliError("no such file or directory: " + ", ".join(_printable(s) for s in missing), EXIT_USAGE)
        error.missing = list(missing)  # main() adds "did you mean 'cachetui find'?" where a path looks like a command
        raise error
    for source, why in missing.items():
        _note(opts, f"{why}: {_printable(source)} (skipped)")


def _why_missing(source: str) -> str | None:
    """None if the source's path exists; else "symlink loop" or "no such file or directory"."""
    import errno

    from ..catalog import split_source, split_url_source

    if split_url_source(source) is not None:
        return None  # fetched when loading: an unreachable mirror is said then
    try:
        os.stat(split_source(source)[1])
    except OSError as exc:
        return "symlink loop" if exc.errno == errno.ELOOP else "no such file or directory"
    return None


def load(opts: argparse.Namespace, sources: list[str], progress: Progress | None = None) -> Catalog:
    """The catalog of ``sources``; exit 2 when a mirror URL has no index to answer from (one line)."""
    from ..catalog import MirrorUnavailable, load_catalog

    check_sources(opts, sources)
    if progress is None and not opts.quiet and _isatty(sys.stderr):
        progress = Progress(tty=True, plain=False, delay=0.5)
    try:
        catalog = load_catalog(
            sources,
            cache_dir=opts.cache_dir,
            use_cache=not opts.no_cache,
            progress=progress,
            refresh=opts.refresh or opts.command == "index",  # index is the explicit refresh
            rebuild=getattr(opts, "rebuild", False),
        )
    except MirrorUnavailable as exc:
        raise CliError(_printable(str(exc)), EXIT_USAGE) from None
    finally:
        if progress is not None:
            progress.finish()
    for notice in catalog.notices:
        _note(opts, _printable(notice))
    unreachable = catalog.load_report.unreachable
    if unreachable:
        more = f" (and {len(unreachable) - 1} more mirror(s))" if len(unreachable) > 1 else ""
        raise CliError(_printable(unreachable[0] + more), EXIT_USAGE)
    return catalog


def problems_note(opts: argparse.Namespace, catalog: Catalog, sources: list[str], origin: str) -> None:
    """find/show/hash: one line on stderr when the catalog has problems (`index` lists them), and one
    when the catalog is the bundled sample (the browser says that on its first screen)."""
    if origin == "sample":
        _note(opts, SAMPLE_NOTE)
    n = len(catalog.problems)
    if not n:
        return
    command = f"{PROG} index"
    if origin == "args":
        command += "".join(" -C " + shlex.quote(s) for s in sources)
    _note(
        opts,
        f"{_plural(n, 'problem')} reading the catalog (run '{_printable(command)}' to list "
        f"{'it' if n == 1 else 'them'})",
    )


def the_host(opts: argparse.Namespace) -> Host:
    """The machine 'runs here' means: --host, else $CACHETUI_HOST, else this one (exit 2 if malformed)."""
    from ..catalog import host_from_environment

    try:
        return host_from_environment(opts.host)[0]
    except ValueError as exc:
        raise CliError(_printable(str(exc)), EXIT_USAGE) from None


def named_package(opts: argparse.Namespace, catalog: Catalog, name: str, sources: list[str], origin: str) -> str:
    """The package a command names (exactly, or but for case); else an error naming the nearest ones."""
    if name in catalog.package_index.names:
        return name
    folded = [p for p in catalog.packages if p.lower() == name.lower()]
    if len(folded) == 1:
        return folded[0]
    closest = catalog.package_index.closest(name, limit=5)
    hint = f" (did you mean: {', '.join(closest)}?)" if closest else ""
    problems_note(opts, catalog, sources, origin)
    raise CliError(_printable(f"no package named '{name}'{hint}"))


def _hash_prefix(text: str) -> str:
    """A hash prefix as typed (``/abc``, ``abc``), lower-cased; a usage error if it cannot be one."""
    from ..catalog import HASH_LENGTH

    prefix = text.strip().lstrip("/").lower()
    if not prefix:
        raise CliError("empty hash prefix (give a few characters, e.g. /jasonju)", EXIT_USAGE)
    if len(prefix) > HASH_LENGTH:
        raise CliError(f"a hash prefix is at most {HASH_LENGTH} characters (this one has {len(prefix)})", EXIT_USAGE)
    return prefix


def _resolve_tag(catalog: Catalog, wanted: str) -> str:
    from ..catalog import UnknownTagError, resolve_tag

    try:
        return resolve_tag(catalog, wanted)
    except UnknownTagError as exc:
        raise CliError(_printable(str(exc)), EXIT_USAGE) from None
