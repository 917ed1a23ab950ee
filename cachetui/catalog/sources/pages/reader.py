"""Read one page file into plain rows, or say why it cannot be read.

Pages written by the site generator have one JSON value per line, so the fast
path splits lines and calls ``json.loads``; anything else falls back to YAML
(safe loading, aliases refused). The reader never raises for bad input: it
returns a ``Problem`` or a ``ParsedPage`` carrying notes about skipped specs.

Over 600 lines on purpose: the fast, streaming, YAML and legacy paths share the checks of one spec.
"""

from __future__ import annotations

import json
import operator
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import msgspec

from ....files import open_regular, read_regular, reason
from ...spack.records import HASH_LENGTH, DependencyRef, Problem, external_text
from ...spack.specstring import parse_root_spec, spec_string_dependencies
from ...spack.tags import LEGACY_TAG
from ...store.rows import Columns, Row
from ..parsed import (
    BINARY_FILE,
    EMPTY_FILE,
    MAX_COUNT,
    NO_FRONT_MATTER,
    READ_FAILURE,
    TOO_LARGE_TO_LOAD,
    PageError,
    ParsedPage,
)

MAX_PAGE_BYTES = 256 * 1024 * 1024  # refuse absurd files rather than exhaust memory
MAX_SIZE = 2**62  # a byte count beyond this is nonsense (and would not fit the int64 size column)
_HASH_RE = re.compile(r"[a-z2-7]{32}\Z")
_FIELDS = operator.itemgetter("hash", "versions", "compiler", "platform", "os", "target", "variants", "stacks", "size")
_SIMPLE_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):[ \t]*(.*)\Z")
PAGE_FILE_NAMES = ("specs.md", "index.md")  # file names the site uses for pages


def looks_like_page(head: bytes) -> bool:
    """A file is a page if it starts with a front-matter fence (after an optional BOM)."""
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    return head.startswith(b"---") and head[3:4] in (b"\n", b"\r", b"")


def read_page(path: str, data: bytes | None = None) -> ParsedPage | Problem:
    """Parse the page at ``path`` (or its bytes ``data``). Never raises.

    A giant page's ``rows`` is an iterator that may raise ``PageError`` while
    it is consumed (its JSON breaks off half way): the consumer turns that into
    a problem for the whole page.
    """
    try:
        if data is None:
            with open_regular(path) as handle:
                size = os.fstat(handle.fileno()).st_size
                if STREAM_BYTES <= size <= MAX_PAGE_BYTES:
                    streamed = _parse_layout(path, handle.read(), stream=True)
                    if streamed is not None:
                        return streamed
                    handle.seek(0)
                data = handle.read(MAX_PAGE_BYTES + 1)
            if len(data) <= MAX_PAGE_BYTES:
                fast = _parse_layout(path, data, stream=False)
                if fast is not None:
                    return fast
        return _parse(path, data)
    except PageError as exc:
        return Problem(path, str(exc))
    except OSError as exc:
        return Problem(path, READ_FAILURE + (exc.strerror or str(exc)))
    except RecursionError:
        return Problem(path, "front matter is nested too deeply")
    except MemoryError:
        return Problem(path, TOO_LARGE_TO_LOAD)
    except Exception as exc:  # a reader bug must not take the whole load down
        return Problem(path, f"unreadable page ({type(exc).__name__}: {exc})")


def _decode(data: bytes, notes: list[str]) -> str:
    if len(data) > MAX_PAGE_BYTES:
        raise PageError(f"page larger than {MAX_PAGE_BYTES // (1024 * 1024)} MiB")
    if not data:
        raise PageError(EMPTY_FILE)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data[:4096]:
        raise PageError(BINARY_FILE)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        notes.append(f"not valid UTF-8 (byte {exc.start}); decoded with replacement characters")
        text = data.decode("utf-8", errors="replace")
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    return text


