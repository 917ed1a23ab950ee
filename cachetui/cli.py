"""The ``cachetui`` command: browse, pick, find, show, hash, index.

Output rules (other tools depend on them):

* Plain output is never coloured and never carries control bytes: every string
  that comes from a page goes through ``printable()``. ``--json`` keeps exact
  strings, written with ``ensure_ascii`` so ESC, DEL and C1 controls appear as
  ``\\u001b``-style escapes rather than raw bytes.
* Results go to stdout; notes, progress and errors go to stderr, one line each
  (``cachetui: ...``), never a traceback unless ``--debug``.
* Exit codes: 0 success, 1 nothing found / unknown package / unexpected error,
  2 usage error, malformed query or no catalog source, 130 on Ctrl-C,
  141 when the reader of a pipe goes away (``| head``).

The catalog (numpy, rapidfuzz, YAML) and the Textual UI are imported lazily, so
``cachetui --help`` and ``--version`` are instant and the non-interactive
commands never load Textual.
"""

from __future__ import annotations

import argparse
import atexit
import difflib
import json
import os
import shlex
import signal
import sys
import time
import traceback
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING, NoReturn

from . import __version__, signals

if TYPE_CHECKING:  # the catalog is imported lazily at run time (see above)
    from _typeshed import SupportsWrite

    from .catalog import Catalog, Host, LoadProgress, Spec

PROG = "cachetui"
COMMANDS = ("browse", "pick", "find", "show", "hash", "index", "arch", "diff", "history", "sync", "keys")
QUERY_COMMANDS = ("find", "diff", "history")  # their trailing words are query text
ENV_CATALOG = "CACHETUI_CATALOG"
DEFAULT_LIMIT = 50
FIND_BATCH = 10_000  # specs built (and printed) at a time by `find`

EXIT_OK = 0
EXIT_NOTHING = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141

# On/off options accepted before or after every command: (flags, destination, help).
COMMON_SWITCHES: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("--no-cache",), "no_cache", "neither read nor write the snapshot"),
    (("-q", "--quiet"), "quiet", "no notes or progress on stderr (errors are still reported)"),
    (
        ("--spack-cache",),
        "spack_cache",
        "add every index in Spack's local index cache ($SPACK_USER_CACHE_PATH/"
        "cache/indices, default ~/.spack/cache/indices): every mirror your Spack knows, offline",
    ),
    (("--refresh",), "refresh", "check every page now, even within the snapshot's TTL ($CACHETUI_TTL, default 600 s)"),
    (("--debug",), "debug", "show a traceback on errors"),
)

# Options that take a value, so the default-command detection can skip the value.
_VALUE_OPTIONS = frozenset({"-C", "--catalog", "--cache-dir", "--limit", "--tag", "--host"})


class CliError(Exception):
    """An error to report as one line on stderr, with an exit code."""

    def __init__(self, message: str, code: int = EXIT_NOTHING):
        super().__init__(message)
        self.message = message
        self.code = code


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors become one line (``cachetui: ...``) and exit code 2."""

    def error(self, message: str) -> NoReturn:
        raise CliError(f"{message} (see '{self.prog} --help')", EXIT_USAGE)

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        # argparse swallows write errors here, so `--help >/dev/full` would exit 0.
        if message:
            _out_to(file or sys.stderr, message)


# --- small output helpers -------------------------------------------------------------


def _printable(text: object) -> str:
    from .catalog import printable

    return printable(str(text))


def _out(line: str = "") -> None:
    _out_to(sys.stdout, line + "\n")


def _out_to(stream: SupportsWrite[str], text: str) -> None:
    try:
        stream.write(text)
    except BrokenPipeError:
        raise
    except OSError as exc:
        _silence_stdout()
        raise CliError(f"cannot write output: {exc.strerror or exc}") from None


def _err(message: str) -> None:
    try:
        message = _printable(message)  # idempotent; also covers what the user typed
    except Exception:  # the catalog itself failed to import: still say something readable
        message = message.encode("ascii", "backslashreplace").decode("ascii")
    sys.stderr.write(f"{PROG}: {message}\n")
    sys.stderr.flush()


def _note(opts: argparse.Namespace, message: str) -> None:
    if not getattr(opts, "quiet", False):
        _err(f"note: {message}")


def _json_line(obj: object) -> None:
    # ensure_ascii: control characters (C0, DEL, C1) and everything non-ASCII are escaped,
    # so JSON output is 7-bit clean whatever the pages contain.
    _out(json.dumps(obj, ensure_ascii=True))


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


# --- argument parsing -------------------------------------------------------------------


def _add_common(parser: argparse.ArgumentParser, prefix: str) -> None:
    """Options accepted both before and after the subcommand.

    Defaults are suppressed and dests prefixed, so ``cachetui -C a find -C b x``
    keeps both paths and a subcommand's defaults never overwrite global values.
    """
    group = parser.add_argument_group("catalog and output options (before or after the command)")
    group.add_argument(
        "-C",
        "--catalog",
        dest=prefix + "catalog",
        action="append",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help=f"page file or directory (repeatable); default: ${ENV_CATALOG} (separated by '{os.pathsep}'), "
        "else the bundled sample catalog",
    )
    group.add_argument(
        "--cache-dir",
        dest=prefix + "cache_dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="where the snapshot lives (default: $XDG_CACHE_HOME/cachetui, i.e. ~/.cache/cachetui)",
    )
    for flags, name, help_text in COMMON_SWITCHES:
        group.add_argument(*flags, dest=prefix + name, action="store_true", default=argparse.SUPPRESS, help=help_text)
    group.add_argument(
        "--host",
        dest=prefix + "host",
        metavar="PLATFORM-OS-TARGET",
        default=argparse.SUPPRESS,
        help="the machine 'runs here' means (default: $CACHETUI_HOST, else this one), "
        "e.g. linux-rhel8-sapphirerapids for a login node asking about its compute nodes",
    )


_EPILOG = f"""\
commands:
  {PROG} [PATH ...]            open the browser (same as '{PROG} browse')
  {PROG} pick [PATH ...]       browse, print the full hash of the spec chosen with Enter
  {PROG} find QUERY...         specs matching a query, e.g. '{PROG} find hdf5@1.14 +mpi os=ubuntu22.04'
  {PROG} show PACKAGE          a package's summary per tag and its specs
  {PROG} hash PREFIX           every occurrence of the spec(s) with that hash prefix
  {PROG} index [PATH ...]      build or refresh the snapshot and list problems
  {PROG} arch                  this machine as Spack names it (platform-os-target), like 'spack arch'
  {PROG} keys                  the browser's actions and keys; remap them in config.toml [keys]
  {PROG} sync [DIR] [--tag TAG ...]    get or update the site's pages (a sparse git clone of _cache/)
  {PROG} diff TAG_A TAG_B [QUERY...]   specs added and removed between two tags
  {PROG} history PACKAGE [QUERY...]    per version, the tags it is in

