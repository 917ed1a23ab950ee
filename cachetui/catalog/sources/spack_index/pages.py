"""A Spack index as pages: one page per (mirror, package), its binaries as rows with roots and dependencies.

The file the loader stamps and parses is what names the index: a mirror's
``build_cache/index.json`` (v2) or ``v3/manifests/index/index.manifest.json``
(v3, which names an immutable blob by checksum), a bare index file given
with ``-C``, or the ``contents.json`` of Spack's index cache (each entry a
mirror). The tag of an index's pages is its mirror: the source's ``NAME=``,
else the mirror root's directory name, else (cache entries) the mirror URL
without scheme and layout suffix (``binaries.spack.io/develop``).
"""

from __future__ import annotations

import json
import os
from typing import Any

from ....files import open_regular
from ...spack.records import Problem
from ...store.rows import IndexColumns
from ..parsed import ParsedPage
from .layout import (
    CACHE_CONTENTS,
    V2_INDEX,
    V3_MANIFEST,
    BlobCheck,
    IndexReadError,
    cache_layout,
    check_v2_hash,
    gc_paused,
    is_install_tree,
    mirror_name_of_url,
    read_database,
    read_v3_manifest,
    read_whole,
    records,
    v3_blob,
)
from .split import IndexText

MAX_INDEX_BYTES = 2 * 1024 * 1024 * 1024
_MANIFEST_BYTES = 1 << 20  # read of a v3 index manifest (a few hundred bytes in the wild)
_CONTENTS_BYTES = 1 << 24  # read of an index cache's contents.json


def is_index_file(path: str) -> bool:
    """True for the files that name a Spack index (see the module's docstring)."""
    if path.endswith(os.sep + V3_MANIFEST) or path.endswith(os.sep + V2_INDEX):
        return True
    return os.path.basename(path) == CACHE_CONTENTS or _looks_like_database(path)


def _looks_like_database(path: str) -> bool:
    if not path.endswith(".json"):
        return False
    try:
        with open_regular(path) as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return head.lstrip()[:1] == b"{" and b'"database"' in head


NESTED_TOO_DEEPLY = "nested too deeply to be an index (JSON arrays or objects over a thousand deep)"
IndexPart = ParsedPage | IndexColumns  # a package's page (general reader), or a whole index as columns


INSTALL_DB_DIR = ".spack-db"  # an install tree keeps its database in <prefix>/.spack-db/index.json
INSTALL_TREE_FORMAT = "install-tree"  # pages of an install tree's database: installed specs, not binaries


def is_install_tree_format(page_format: str) -> bool:
    """A page of this format lists an install tree's installed specs, not binaries of a build cache."""
    return page_format.startswith(INSTALL_TREE_FORMAT)


def read_index_pages(path: str, name: str | None = None) -> list[IndexPart] | Problem:
    """The pages of the index (or indexes, for a cache) that ``path`` names; a Problem if none can be read."""
    with gc_paused():  # a big index is millions of small objects and no cycles: the collector only slows it
        return _read_index_pages(path, name)


def _read_index_pages(path: str, name: str | None) -> list[IndexPart] | Problem:
    try:
        root = _v3_root(path)
        if root is not None:
            with open_regular(path) as handle:
                data, _, check = read_v3_manifest(root, handle.read(_MANIFEST_BYTES))
            return _pages(path, data, name or os.path.basename(root) or root, "db-v3", [], check)
        if os.path.basename(path) == CACHE_CONTENTS:
            return _cache_pages(path, name)
        data = _index_text(path)
        notes = [note for note in (check_v2_hash(path, data),) if note]
        if path.endswith(os.sep + V2_INDEX):
            root = os.path.dirname(os.path.dirname(path))
            mirror = name or os.path.basename(root) or root
        else:
            directory = os.path.dirname(path)
            if os.path.basename(directory) == INSTALL_DB_DIR:  # an install tree: named by its directory
                directory = os.path.dirname(directory)
            mirror = name or os.path.basename(directory) or path
        return _pages(path, data, mirror, "db-v2", notes)
    except IndexReadError as exc:
        return Problem(path, str(exc))
    except OSError as exc:
        return Problem(path, f"cannot read: {exc.strerror or exc}")
    except MemoryError:
        return Problem(path, "index too large to load")
    except RecursionError:
        return Problem(path, NESTED_TOO_DEEPLY)