def _front_matter(text: str) -> str:
    if not (text.startswith("---\n") or text == "---"):
        raise PageError(NO_FRONT_MATTER)
    body = text[4:]
    if body.startswith("---") and body[3:4] in ("\n", ""):
        return ""
    end = body.find("\n---")
    while end != -1:
        tail = body[end + 4 : end + 5]
        if tail in ("\n", ""):
            return body[:end]
        end = body.find("\n---", end + 4)
    raise PageError("front matter never closed (no closing '---'; truncated file?)")


def _fast_fields(front: str) -> dict[str, Any] | None:
    """Parse the generator's one-value-per-line layout; None if the page is not in it."""
    fields: dict[str, Any] = {}
    for line in front.split("\n"):
        if not line.strip():
            continue
        m = _SIMPLE_LINE.match(line)
        if not m:
            return None
        key, value = m.group(1), m.group(2).strip()
        if key == "spec_details" and value[:1] == "[":
            typed = _typed_specs(value)
            if typed is not None:
                fields[key] = typed
                continue
        if key in ("meta", "spec_details"):
            try:
                fields[key] = json.loads(value)
            except ValueError as exc:
                if value[:1] in ("[", "{"):
                    fields["_json_error"] = (key, exc)
                    return fields  # YAML gets a try, but a failure is reported as the JSON error
                return None
        elif key == "title":
            if value.startswith('"'):
                try:
                    fields[key] = json.loads(value)
                except ValueError:
                    return None
            elif value[:1] in ("'", "[", "{", "&", "*", "!", "|", ">"):
                return None
            else:
                fields[key] = value
        elif key == "categories":
            if not (value.startswith("[") and value.endswith("]")):
                return None
            inner = value[1:-1]
            if any(c in inner for c in "\"'[]{}&*!#"):
                return None
            fields[key] = [item.strip() for item in inner.split(",")]
        elif value[:1] in ("&", "*", "!", "[", "{", "|", ">", "'", '"') or not value:
            return None
        else:
            fields[key] = value
    return fields


def _yaml_fields(front: str) -> dict[str, Any]:
    """The front matter read as YAML (safe loading, anchors and aliases refused); yaml is imported only here."""
    import yaml

    from .yamlfront import FIRST_LINE, load_front_matter

    try:
        doc = load_front_matter(front, PageError)
    except PageError:
        raise
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + FIRST_LINE}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).split("\n")[0]
        raise PageError(f"front matter is not valid YAML{where}: {problem}") from None
    if doc is None:
        raise PageError("front matter is empty")
    if not isinstance(doc, dict):
        raise PageError(f"front matter is a {type(doc).__name__}, expected key: value lines")
    return doc


def _parse(path: str, data: bytes) -> ParsedPage | Problem:
    notes: list[str] = []
    text = _decode(data, notes)
    front = _front_matter(text)
    fast_fields = _fast_fields(front)
    fields: dict[str, Any]
    if fast_fields is not None and "_json_error" not in fast_fields:
        fields = fast_fields
    else:
        json_error = fast_fields.get("_json_error") if fast_fields else None
        try:
            fields = _yaml_fields(front)
        except PageError as refused:
            if json_error:
                key, exc = json_error
                raise PageError(f"{key} is not valid JSON: {exc}") from None
            recovered = _legacy_lines(front)
            if recovered is None:
                raise
            fields = recovered
            notes.append(f"{refused}; its spec lines were read one by one")
    page = _page_identity(path, fields)
    page.notes = notes
    if "spec_details" in fields:
        _read_spec_details(page, fields["spec_details"])
    elif "spec_names" in fields or "spec_files" in fields:
        _read_legacy(page, fields)
    else:
        raise PageError("no spec_details, spec_names or spec_files in front matter")
    meta = fields.get("meta")
    if isinstance(meta, dict):
        meta.get("num_specs")
        _read_declared(page, meta.get("num_specs"))
    return page


_LIST_KEYS = ("spec_files", "spec_names")
_ITEM_LINE = re.compile(r"[ \t]*-[ \t]+(.*?)[ \t]*\Z")
_QUOTED_KEY = re.compile(r'("(?:[^"\\]|\\.)*")[ \t]*(?::[ \t]*(.*))?\Z')