exit codes: 0 ok, 1 nothing found, 2 usage error / bad query / no catalog, 130 interrupted,
            141 output pipe closed (| head)
"""


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        allow_abbrev=False,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="A terminal browser for Spack build caches: the site's pages, Spack mirrors and Spack's index cache.",
        epilog=_EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    _add_common(parser, "g_")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    def command(name: str, help: str, description: str | None = None) -> argparse.ArgumentParser:
        p = sub.add_parser(
            name,
            help=help,
            description=description or help,
            allow_abbrev=False,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        _add_common(p, "s_")
        return p

    p = command("browse", "open the browser (the default command)")
    p.add_argument("paths", nargs="*", metavar="PATH", help="page files or directories (like -C)")
    p.set_defaults(func=cmd_browse)

    p = command("pick", "browse; on Enter print the spec's full hash and exit (spack install /$(cachetui pick))")
    p.add_argument("paths", nargs="*", metavar="PATH", help="page files or directories (like -C)")
    p.set_defaults(func=cmd_pick)

    p = command(
        "find",
        "list specs matching a query",
        description="List specs matching a query, best package match first, then newest tag first.\n"
        "Query words are joined with spaces. Examples:\n"
        "  cachetui find hdf5@1.14 +mpi %gcc os=ubuntu22.04\n"
        "  cachetui find zlib tag=v0.23.0 --json\n"
        "'-variant' is read as '~variant', as in Spack.",
    )
    p.add_argument("query", nargs="*", metavar="QUERY", help="query words (an empty query lists every spec)")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.add_argument(
        "--limit",
        type=_limit,
        default=DEFAULT_LIMIT,
        metavar="N",
        help=f"print at most N specs (default {DEFAULT_LIMIT}; 0 = all)",
    )
    p.add_argument(
        "--here",
        action="store_true",
        help="only specs that run on this machine (or on --host): host=PLATFORM-OS-TARGET",
    )
    p.set_defaults(func=cmd_find)

    p = command("show", "a package's summary per tag and its specs; /HASH: a spec and its dependencies")
    p.add_argument("package", metavar="PACKAGE", help="a package name, or /HASH for one spec and its dependencies")
    p.add_argument("--tag", metavar="TAG", help="only this tag (glob patterns allowed: 'develop-2025-*')")
    p.add_argument("--json", action="store_true", help="one JSON document")
    p.set_defaults(func=cmd_show)

    p = command("hash", "every occurrence of the spec(s) whose hash starts with PREFIX")
    p.add_argument("prefix", metavar="PREFIX", help="hash prefix, '/' allowed (/jasonju)")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.set_defaults(func=cmd_hash)

    p = command("index", "build or refresh the snapshot, then summarise and list problems")
    p.add_argument("paths", nargs="*", metavar="PATH", help="page files or directories (like -C)")
    p.add_argument("--json", action="store_true", help="one JSON document")
    p.set_defaults(func=cmd_index)

    p = command(
        "diff",
        "specs added and removed between two tags",
        description="Specs (by hash) in TAG_B and not in TAG_A (added, +) and in TAG_A and not in TAG_B "
        "(removed, -).\nA QUERY narrows both sides. Tags: a name, a glob matching one tag, "
        "latest-release or latest-snapshot. Examples:\n"
        "  cachetui diff v0.22.0 v0.23.0\n"
        "  cachetui diff latest-release develop hdf5 +mpi",
    )
    p.add_argument("tag_a", metavar="TAG_A")
    p.add_argument("tag_b", metavar="TAG_B")
    p.add_argument("query", nargs="*", metavar="QUERY", help="narrows both sides (the find query language)")
    p.add_argument("--json", action="store_true", help="one JSON object per changed spec")
    p.set_defaults(func=cmd_diff)

    p = command(
        "history",
        "per version of a package, the tags it is in",
        description="Per version of PACKAGE (newest first): the tags it appears in with their spec counts, "
        "and the first and last of them.\nA QUERY narrows the specs counted. Example:\n"
        "  cachetui history hdf5 +mpi",
    )
    p.add_argument("package", metavar="PACKAGE")
    p.add_argument("query", nargs="*", metavar="QUERY", help="narrows the specs counted")
    p.add_argument("--json", action="store_true", help="one JSON document")
    p.set_defaults(func=cmd_history)

    p = command(
        "sync",
        "get or update the site's pages: a shallow, sparse git clone holding only _cache/",
        description="Clone (or update) the site's repository, keeping only _cache/ (or the named tags),\n"
        "without history or other files. With no DIR: $XDG_DATA_HOME/cachetui/site, which a later\n"
        "`cachetui` with no catalog opens instead of the bundled sample. Examples:\n"
        "  cachetui sync\n"
        "  cachetui sync --tag develop --tag v0.23.0",
    )
    p.add_argument(
        "dir", nargs="?", metavar="DIR", help="where the clone lives (default: $XDG_DATA_HOME/cachetui/site)"
    )
    p.add_argument("--tag", action="append", default=[], metavar="TAG", help="only this tag (repeatable)")
    p.add_argument("--repo", metavar="URL", help="the site's repository ($CACHETUI_SITE_REPO, site_repo in the config)")
    p.set_defaults(func=cmd_sync)

    p = command(
        "keys",
        "the browser's actions and their keys (as remapped in config.toml)",
        description="Every action of the browser: its id, its keys, where it applies. Remap one in\n"
        "$XDG_CONFIG_HOME/cachetui/config.toml (Textual key names, comma-separated):\n"
        "  [keys]\n"
        '  copy_hash = "c"\n'
        '  "table.last" = "G,end"',
    )
    p.add_argument("--json", action="store_true", help="one JSON object per action")
    p.set_defaults(func=cmd_keys)

    p = command("arch", "this machine as Spack names it: platform-os-target (like 'spack arch')")
    p.add_argument("--json", action="store_true", help="the parts, the target's ancestors and where it came from")
    p.set_defaults(func=cmd_arch)
    return parser


def _limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 (all) or more")
    return value


def _command_position(argv: list[str]) -> int:
    """Index of the first word that is not an option or an option's value (len(argv) if none)."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            return i
        if arg.startswith("-") and arg != "-":
            i += 2 if arg in _VALUE_OPTIONS else 1
            continue
        return i
    return len(argv)