def _cache_pages(path: str, name: str | None) -> list[IndexPart] | Problem:
    """Every index Spack's cache holds, each mirror named by its URL (a NAME= source name does not apply)."""
    directory = os.path.dirname(path)
    try:
        with open_regular(path) as handle:
            contents = json.loads(handle.read(_CONTENTS_BYTES))
    except ValueError as exc:
        return Problem(path, f"index cache contents.json is not valid JSON: {exc}")
    except RecursionError:
        return Problem(path, NESTED_TOO_DEEPLY)
    if not isinstance(contents, dict):
        return Problem(path, "index cache contents.json is not a mapping")
    pages: list[IndexPart] = []
    notes: list[str] = []
    entries = _cache_entries(contents)
    named = [mirror_name_of_url(str(key)) for key, _ in entries]  # a cache holds many mirrors: each named by its URL
    for (key, index_path), mirror in zip(entries, named):
        if index_path is None:
            notes.append(f"entry {str(key)[:60]!r} names no index file")
            continue
        if named.count(mirror) > 1 and cache_layout(str(key)):  # one URL in two layouts: two mirrors
            mirror = f"{mirror} ({cache_layout(str(key))} layout)"
        try:
            data = _index_text(os.path.join(directory, index_path))
            found = _pages(path, data, mirror, "db-cache", [])
        except IndexReadError as exc:
            notes.append(f"{index_path}: {exc}")
            continue
        except RecursionError:
            notes.append(f"{index_path}: {NESTED_TOO_DEEPLY}")
            continue
        except OSError as exc:
            notes.append(f"{index_path}: cannot read: {exc.strerror or exc}")
            continue
        if isinstance(found, Problem):
            notes.append(f"{index_path}: {found.reason}")
        else:
            pages.extend(found)
    if not pages:
        return Problem(path, "; ".join(notes) or "index cache lists no index")
    pages[0].notes.extend(notes)
    return pages


def _v3_root(path: str) -> str | None:
    """The mirror root of a v3 index manifest's path; None for any other file."""
    return path[: -len(V3_MANIFEST) - 1] if path.endswith(os.sep + V3_MANIFEST) else None


def _cache_entries(contents: dict[Any, Any]) -> list[tuple[Any, str | None]]:
    """(key, index file) of each entry of an index cache's contents.json; None for an entry naming
    none, or naming a file outside the cache's directory."""
    found: list[tuple[Any, str | None]] = []
    for key, entry in sorted(contents.items()):
        index_path = entry.get("index_path") if isinstance(entry, dict) else None
        ok = isinstance(index_path, str) and os.sep not in index_path and not index_path.startswith(".")
        found.append((key, index_path if ok else None))
    return found


def index_text_bytes(path: str) -> int:
    """How much index text reading ``path`` decodes: the file's size, the blob's for a v3 manifest, the
    cached indexes' for Spack's cache; 0 where that cannot be told (reading it then says why)."""
    try:
        root = _v3_root(path)
        if root is not None:
            with open_regular(path) as handle:
                return _size(v3_blob(root, handle.read(_MANIFEST_BYTES))[0])
        if os.path.basename(path) == CACHE_CONTENTS:
            with open_regular(path) as handle:
                contents = json.loads(handle.read(_CONTENTS_BYTES))
            directory = os.path.dirname(path)
            if not isinstance(contents, dict):
                return 0
            return sum(_size(os.path.join(directory, name)) for _, name in _cache_entries(contents) if name)
        return _size(path)
    except (OSError, ValueError, RecursionError, IndexReadError):
        return 0


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _index_text(path: str) -> IndexText:
    """An index file's text (``read_whole``); IndexReadError if it is over the limit."""
    data = read_whole(path, MAX_INDEX_BYTES)
    if len(data) > MAX_INDEX_BYTES:
        raise IndexReadError("index larger than 2 GiB")
    return data


def decode_index(data: IndexText, path: str, mirror: str, check: BlobCheck | None = None) -> IndexColumns | None:
    """The fast decoder (``decode.decode_index``), imported when an index is first read, not at start."""
    from .decode import decode_index as decode

    return decode(data, path, mirror, check)


def _pages(
    path: str, data: IndexText, mirror: str, fmt: str, notes: list[str], check: BlobCheck | None = None
) -> list[IndexPart] | Problem:
    fast = decode_index(data, path, mirror, check) if data[:2] != b"\x1f\x8b" else None
    if check is not None:
        check.wait()  # (again, if the decoder waited for it: nothing is used unchecked)
    if fast is not None and len(fast):
        fast.notes.extend(notes)
        return [fast]
    # No binaries (perhaps an install tree's database), or a shape the fast decoder leaves to this reader.
    version, installs = read_database(data)
    found, skipped = records(installs)
    # An install tree's database: nothing in a build cache, specs installed in its prefix; its roots are
    # the specs installed on request. Its specs are listed as installed, not as binaries.
    install_tree = is_install_tree(installs.values())
    kind = INSTALL_TREE_FORMAT if install_tree else "spack-index"
    by_package: dict[str, ParsedPage] = {}
    extras: dict[str, list[tuple[bool | None, Any]]] = {}
    for record in found:
        if not (record.installed and not record.external if install_tree else record.is_binary):
            continue  # externals and unpushed records are not binaries: they name dependencies only
        page = by_package.get(record.name)
        if page is None:
            page = by_package[record.name] = ParsedPage(
                path=path, package=record.name, tag=mirror, format=f"{kind}-db{version}"
            )
            page.rows = []
            extras[record.name] = []
        assert isinstance(page.rows, list)
        page.rows.append(
            (
                record.hash,
                record.version,
                record.compiler or "none",
                record.platform,
                record.os,
                record.target,
                record.variants,
                (),
                None,
                None,
            )
        )
        extras[record.name].append((record.explicit if install_tree else record.root, record.dependencies))
    if not by_package:
        return Problem(path, f"the index lists no binaries ({len(found)} records, none in the build cache)")
    pages = [by_package[name] for name in sorted(by_package)]
    for page in pages:
        page.extras = extras[page.package]
    pages[0].notes.extend(notes + skipped)
    return list(pages)