def _legacy_lines(front: str) -> dict[str, Any] | None:
    """A legacy page's fields read line by line, for front matter that strict YAML refuses.

    The site's generator wrote each spec string of ``spec_files`` as a mapping
    key (``- "tioga@master%gcc ^mpich@3.3.2 ...": spec-0.json``); with ten or so
    dependencies a key passes YAML's 1,024-character limit for implicit keys.
    Only that shape is recovered: top-level ``key: value`` lines and the items
    of ``spec_files`` or ``spec_names`` as double-quoted strings (JSON escapes),
    each with an optional ``: file``. Anything else: None (the YAML error stands).
    """
    fields: dict[str, Any] = {}
    items: list[Any] | None = None
    for line in front.splitlines():
        if not line.strip():
            continue
        item = _ITEM_LINE.match(line)
        if item is not None and items is not None:
            quoted = _QUOTED_KEY.match(item.group(1))
            if quoted is None:
                return None
            try:
                text = json.loads(quoted.group(1))
            except ValueError:
                return None
            items.append({text: quoted.group(2)} if quoted.group(2) else text)
            continue
        simple = _SIMPLE_LINE.match(line)
        if simple is None:
            return None
        key, value = simple.groups()
        if key in _LIST_KEYS and not value.strip():
            items = fields[key] = []
        else:
            items = None
            fields[key] = value.strip().strip('"')
    return fields if any(fields.get(key) for key in _LIST_KEYS) else None


MAX_SPEC_FILE_BYTES = 16 * 1024 * 1024
_SPEC_FILE_NAME = re.compile(r"spec-[0-9]{1,9}\.json\Z")


SPEC_FILE_GIVEN = "a Spack spec file, not a catalog source: spec files are read beside the legacy page that names them"
_SPEC_FILE_HEAD = re.compile(rb'\s*\{\s*"spec"\s*:')


def looks_like_spec_file(head: bytes) -> bool:
    """The first bytes of a ``spec.json`` (``{"spec": ...}``), as ``spack spec --json`` and the site write them."""
    return _SPEC_FILE_HEAD.match(head) is not None


def pages_of_companion(path: str) -> tuple[str, ...]:
    """The legacy pages that may read ``path`` (a ``spec-N.json`` beside an ``index.md`` or ``specs.md``).

    The loader reads such a page again whenever one of its spec files changes, appears or goes.
    """
    if not _SPEC_FILE_NAME.match(os.path.basename(path)):
        return ()
    return tuple(os.path.join(os.path.dirname(path), name) for name in PAGE_FILE_NAMES)


MISSING: tuple[str, list[DependencyRef]] = ("", [])  # _spec_file: the file is not there (see _read_legacy)


def _spec_file(page: ParsedPage, number: int, name: str, package: str) -> tuple[str, list[DependencyRef]] | None:
    """The hash and dependencies of spec ``number`` from ``spec-N.json`` beside a legacy page, or None (noted).

    The file is ``spec.to_dict()`` of the spec: ``{"spec": {"nodes": [...]}}`` (Spack 0.16 and later) or
    ``{"spec": [{name: node}, ...]}`` (before). The node named like the page's package gives the hash
    (``hash``: the DAG hash its binary is named by); its ``dependencies`` give theirs, with each
    dependency's version from its own node. A file that is missing or broken is a note about this spec.
    """
    if not _SPEC_FILE_NAME.match(name):
        page.notes.append(f"spec {number}: spec file {name!r} is not named spec-N.json; not read")
        return None
    path = os.path.join(os.path.dirname(page.path), name)
    try:
        data = read_regular(path, MAX_SPEC_FILE_BYTES)
        if len(data) > MAX_SPEC_FILE_BYTES:
            raise ValueError("larger than 16 MiB")
        doc = json.loads(data)
        nodes = _spec_nodes(doc)
    except FileNotFoundError:
        return MISSING
    except OSError as exc:
        page.notes.append(f"spec {number}: {name}: {reason(exc)}; its hash is unknown")
        return None
    except (ValueError, TypeError, AttributeError, UnicodeDecodeError) as exc:
        page.notes.append(f"spec {number}: {name} is not a spec file ({exc}); its hash is unknown")
        return None
    by_hash = {node["hash"]: node for node in nodes if isinstance(node.get("hash"), str)}
    root = next((node for node in nodes if node.get("name") == package), None)
    digest = root.get("hash") if root is not None else None
    if root is None or not isinstance(digest, str) or not _HASH_RE.match(digest):
        page.notes.append(f"spec {number}: {name} has no {package} node with a hash; its hash is unknown")
        return None
    deps = []
    for dep in root.get("dependencies") or []:
        dep_hash = dep.get("hash") if isinstance(dep, dict) else None
        dep_name = dep.get("name") if isinstance(dep, dict) else None
        if not isinstance(dep_hash, str) or not _HASH_RE.match(dep_hash) or not isinstance(dep_name, str):
            continue
        node = by_hash.get(dep_hash, {})
        version = node.get("version")
        external = external_text(node.get("external"))
        deps.append(DependencyRef(dep_hash, dep_name, version if isinstance(version, str) else "", False, external))
    return digest, deps