def with_default_command(argv: list[str]) -> list[str]:
    """Insert ``browse`` where the command would be, unless one is given.

    ``cachetui``, ``cachetui -C x`` and ``cachetui some/path`` open the browser;
    ``cachetui find ...`` is a command, never a path (``cachetui browse find`` is).
    """
    i = _command_position(argv)
    if i < len(argv) and argv[i] in COMMANDS:
        return argv
    return [*argv[:i], "browse", *argv[i:]]


def _spack_negations(argv: list[str]) -> list[str]:
    """In the arguments of a command that takes a query, read Spack's ``-variant`` as ``~variant``.

    Otherwise argparse would take ``-hl`` (hdf5's ``hl`` variant) for ``-h``.
    Only lowercase names longer than one letter: ``-h``, ``-q`` and ``-Cpath`` stay options.
    """
    i = _command_position(argv)
    if i >= len(argv) or argv[i] not in QUERY_COMMANDS:
        return argv
    out = argv[: i + 1]
    previous = ""
    for arg in argv[i + 1 :]:
        if arg == "--":
            out.extend(argv[len(out) :])
            break
        if len(arg) > 2 and arg[0] == "-" and (arg[1].islower() or arg[1] == "_") and previous not in _VALUE_OPTIONS:
            arg = "~" + arg[1:]
        out.append(arg)
        previous = arg
    return out


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = build_parser()
    opts, extra = parser.parse_known_args(_spack_negations(with_default_command(argv)))
    if extra:
        # find: query words after an option ('find hdf5 --json +mpi') land here;
        # anything starting with '--' is a real mistake.
        if opts.command in QUERY_COMMANDS and not any(a.startswith("--") for a in extra):
            opts.query = list(opts.query) + extra
        else:
            raise CliError(
                f"unrecognized arguments: {' '.join(extra)} (see '{PROG} {opts.command} --help')", EXIT_USAGE
            )
    merged = vars(opts)
    for name, default in (("cache_dir", None), ("host", None), *((name, False) for _, name, _ in COMMON_SWITCHES)):
        global_value = merged.pop("g_" + name, default)
        merged[name] = merged.pop("s_" + name, global_value)  # after the command wins
    opts.catalog = list(merged.pop("g_catalog", [])) + list(merged.pop("s_catalog", []))
    return opts


# --- catalog sources and loading ----------------------------------------------------------


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
    if given:
        _check_names(given)
        return given, "args"
    env = [p for p in os.environ.get(ENV_CATALOG, "").split(os.pathsep) if p.strip()]
    if env:
        return env, "env"
    from .site import synced_pages

    site = synced_pages()
    if site is not None:
        return [site], "site"
    from .catalog import sample_catalog_path

    return [sample_catalog_path()], "sample"