def _spec_nodes(doc: Any) -> list[dict[str, Any]]:
    """The nodes of a spec file, in the shape of its Spack era, as dicts carrying ``name``."""
    spec = doc["spec"]
    if isinstance(spec, dict):
        nodes = spec["nodes"]
        if not isinstance(nodes, list) or not all(isinstance(n, dict) for n in nodes):
            raise ValueError("spec.nodes is not a list of objects")
        return nodes
    found = []
    for item in spec:  # before Spack 0.16: [{name: node}, ...], dependencies as {name: {hash, type}}
        ((name, node),) = item.items()
        deps = node.get("dependencies") or {}
        found.append(
            {
                **node,
                "name": name,
                "dependencies": [{"name": k, **v} for k, v in deps.items()] if isinstance(deps, dict) else deps,
            }
        )
    return found


def _read_declared(page: ParsedPage, declared: object) -> None:
    if isinstance(declared, int) and not isinstance(declared, bool):
        if 0 <= declared <= MAX_COUNT:
            page.declared_specs = declared
        else:
            page.notes.append("meta.num_specs is not a count (" + _short_number(declared) + "); ignored")


def _short_number(value: int) -> str:
    """A number for a message, without converting a huge int to text (Python limits that)."""
    if -(10**18) < value < 10**18:
        return str(value)
    return ("-" if value < 0 else "") + f"about 2**{abs(value).bit_length() - 1}"