def _check_names(given: list[str]) -> None:
    """Usage errors for ``NAME=PATH`` sources that cannot mean what was typed: an empty NAME, or one
    path given under two names (one name would be dropped)."""
    from .catalog import split_source

    named: dict[str, str] = {}
    for text in given:
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
    from .catalog import split_source

    missing = [s for s in sources if not os.path.exists(split_source(s)[1])]
    if not missing:
        return
    if len(missing) == len(sources):
        loops = [s for s in missing if _is_symlink_loop(split_source(s)[1])]
        if loops:
            raise CliError("symlink loop: " + ", ".join(_printable(s) for s in loops), EXIT_USAGE)
        message = "no such file or directory: " + ", ".join(_printable(s) for s in missing)
        typo = difflib.get_close_matches(missing[0], COMMANDS, n=1, cutoff=0.6)
        if typo and getattr(opts, "command", None) == "browse":
            message += f" (did you mean '{PROG} {typo[0]}'?)"
        raise CliError(message, EXIT_USAGE)
    for s in missing:
        reason = "symlink loop" if _is_symlink_loop(split_source(s)[1]) else "no such file or directory"
        _note(opts, f"{reason}: {_printable(s)} (skipped)")


def _is_symlink_loop(path: str) -> bool:
    import errno

    try:
        os.stat(path)
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