def _scalar(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return str(value)
        except ValueError:  # an int of over 4,300 digits
            return None
    return None


def _page_identity(path: str, fields: dict[str, Any]) -> ParsedPage:
    parts = os.path.normpath(path).split(os.sep)
    title = _scalar(fields.get("title"))
    package = title.strip() if title else ""
    tag = ""
    categories = fields.get("categories")
    if isinstance(categories, list) and len(categories) >= 2:
        tag = (_scalar(categories[1]) or "").strip()
    legacy = "categories" not in fields and "category" in fields
    # The path names the page only in the site's layouts (_cache/<tag>/<pkg>/specs.md,
    # _cache/<pkg>/index.md); a loose file's name and directory carry no meaning.
    site_layout = parts[-1] in PAGE_FILE_NAMES
    if not package and site_layout and len(parts) >= 2:
        package = parts[-2]
    if not package and "spec_details" in fields:
        raise PageError("no title and no package directory to name the page")
    if not tag:
        if legacy or "spec_details" not in fields:
            tag = LEGACY_TAG
        elif parts[-1] == "specs.md" and len(parts) >= 3 and parts[-3] not in ("", "_cache", "."):
            tag = parts[-3]
        else:
            tag = LEGACY_TAG
    return ParsedPage(path=path, package=package, tag=tag, format="current")


class SpecRecord(msgspec.Struct, gc=False):
    """One ``spec_details`` item in the generator's exact shape, decoded straight from JSON by msgspec.

    Anything else (a missing list, a float size, an odd type) fails the typed
    decode of the whole line, which is then read with ``json`` and checked
    field by field, as before.
    """

    hash: str
    versions: list[str]
    compiler: str
    platform: str
    os: str
    target: str
    variants: list[str]
    stacks: list[str]
    size: int | str = "-"
    tarball: str | None = None


_RECORDS = msgspec.json.Decoder(list[SpecRecord])


@dataclass(slots=True)
class TypedSpecs:
    """The ``spec_details`` list decoded into ``SpecRecord``s, and its first item as written (for the format)."""

    records: list[SpecRecord]
    first: dict[str, Any] | None


def _typed_specs(value: str | memoryview) -> TypedSpecs | None:
    """``spec_details`` (text, or bytes of the file) decoded by msgspec (2x faster than json here), or None
    to read it the general way; the first item is kept as a dict, as its keys tell the page format."""
    try:
        records = _RECORDS.decode(value)
    except (msgspec.ValidationError, msgspec.DecodeError):
        return None
    first = None
    if records:
        head = value[: 64 * 1024] if isinstance(value, str) else bytes(value[: 64 * 1024]).decode("utf-8", "ignore")
        try:
            item, _ = _DECODER.raw_decode(head, _skip_space(head, _skip_space(head, 0) + 1))
        except ValueError:
            return None
        first = item if isinstance(item, dict) else None
    return TypedSpecs(records, first)


_HASH_CHARS = re.compile(r"[a-z2-7]*\Z")


def _typed_columns(typed: TypedSpecs) -> Columns | None:
    """The records as columns when every one is in the generator's exact shape (the common case), checked
    in bulk; None if any is not (then they go row by row)."""
    records = typed.records
    hashes = [r.hash for r in records]
    joined = "".join(hashes)
    if len(joined) != 32 * len(records) or not _HASH_CHARS.match(joined) or any(len(h) != 32 for h in hashes):
        return None
    if any(len(r.versions) != 1 for r in records):
        return None
    sizes = [r.size for r in records]
    if not all(s == "-" or (type(s) is int and 0 <= s <= MAX_SIZE) for s in sizes):
        return None
    return Columns(
        (
            hashes,
            [r.versions[0] for r in records],
            [r.compiler or "none" for r in records],
            [r.platform for r in records],
            [r.os for r in records],
            [r.target for r in records],
            [tuple(r.variants) for r in records],
            [tuple(r.stacks) for r in records],
            [None if s == "-" else s for s in sizes],
            [r.tarball for r in records],
        )
    )


def _typed_rows(page: ParsedPage, typed: TypedSpecs) -> list[Row]:
    """Rows of records in the generator's shape; a record that is not quite (a bad hash, two versions,
    a negative size) takes the careful path with the others' notes."""
    rows: list[Row] = []
    append = rows.append
    match = _HASH_RE.match
    for number, r in enumerate(typed.records, 1):
        versions, size = r.versions, r.size
        if len(versions) == 1 and match(r.hash) and (size == "-" or (type(size) is int and 0 <= size <= MAX_SIZE)):
            append(
                (
                    r.hash,
                    versions[0],
                    r.compiler or "none",
                    r.platform,
                    r.os,
                    r.target,
                    tuple(r.variants),
                    tuple(r.stacks),
                    None if size == "-" else size,
                    r.tarball,
                )
            )
        else:
            row = _read_one_spec(page, number, msgspec.structs.asdict(r))
            if row is not None:
                append(row)
    return rows


def _read_spec_details(page: ParsedPage, details: object) -> None:
    if isinstance(details, TypedSpecs):
        if details.first is not None:
            _detect_format(page, details.first)
        columns = _typed_columns(details)
        if columns is not None:
            page.rows = columns
        else:
            page.rows = _typed_rows(page, details)
        return
    if isinstance(details, dict):
        raise PageError("spec_details is a mapping, expected a list of specs")
    if not isinstance(details, list):
        raise PageError(f"spec_details is a {type(details).__name__}, expected a list of specs")
    page.rows = list(_spec_rows(page, details))


def _detect_format(page: ParsedPage, first: dict[str, Any]) -> None:
    keys = list(first)
    if "tarball" in first or keys != sorted(keys):
        page.format = "mid"
    elif "@=" in str(first.get("compiler", "")):
        page.format = "hybrid"


def _spec_rows(page: ParsedPage, details: Iterable[Any]) -> Iterator[Row]:  # JSON values
    """Rows of the specs in ``details``; skipped specs become notes on ``page``."""
    detected = False
    for number, spec in enumerate(details, 1):
        if not detected and isinstance(spec, dict):
            _detect_format(page, spec)
            detected = True
        # Fast path: the generator's exact shape. Anything unusual takes the careful path.
        try:
            digest, versions, compiler, platform, os_, target, variants, stacks, size = _FIELDS(spec)
            if (
                type(versions) is list
                and len(versions) == 1
                and type(variants) is list
                and type(stacks) is list
                and (size == "-" or (type(size) is int and 0 <= size <= MAX_SIZE))
                and _HASH_RE.match(digest)
            ):
                version = versions[0]
                variants = tuple(variants)
                stacks = tuple(stacks)
                # str.join raises TypeError unless every item is a str.
                "".join((version, compiler, platform, os_, target, *variants, *stacks))
                tarball = spec.get("tarball")
                if tarball is None or type(tarball) is str:
                    yield (
                        digest,
                        version,
                        compiler or "none",
                        platform,
                        os_,
                        target,
                        variants,
                        stacks,
                        None if size == "-" else size,
                        tarball,
                    )
                    continue
        except (KeyError, TypeError):
            pass
        row = _read_one_spec(page, number, spec)
        if row is not None:
            yield row


# --- giant pages -------------------------------------------------------------------------------

STREAM_BYTES = 16 * 1024 * 1024  # pages this large are decoded one spec at a time
_SPEC_DETAILS = b"spec_details:"
_WHITESPACE = " \t\n\r"


def _parse_layout(path: str, data: bytes, *, stream: bool) -> ParsedPage | None:
    """A page in the generator's layout, read without decoding the whole file to text.

    Returns None when the page is not in that layout, or anything about it is
    unusual (the general reader then reads it and says what is wrong). The
    small lines are parsed as usual. The ``spec_details`` line is decoded by
    msgspec straight from the bytes into typed records; with ``stream`` (a
    giant page) it is instead decoded to text once, the bytes dropped, and
    its items decoded one at a time, each going straight to the caller, so no
    list of a million dicts ever exists.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data.startswith(b"---\n") or b"\r" in data[:4096] or b"\x00" in data[:4096]:
        return None
    small: list[str] = []
    span = None
    pos = 4
    while True:
        end = data.find(b"\n", pos)
        line_end = len(data) if end == -1 else end
        if data.startswith(b"---", pos) and data[pos + 3 : line_end].strip() == b"":
            break  # the closing fence
        if end == -1:
            return None  # never closed: the general reader says so
        if data.startswith(_SPEC_DETAILS, pos):
            if span is not None:
                return None
            span = (pos + len(_SPEC_DETAILS), line_end)
        elif line_end - pos > 1024 * 1024:
            return None  # another giant line: not the generator's layout
        else:
            try:
                small.append(data[pos:line_end].decode("utf-8"))
            except UnicodeDecodeError:
                return None
        pos = end + 1
    if span is None:
        return None
    fields = _fast_fields("\n".join(small))
    if fields is None or "_json_error" in fields or "spec_details" in fields:
        return None
    if not stream:
        typed = _typed_specs(memoryview(data)[span[0] : span[1]])
        if typed is None:
            return None
        fields["spec_details"] = typed
        page = _page_identity(path, fields)
        _read_spec_details(page, typed)
        meta = fields.get("meta")
        if isinstance(meta, dict):
            _read_declared(page, meta.get("num_specs"))
        return page
    try:
        text = str(memoryview(data)[span[0] : span[1]], "utf-8")
    except UnicodeDecodeError:
        return None
    del data  # from here on only the text of the spec_details line is held
    start = _skip_space(text, 0)
    if text[start : start + 1] != "[":
        return None
    fields["spec_details"] = []  # identity only: the specs come from the iterator below
    page = _page_identity(path, fields)
    meta = fields.get("meta")
    if isinstance(meta, dict):
        _read_declared(page, meta.get("num_specs"))
    page.rows = _counted(page, _spec_rows(page, _json_array_items(text, start)))
    return page


def _counted(page: ParsedPage, rows: Iterator[Row]) -> Iterator[Row]:
    for row in rows:
        page.streamed += 1
        yield row


def _skip_space(text: str, index: int) -> int:
    while index < len(text) and text[index] in _WHITESPACE:
        index += 1
    return index


def _json_array_items(text: str, start: int) -> Iterator[object]:
    """The items of the JSON array at ``text[start]``, decoded one at a time."""
    decode = _DECODER.raw_decode
    index = _skip_space(text, start + 1)
    if text[index : index + 1] == "]":
        return
    while True:
        try:
            item, index = decode(text, index)
        except ValueError as exc:
            raise PageError(f"spec_details is not valid JSON: {exc}") from None
        yield item
        index = _skip_space(text, index)
        separator = text[index : index + 1]
        if separator == "]":
            if text[_skip_space(text, index + 1) :]:
                raise PageError("spec_details is not valid JSON: extra data after the list")
            return
        if separator != ",":
            raise PageError(f"spec_details is not valid JSON: expected ',' or ']' at character {index}")
        index = _skip_space(text, index + 1)


_DECODER = json.JSONDecoder()


def _read_one_spec(page: ParsedPage, number: int, spec: object) -> Row | None:
    """The careful path: accept what can be understood, note what cannot (None: skipped)."""
    notes = page.notes
    if type(spec) is not dict:
        notes.append(f"spec {number} is not an object")
        page.skipped += 1
        return None
    digest = spec.get("hash")
    if type(digest) is not str:
        notes.append(f"spec {number} has no hash" if digest is None else f"spec {number} hash is not a string")
        page.skipped += 1
        return None
    if not _HASH_RE.match(digest):
        lowered = digest.strip().lower()
        if _HASH_RE.match(lowered):
            digest = lowered
        else:
            shown = digest[:40].encode("unicode_escape").decode("ascii")
            notes.append(f"spec {number} hash '{shown}' is not {HASH_LENGTH} base32 characters")
            page.skipped += 1
            return None
    versions = spec.get("versions")
    if type(versions) is list:
        version = _scalar(versions[0]) if versions else ""
    else:
        version = _scalar(versions) if versions is not None else _scalar(spec.get("version", ""))
    compiler = _scalar(spec.get("compiler", "none"))
    platform = _scalar(spec.get("platform", ""))
    os_ = _scalar(spec.get("os", ""))
    target = _scalar(spec.get("target", ""))
    arches = spec.get("arches")
    if not (platform or os_ or target) and type(arches) is str:  # one stored generator wrote them as one
        platform, os_, target = ([*arches.split("-", 2), "", ""])[:3]
    if None in (version, compiler, platform, os_, target):
        notes.append(f"spec {number} ({digest[:7]}) has a field that is not a string")
        page.skipped += 1
        return None
    variants = _string_list(spec.get("variants"))  # a missing list means none
    stacks = _string_list(spec.get("stacks"))
    if variants is None or stacks is None:
        notes.append(f"spec {number} ({digest[:7]}) variants/stacks are not lists of strings")
        page.skipped += 1
        return None
    size = spec.get("size")
    if type(size) is not int:
        size = _size(size, number, digest, notes)
    elif size < 0:
        notes.append(f"spec {number} ({digest[:7]}) size {size} is negative; shown as unknown")
        size = None
    elif size > MAX_SIZE:
        notes.append(f"spec {number} ({digest[:7]}) size is too large; shown as unknown")
        size = None
    tarball = spec.get("tarball")
    if tarball is not None and type(tarball) is not str:
        tarball = None
    return (digest, version, compiler or "none", platform, os_, target, variants, stacks, size, tarball)


def _string_list(value: object) -> tuple[str, ...] | None:
    if type(value) is list:
        if all(type(item) is str for item in value):
            return tuple(value)
        items = [_scalar(item) for item in value]
        strings = [item for item in items if item is not None]
        return tuple(strings) if len(strings) == len(items) else None
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(value.split()) if value.strip() else ()
    return None


def _size(value: object, number: int, digest: str, notes: list[str]) -> int | None:
    if value is None or value == "-" or value == "":
        return None
    if isinstance(value, float) and 0 <= value <= MAX_SIZE:  # also refuses nan and inf
        return int(value)
    if isinstance(value, str):
        digits = value.strip()
        if digits.isascii() and digits.isdigit() and len(digits) <= 18:
            return int(digits)
    shown = str(value)[:20].encode("unicode_escape").decode("ascii")
    notes.append(f"spec {number} ({digest[:7]}) size '{shown}' is not a byte count; shown as unknown")
    return None


def _read_legacy(page: ParsedPage, fields: dict[str, Any]) -> None:
    rows: list[Row] = []
    page.rows = rows
    extras: list[tuple[bool | None, Any]] = []  # a listed spec is a root; its ^dependencies, by name and version
    page.extras = extras
    names = fields.get("spec_names")
    spec_files: list[str | None] = []  # legacy-index: the spec file beside the page, per spec string
    if names is not None:
        page.format = "legacy-specs"
        if not isinstance(names, list):
            raise PageError("spec_names is not a list")
        strings = [_scalar(n) for n in names]
        files = fields.get("spec_files")  # 2022 pages: the spec files, in the same order as the names
        if isinstance(files, list) and len(files) == len(names) and all(isinstance(f, str) for f in files):
            spec_files.extend(files)
    else:
        page.format = "legacy-index"
        files = fields.get("spec_files")
        if not isinstance(files, list):
            raise PageError("spec_files is not a list")
        strings = []
        for entry in files:
            if isinstance(entry, dict) and len(entry) == 1:
                key, value = next(iter(entry.items()))
                strings.append(_scalar(key))
                spec_files.append(_scalar(value))
            else:
                strings.append(_scalar(entry))
                spec_files.append(None)
    first_name = ""
    missing: list[tuple[int, str]] = []  # spec files that are not there
    present = False  # some spec file the page names is there
    for number, spec_string in enumerate(strings, 1):
        if not spec_string:
            page.notes.append(f"spec {number} is not a spec string")
            page.skipped += 1
            continue
        try:
            root = parse_root_spec(spec_string)
        except ValueError as exc:
            page.notes.append(f"spec {number}: {exc}")
            page.skipped += 1
            continue
        first_name = first_name or root.name
        spec_file = spec_files[number - 1] if number <= len(spec_files) else None
        found = _spec_file(page, number, spec_file, root.name) if spec_file else None
        if found is MISSING:
            missing.append((number, spec_file or ""))
            found = None
        elif spec_file:
            present = True
        digest = found[0] if found else None
        rows.append(
            (digest, root.version, root.compiler, root.platform, root.os, root.target, root.variants, (), None, None)
        )
        if found is not None:  # the spec file's DAG: dependencies with their hashes
            extras.append((True, found[1]))
            continue
        # Named dependencies make the spec's dependencies known (without hashes); none named: unknown,
        # as for any page, since a listed spec string may leave them out.
        deps = spec_string_dependencies(spec_string)
        extras.append((True if deps else None, [DependencyRef("", name, version, False) for name, version in deps]))
    # Not one of the page's spec files there: a copy of the site without them (the bundled sample is
    # one); its specs simply have no hash. Some there, some not: each missing one is a note.
    if present:
        page.notes.extend(f"spec {number}: {name}: no such file; its hash is unknown" for number, name in missing)
    if first_name and not _scalar(fields.get("title")):
        page.package = first_name
    if not page.package:
        raise PageError("no title and no spec string to name the page")