class Progress:
    """Loading progress on stderr.

    On a terminal: one line rewritten with ``\\r`` (``parsing 1234/130000 files  45%``),
    erased when done; with ``delay`` it only appears if loading takes that long.
    Elsewhere (``plain``): a handful of lines (phase changes and every 25% of parsing).
    """

    PHASES = {
        "snapshot": "reading snapshot",
        "scan": "scanning sources",
        "index": "indexing",
        "save": "writing snapshot",
    }

    def __init__(self, *, tty: bool, plain: bool, delay: float = 0.0, stream: IO[str] | None = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = tty
        self.plain = plain and not tty
        self.delay = delay
        self.started = time.monotonic()
        self.last_draw = 0.0
        self.width = 0
        self.phase: str | None = None
        self.quarter = -1

    def __call__(self, p: LoadProgress) -> None:
        try:
            if self.tty:
                self._draw(p)
            elif self.plain:
                self._line(p)
        except (OSError, ValueError):
            pass  # progress must never break loading

    def _text(self, p: LoadProgress) -> str:
        if p.phase == "parse" and p.total == 1:
            return "parsing 1 file"  # most likely a large Spack index: 0/1 for seconds says nothing
        if p.phase == "parse" and p.total:
            return f"parsing {p.done}/{p.total} files  {100 * p.done // p.total:3d}%"
        if p.phase == "scan" and p.done and self.tty:
            return f"scanning sources: {p.done} files"
        return self.PHASES.get(p.phase, "")

    def _draw(self, p: LoadProgress) -> None:
        now = time.monotonic()
        if p.phase == "done":
            self.finish()
            return
        if now - self.started < self.delay:
            return
        if p.phase == self.phase and now - self.last_draw < 0.1 and p.done != p.total:
            return
        self.phase, self.last_draw = p.phase, now
        text = self._text(p)
        pad = max(0, self.width - len(text))
        self.stream.write("\r" + text + " " * pad)
        self.stream.flush()
        self.width = len(text)

    def _line(self, p: LoadProgress) -> None:
        if p.phase == "parse" and p.total:
            if self.phase != "parse":
                self.phase = "parse"
                self.stream.write(f"parsing {p.total} file{'' if p.total == 1 else 's'}\n")
            quarter = 4 * p.done // p.total
            if quarter > self.quarter and 0 < quarter < 4:
                self.quarter = quarter
                self.stream.write(f"parsed {p.done}/{p.total} pages ({100 * p.done // p.total}%)\n")
            return
        if p.phase != self.phase and p.phase in self.PHASES:
            self.phase = p.phase
            self.stream.write(self.PHASES[p.phase] + "\n")

    def finish(self) -> None:
        if self.tty and self.width:
            try:
                self.stream.write("\r" + " " * self.width + "\r")
                self.stream.flush()
            except (OSError, ValueError):
                pass
            self.width = 0


def load(opts: argparse.Namespace, sources: list[str], progress: Progress | None = None) -> Catalog:
    from .catalog import load_catalog

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
    finally:
        if progress is not None:
            progress.finish()
    for notice in catalog.notices:
        _note(opts, _printable(notice))
    return catalog


def _isatty(stream: IO[str] | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError):
        return False


def problems_note(opts: argparse.Namespace, catalog: Catalog, sources: list[str], origin: str) -> None:
    """find/show/hash: one line on stderr when the catalog has problems; `index` lists them."""
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


# --- formatting -------------------------------------------------------------------------------


def spec_line(spec: Spec, *, tag: bool = True, full_hash: bool = False) -> str:
    """``/abcdefg  pkg@1.2 %gcc@13 +mpi arch=linux-ubuntu22.04-x86_64_v3  [tag]`` (printable)."""
    width = 32 if full_hash else 8
    short = spec.hash if full_hash else "/" + spec.short_hash
    head = short if spec.hash else "-".ljust(width)  # legacy pages have no hashes
    line = f"{head}  {spec.spack_string()}"
    if tag:
        line += f"  [{spec.tag}]"
    return _printable(line)


def _counts(mapping: dict[str, int]) -> str:
    return ", ".join(f"{key} ({count})" for key, count in mapping.items()) or "-"


# --- commands ---------------------------------------------------------------------------------


def cmd_sync(opts: argparse.Namespace) -> int:
    from .config import read_config
    from .site import SyncError, default_site_dir, repo_url, sync

    directory = opts.dir or default_site_dir()
    if directory is None:
        raise CliError(
            "no place for the site: give DIR (neither XDG_DATA_HOME nor HOME is an absolute path)", EXIT_USAGE
        )
    url = opts.repo or repo_url(read_config()[0])
    try:
        done = sync(os.path.abspath(directory), url, opts.tag, quiet=opts.quiet)
    except SyncError as exc:
        raise CliError(_printable(str(exc))) from None
    pages = os.path.join(os.path.abspath(directory), "_cache")
    _out(_printable(f"{done}: {pages}"))
    if opts.dir:
        _note(opts, _printable(f"open it with: {PROG} -C {shlex.quote(pages)}"))
    else:
        _note(opts, f"`{PROG}` with no catalog now opens it (instead of the bundled sample)")
    return EXIT_OK


def cmd_browse(opts: argparse.Namespace) -> int:
    return _run_browser(opts, pick=False)


def cmd_pick(opts: argparse.Namespace) -> int:
    return _run_browser(opts, pick=True)


def _run_browser(opts: argparse.Namespace, *, pick: bool) -> int:
    sources, origin = resolve_sources(opts, opts.paths)
    if origin == "site":
        _note(opts, _printable(f"no catalog given: opening the synced site pages in {sources[0]}"))
    check_sources(opts, sources)
    try:
        from .ui.app import run_browser
    except ImportError as exc:
        raise CliError(f"the browser is not available: {exc}") from exc
    attach_terminal()
    signals.save_terminal()
    picked = run_browser(
        sources, cache_dir=opts.cache_dir, use_cache=not opts.no_cache, pick=pick, host=_browser_host(opts)
    )
    if not pick:
        return EXIT_OK
    if not picked:
        return EXIT_NOTHING
    _out(_printable(picked))
    return EXIT_OK


def _browser_host(opts: argparse.Namespace) -> Host | None:
    """The machine the browser marks "runs here": --host or $CACHETUI_HOST (exit 2 if malformed), else
    this one; None (no marks) when archspec cannot tell."""
    if opts.host or os.environ.get("CACHETUI_HOST", "").strip():
        return the_host(opts)
    try:
        return the_host(opts)
    except (CliError, ImportError, OSError) as exc:
        _note(opts, f"cannot tell this machine's architecture ({exc}); 'runs here' is off (use --host)")
        return None


def attach_terminal() -> None:
    """Give the browser a terminal: it reads keys on stdin and draws on stderr.

    Where either is redirected (``cachetui pick`` inside ``$(...)`` keeps stdout
    for the hash), the controlling terminal takes its place; with no terminal
    at all (cron, a pipe with no tty) the browser would write escape codes into
    a file forever, so it refuses with one line instead.
    """
    need = [fd for fd in (0, 2) if not _fd_is_tty(fd)]
    if not need:
        return
    try:
        tty = os.open("/dev/tty", os.O_RDWR | getattr(os, "O_NOCTTY", 0))
    except OSError:
        raise CliError(
            "no terminal to draw on: the browser needs one "
            f"(in scripts use '{PROG} find', '{PROG} show' or '{PROG} hash')",
            EXIT_USAGE,
        ) from None
    for fd in need:
        os.dup2(tty, fd)
    os.close(tty)


def _fd_is_tty(fd: int) -> bool:
    try:
        return os.isatty(fd)
    except OSError:
        return False


def cmd_find(opts: argparse.Namespace) -> int:
    from .catalog import parse_query

    query = parse_query(" ".join(opts.query))  # a malformed query fails before any loading
    if opts.here:
        query = query.with_host(the_host(opts))
    sources, origin = resolve_sources(opts)
    catalog = load(opts, sources)
    result = catalog.query(query)
    for remark in query.notes:
        _note(opts, _printable(remark))
    if query.uses_microarchitectures:
        unknown = catalog.unknown_targets()
        if unknown:
            shown = ", ".join(unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
            _note(opts, _printable(f"targets archspec does not know never count as compatible: {shown}"))
    rows = result.ordered_rows(opts.limit or None)
    for start in range(0, len(rows), FIND_BATCH):  # Spec objects for a batch at a time: 3M specs fit
        for spec in catalog.specs(rows[start : start + FIND_BATCH]):
            if opts.json:
                _json_line(spec.to_dict())
            else:
                _out(spec_line(spec))
    if result.count > len(rows):
        _note(opts, f"{result.count - len(rows)} more not shown (use --limit N, or --limit 0 for all)")
    problems_note(opts, catalog, sources, origin)
    return EXIT_OK if result.count else EXIT_NOTHING


def _find_package(catalog: Catalog, name: str) -> str | None:
    if name in catalog.package_index.names:
        return name
    folded = [p for p in catalog.packages if p.lower() == name.lower()]
    return folded[0] if len(folded) == 1 else None


def cmd_show(opts: argparse.Namespace) -> int:
    import fnmatch

    from .catalog import LEGACY_TAG, mirror_add_command, version_key

    if opts.package.startswith("/"):
        prefix = _hash_prefix(opts.package)
        sources, origin = resolve_sources(opts)
        return _show_hash(opts, prefix, load(opts, sources), sources, origin)
    sources, origin = resolve_sources(opts)
    catalog = load(opts, sources)
    package = _find_package(catalog, opts.package)
    if package is None:
        closest = catalog.package_index.closest(opts.package, limit=5)
        hint = f" (did you mean: {', '.join(closest)}?)" if closest else ""
        problems_note(opts, catalog, sources, origin)
        raise CliError(_printable(f"no package named '{opts.package}'{hint}"))
    tags: list[str] = []
    for page_id in catalog.page_ids_of_package(package):
        tag = catalog.pages[page_id].tag
        if tag not in tags:
            tags.append(tag)
    if opts.tag:
        wanted = opts.tag
        glob = any(c in wanted for c in "*?[")
        picked = [t for t in tags if (fnmatch.fnmatchcase(t, wanted) if glob else t == wanted)]
        if not picked:
            problems_note(opts, catalog, sources, origin)
            raise CliError(_printable(f"{package} has no page in tag '{wanted}' (its tags: {', '.join(tags)})"))
        tags = picked

    blocks = []
    for tag in tags:
        rows = catalog.rows_of(tag=tag, package=package)
        specs = catalog.specs(rows)
        specs.sort(key=lambda s: version_key(s.version), reverse=True)  # stable: page order within a version
        blocks.append((tag, catalog.summary(rows), specs))

    if opts.json:
        _json_line(
            {
                "package": package,
                "tags": [
                    {"tag": tag, "summary": summary.to_dict(), "specs": [s.to_dict() for s in specs]}
                    for tag, summary, specs in blocks
                ],
            }
        )
    else:
        from .catalog import human_size

        total = sum(summary.num_specs for _, summary, _ in blocks)
        _out(_printable(f"{package}: {_plural(total, 'spec')} in {_plural(len(blocks), 'tag')}"))
        for tag, summary, specs in blocks:
            _out()
            _out(_printable(f"[{tag}]  {_plural(summary.num_specs, 'spec')}"))
            lines = [
                ("versions", _counts(summary.versions)),
                ("compilers", _counts(summary.compilers)),
                ("platforms", _counts(summary.platforms)),
                ("OSes", _counts(summary.oss)),
                ("targets", _counts(summary.targets)),
                ("stacks", _counts(summary.stacks)),
            ]
            if summary.total_size is not None:
                lines.append(("size", human_size(summary.total_size) + " (specs of known size)"))
            pages = catalog.pages_for(tag, package)
            mirror = mirror_add_command(tag, pages[0].source if pages else None)
            if mirror:
                lines.append(("mirror", mirror))
            elif tag != LEGACY_TAG:
                lines.append(("mirror", "- (the tag has characters no command line should carry)"))
            for label, text in lines:
                _out(_printable(f"  {label + ':':<11}{text}"))
            for spec in specs:
                _out("    " + spec_line(spec, tag=False))
    problems_note(opts, catalog, sources, origin)
    return EXIT_OK


def _show_hash(opts: argparse.Namespace, prefix: str, catalog: Catalog, sources: list[str], origin: str) -> int:
    """``show /HASH``: the spec(s) with that hash prefix, each with its root flag and dependencies."""
    specs = catalog.lookup_hash(prefix)
    problems_note(opts, catalog, sources, origin)
    if not specs:
        raise CliError(_printable(f"no spec with hash prefix '{prefix}'"))
    for spec in specs:
        if opts.json:
            _json_line(spec.to_dict())
            continue
        _out(spec_line(spec, full_hash=True))
        if spec.dependencies is None:
            _out("  dependencies: unknown (pages list root specs only)")
            continue
        _out(f"  root: {'yes' if spec.root else 'no'}")
        if not spec.dependencies:
            _out("  dependencies: none")
        for dep in spec.dependencies:
            mark = "" if dep.binary else "  (no binary in this cache)"
            _out(_printable(f"  ^ {dep.label} /{dep.hash[:7]}{mark}"))
    return EXIT_OK


def _hash_prefix(text: str) -> str:
    """A hash prefix as typed (``/abc``, ``abc``), lower-cased; a usage error if it cannot be one."""
    from .catalog import HASH_LENGTH

    prefix = text.strip().lstrip("/").lower()
    if not prefix:
        raise CliError("empty hash prefix (give a few characters, e.g. /jasonju)", EXIT_USAGE)
    if len(prefix) > HASH_LENGTH:
        raise CliError(f"a hash prefix is at most {HASH_LENGTH} characters (this one has {len(prefix)})", EXIT_USAGE)
    return prefix


def cmd_hash(opts: argparse.Namespace) -> int:
    prefix = _hash_prefix(opts.prefix)
    sources, origin = resolve_sources(opts)
    catalog = load(opts, sources)
    specs = catalog.lookup_hash(prefix)
    problems_note(opts, catalog, sources, origin)
    if not specs:
        hint = ""
        if not set(prefix) <= set("abcdefghijklmnopqrstuvwxyz234567"):
            hint = " (Spack hashes use only a-z and 2-7)"
        raise CliError(_printable(f"no spec with hash prefix '{prefix}'{hint}"))
    distinct = sorted({s.hash or "" for s in specs})
    if len(distinct) > 1:
        _note(opts, _printable(f"'{prefix}' is ambiguous: {len(distinct)} specs match"))
    for spec in specs:
        if opts.json:
            _json_line(spec.to_dict())
        else:
            _out(spec_line(spec, full_hash=True))
    return EXIT_OK


def _resolve_tag(catalog: Catalog, wanted: str) -> str:
    from .catalog import UnknownTagError, resolve_tag

    try:
        return resolve_tag(catalog, wanted)
    except UnknownTagError as exc:
        raise CliError(_printable(str(exc)), EXIT_USAGE) from None


def cmd_diff(opts: argparse.Namespace) -> int:
    from .catalog import diff_tags, parse_query

    query = parse_query(" ".join(opts.query))
    sources, origin = resolve_sources(opts)
    catalog = load(opts, sources)
    tag_a, tag_b = _resolve_tag(catalog, opts.tag_a), _resolve_tag(catalog, opts.tag_b)
    change = diff_tags(catalog, tag_a, tag_b, query)
    added, removed = catalog.specs(change.added), catalog.specs(change.removed)
    order = {name: i for i, name in enumerate(catalog.packages)}

    if opts.json:
        for spec, kind in sorted(
            [(s, "added") for s in added] + [(s, "removed") for s in removed],
            key=lambda item: (order[item[0].package], item[1] == "added", item[0].version, item[0].hash or ""),
        ):
            _json_line({**spec.to_dict(), "change": kind})
    else:
        _out(_printable(f"{tag_a} -> {tag_b}: {change.summary()}"))
        for item in change.packages:
            state = " (new)" if item.new else " (gone)" if item.gone else ""
            parts = [f"+{item.added}", f"-{item.removed}"]
            if item.versions_added:
                parts.append("versions added: " + ", ".join(item.versions_added))
            if item.versions_dropped:
                parts.append("dropped: " + ", ".join(item.versions_dropped))
            _out(_printable(f"  {item.package}{state}: " + "  ".join(parts)))
        by_package: dict[str, list[tuple[str, Spec]]] = {}
        for sign, specs in (("-", removed), ("+", added)):
            for spec in specs:
                by_package.setdefault(spec.package, []).append((sign, spec))
        if by_package:
            _out()
        for package in sorted(by_package, key=order.__getitem__):
            for sign, spec in by_package[package]:
                _out(sign + " " + spec_line(spec))
    problems_note(opts, catalog, sources, origin)
    return EXIT_NOTHING if change.unchanged else EXIT_OK


def cmd_history(opts: argparse.Namespace) -> int:
    from .catalog import package_history, parse_query, sparkline

    query = parse_query(" ".join(opts.query))
    sources, origin = resolve_sources(opts)
    catalog = load(opts, sources)
    package = _find_package(catalog, opts.package)
    if package is None:
        closest = catalog.package_index.closest(opts.package, limit=5)
        hint = f" (did you mean: {', '.join(closest)}?)" if closest else ""
        problems_note(opts, catalog, sources, origin)
        raise CliError(_printable(f"no package named '{opts.package}'{hint}"))
    history = package_history(catalog, package, query)
    problems_note(opts, catalog, sources, origin)
    if opts.json:
        _json_line(history.to_dict())
        return EXIT_OK if history.versions else EXIT_NOTHING
    total = sum(history.tag_counts.values())
    _out(
        _printable(
            f"{package}: {_plural(len(history.versions), 'version')}, {_plural(total, 'spec')} "
            f"in {_plural(len(history.tag_counts), 'tag')}"
        )
    )
    snapshots = history.snapshot_counts(catalog)
    if snapshots and any(count for _, count in snapshots):
        line = sparkline([count for _, count in snapshots], width=60)
        _out(_printable(f"  weekly snapshots {snapshots[0][0]} .. {snapshots[-1][0]}: {line}"))
    for version in history.versions:
        tags = ", ".join(f"{tag} ({count})" for tag, count in version.tags.items())
        _out(_printable(f"  {version.version}: first {version.first}, last {version.last}; {tags}"))
    return EXIT_OK if history.versions else EXIT_NOTHING


def the_host(opts: argparse.Namespace) -> Host:
    """The machine 'runs here' means: --host, else $CACHETUI_HOST, else this one (exit 2 if malformed)."""
    from .catalog import host_from_environment

    try:
        return host_from_environment(opts.host)[0]
    except ValueError as exc:
        raise CliError(_printable(str(exc)), EXIT_USAGE) from None


def cmd_arch(opts: argparse.Namespace) -> int:
    from .catalog import ancestors, host_from_environment, targets

    try:
        host, origin = host_from_environment(opts.host)
    except ValueError as exc:
        raise CliError(_printable(str(exc)), EXIT_USAGE) from None
    if not opts.json:
        _out(_printable(str(host)))
        return EXIT_OK
    target = targets().get(host.target)
    _json_line(
        {
            "platform": host.platform,
            "os": host.os,
            "target": host.target,
            "arch": str(host),
            "ancestors": ancestors(host.target),
            "family": target.family.name if target is not None else None,
            "vendor": target.vendor if target is not None else None,
            "features": sorted(target.features) if target is not None else [],
            "source": origin,
        }
    )
    return EXIT_OK


def cmd_keys(opts: argparse.Namespace) -> int:
    from .config import read_config
    from .ui.actions import action_table, keymap_from_config

    config, problem = read_config()
    keymap, problems = keymap_from_config(config)
    for line in ([problem] if problem else []) + problems:
        _note(opts, line)
    rows = list(action_table(keymap))
    if opts.json:
        for action_id, keys, where, description in rows:
            _json_line({"id": action_id, "keys": keys.split(","), "where": where.split(", "), "help": description})
        return EXIT_OK
    width = max(len(r[0]) for r in rows)
    key_width = max(len(r[1]) for r in rows)
    for action_id, keys, where, description in rows:
        _out(_printable(f"{action_id:<{width}}  {keys:<{key_width}}  {where}: {description}".rstrip()))
    return EXIT_OK


def cmd_index(opts: argparse.Namespace) -> int:
    sources, _ = resolve_sources(opts, opts.paths)
    tty = _isatty(sys.stderr)
    progress = None if opts.quiet else Progress(tty=tty, plain=True)
    catalog = load(opts, sources, progress)
    seconds = round(float(catalog.load_seconds), 3)
    if opts.json:
        _json_line(
            {
                "pages": len(catalog.pages),
                "specs": catalog.num_specs,
                "tags": len(catalog.tags),
                "packages": len(catalog.packages),
                "problems": [{"path": p.path, "reason": p.reason} for p in catalog.problems],
                "seconds": seconds,
            }
        )
        return EXIT_OK
    path = catalog.snapshot_file
    if path is None:
        snapshot = "not used (--no-cache)"
    else:
        if not os.path.exists(path):
            snapshot = f"{path} (not written)"
        else:
            snapshot = f"{path} ({'written' if catalog.snapshot_written else 'up to date'})"
    for label, value in (
        ("pages", len(catalog.pages)),
        ("specs", catalog.num_specs),
        ("tags", len(catalog.tags)),
        ("packages", len(catalog.packages)),
        ("seconds", f"{seconds:.3f}"),
        ("snapshot", snapshot),
        ("problems", len(catalog.problems)),
    ):
        _out(_printable(f"{label}: {value}"))
    for problem in catalog.problems:
        _out(f"{_printable(problem.path)}: {_printable(problem.reason)}")
    return EXIT_OK


# --- entry point -------------------------------------------------------------------------------


def _error_for(exc: BaseException) -> tuple[int, str]:
    catalog = sys.modules.get("cachetui.catalog")
    if catalog is not None:
        if isinstance(exc, catalog.NoSourceError):
            return EXIT_USAGE, "no such file or directory: " + ", ".join(_printable(m) for m in exc.missing)
        if isinstance(exc, catalog.QueryError):
            return EXIT_USAGE, _printable(exc.message)
    text = str(exc) or type(exc).__name__
    return EXIT_NOTHING, "error: " + _printable(text.splitlines()[0] if text.strip() else type(exc).__name__)


def _silence_stdout() -> None:
    """After EPIPE, point stdout at /dev/null so the interpreter's final flush stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


class Terminated(BaseException):
    """SIGTERM or SIGHUP: unwind (stopping worker processes on the way) and exit 128 + signal."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _terminate(signum: int, frame: object) -> None:
    signals.arm(signum)  # ends the process if unwinding cannot
    raise Terminated(signum)


def _install_signal_handlers() -> None:
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None:
            try:
                signal.signal(number, _terminate)
            except (ValueError, OSError):
                pass  # not the main thread (an embedding program): leave its handlers alone


def _damaged_snapshot(exc: BaseException) -> bool:
    """A value read from the snapshot was found damaged while answering (the catalog says which)."""
    face = sys.modules.get("cachetui.catalog")
    return face is not None and isinstance(exc, face.DamagedStoreError)


def _flush_stdout() -> None:
    """Flush, turning a failed write (disk full, closed pipe) into an error rather than exit 0."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        _silence_stdout()  # the interpreter's own final flush would fail again, noisily
        raise CliError(f"cannot write output: {exc.strerror or exc}") from None


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    if sys.stdout is None:  # started with stdout closed (>&-)
        if sys.stderr is not None:
            sys.stderr.write(f"{PROG}: cannot write output: standard output is closed\n")
        return EXIT_NOTHING
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]  # TextIOWrapper in practice
        except (AttributeError, ValueError):
            pass
    _install_signal_handlers()
    # numpy's OpenBLAS starts a thread per core at import, and cachetui never multiplies matrices: on a
    # 2-core login node those threads took ~5% of the CPU while a big index loaded. One also keeps the
    # fork of a large index's second reader (forked.ForkedCall) clear of threads outside Python.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    try:
        try:
            opts = parse_args(argv)
            debug = opts.debug
            try:
                code: int = opts.func(opts)
            except Exception as exc:
                if not _damaged_snapshot(exc) or getattr(opts, "rebuild", False):
                    raise
                _note(opts, f"the snapshot was damaged ({exc}); rebuilding it")
                opts.rebuild = True
                code = opts.func(opts)
        except SystemExit as exc:  # --help, --version
            code = EXIT_OK if exc.code is None else exc.code if isinstance(exc.code, int) else EXIT_NOTHING
        _flush_stdout()
        return code
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Terminated as exc:
        return 128 + exc.signum
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except CliError as exc:
        if debug:
            traceback.print_exc()
        _err(exc.message)
        return exc.code
    except Exception as exc:
        if debug:
            traceback.print_exc()
        code, message = _error_for(exc)
        _err(message)
        return code


def run() -> NoReturn:
    """The ``cachetui`` command: ``main``, then out at once, without the interpreter's teardown.

    Freeing every module's objects one by one took 60-70 ms at each exit on
    the benchmark VM (a quarter of a warm ``find``), and there is nothing
    left to do by then: ``main`` has flushed its output and returned its
    code, files it wrote were closed and renamed into place, the browser has
    given the terminal back, and child processes have been waited for.
    cachetui registers no exit handler; those other modules registered run
    first, as at a normal exit.
    """
    code = main()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


if __name__ == "__main__":
    run()
