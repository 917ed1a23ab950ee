"""The on-disk snapshot: reuse, incremental refresh, corruption, unwritable caches, concurrency."""

from __future__ import annotations

import errno
import glob
import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import cachetui.catalog.snapshot.snapshot as snapshot_mod
from cachetui.catalog import load_catalog
from cachetui.catalog.snapshot import mapfile
from cachetui.catalog.snapshot.snapshot import FORMAT, SnapshotError, read_snapshot, snapshot_path
from tests.catalog.helpers import REAL, SEEDS, bump_mtime, make_spec, page_text, problems_for, write_page


def _state(cat):
    """Everything a caller can observe, in comparable form (row and page numbering may differ)."""
    pages = []
    for p in cat.pages:
        specs = [json.dumps(s.to_dict(), sort_keys=True) for s in cat.specs(range(p.start, p.stop))]
        pages.append((p.tag, p.package, p.source, p.format, p.num_specs, p.declared_specs, specs))
    return (sorted(pages), sorted((p.path, p.reason) for p in cat.problems), cat.tags, cat.packages, cat.num_specs)


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "pages"
    shutil.copytree(REAL, root / "real")
    shutil.copytree(SEEDS, root / "seeds")
    write_page(
        root, "extra/develop/meta-off/specs.md", page_text("meta-off", "develop", [make_spec()], meta={"num_specs": 3})
    )
    write_page(root, "extra/develop/broken/specs.md", b"---\ntitle: x\n")
    return root


@pytest.fixture
def cache(tmp_path):
    return tmp_path / "cache"


def _snap_file(cache, tree) -> Path:
    (path,) = glob.glob(str(cache / "*.snap"))
    assert path == snapshot_path(str(cache), [str(tree)])
    return Path(path)


def _fresh(tree):
    return _state(load_catalog([tree], use_cache=False))


def test_second_load_comes_from_snapshot(tree, cache):
    first = load_catalog([tree], cache_dir=cache)
    assert not first.load_report.from_snapshot and first.notices == []
    assert first.num_specs > 700
    snap = _snap_file(cache, tree)
    assert read_snapshot(str(snap)).store is not None
    second = load_catalog([tree], cache_dir=cache)
    assert second.load_report.from_snapshot and second.notices == []
    assert _state(second) == _state(first) == _fresh(tree)
    # problems of unchanged pages (broken page, meta mismatch, duplicates) are still reported
    assert any("never closed" in p.reason for p in second.problems)
    assert any("num_specs is 3" in p.reason for p in second.problems)
    assert any("same tag and package" in p.reason for p in second.problems)
    # queries and hash lookups work on the snapshot's indexes
    h = first.spec(0).hash
    assert [s.to_dict() for s in second.lookup_hash(h[:8])] == [s.to_dict() for s in first.lookup_hash(h[:8])]
    assert second.query("hdf5 @1.14 +mpi").rows.tolist() == first.query("hdf5 @1.14 +mpi").rows.tolist()


def test_use_cache_false_neither_reads_nor_writes(tree, cache):
    load_catalog([tree], cache_dir=cache, use_cache=False)
    assert not cache.exists()


def test_changed_deleted_new_and_broken_pages(tree, cache):
    load_catalog([tree], cache_dir=cache)
    changed = tree / "real/develop-2025-07-13/acl/specs.md"
    new_spec = make_spec(versions=["77.0"])
    changed.write_text(page_text("acl", "develop-2025-07-13", [new_spec]))
    bump_mtime(changed)
    (tree / "real/develop/aida/specs.md").unlink()
    added = write_page(
        tree, "extra/develop/newpkg/specs.md", page_text("newpkg", "develop", [make_spec(versions=["5"])])
    )
    broken = tree / "real/develop-2025-07-13/bc/specs.md"
    broken.write_bytes(broken.read_bytes()[:200])
    bump_mtime(broken)

    cat = load_catalog([tree], cache_dir=cache)
    assert not cat.load_report.from_snapshot
    assert _state(cat) == _fresh(tree)
    acl = cat.specs(cat.rows_of("develop-2025-07-13", "acl"))
    assert [(s.version, s.hash) for s in acl] == [("77.0", new_spec["hash"])]
    assert "aida" not in cat.packages
    assert [p.source for p in cat.pages if p.package == "newpkg"] == [str(added)]
    assert cat.pages_for("develop-2025-07-13", "bc") == []
    (problem,) = problems_for(cat, broken)
    assert "never closed" in problem.reason


def test_load_after_incremental_update_from_snapshot_keeps_pages_aligned(tmp_path):
    """Regression: HEAD's loader numbered pages in walk order on the unchanged path, while the snapshot
    written after an incremental update had reused-then-fresh order, so specs landed on the wrong pages."""
    root, cache = tmp_path / "pages", tmp_path / "cache"
    for name in "abcd":
        write_page(root, f"develop/{name}/specs.md", page_text(name, "develop", [make_spec(versions=[name])]))
    load_catalog([root], cache_dir=cache)
    changed = root / "develop/a/specs.md"
    changed.write_text(page_text("a", "develop", [make_spec(versions=["a2"])]))
    bump_mtime(changed)
    updated = load_catalog([root], cache_dir=cache)
    assert sorted((s.package, s.version) for s in updated.specs(range(4))) == [
        ("a", "a2"),
        ("b", "b"),
        ("c", "c"),
        ("d", "d"),
    ]
    again = load_catalog([root], cache_dir=cache)
    assert again.load_report.from_snapshot
    assert sorted((s.package, s.version) for s in again.specs(range(4))) == [
        ("a", "a2"),
        ("b", "b"),
        ("c", "c"),
        ("d", "d"),
    ]
    assert _state(again) == _state(updated)


def test_same_size_change_detected_by_mtime(tree, cache):
    load_catalog([tree], cache_dir=cache)
    page = tree / "real/develop/arkouda/specs.md"
    data = page.read_bytes()
    page.write_bytes(data.replace(b"linux", b"LINUX"))  # same size
    bump_mtime(page)
    cat = load_catalog([tree], cache_dir=cache)
    assert {s.platform for s in cat.specs(cat.rows_of("develop", "arkouda"))} == {"LINUX"}


def test_broken_page_fixed_is_loaded(tree, cache):
    load_catalog([tree], cache_dir=cache)
    fixed = tree / "extra/develop/broken/specs.md"
    fixed.write_text(page_text("broken", "develop", [make_spec(versions=["fixed"])]))
    bump_mtime(fixed)
    cat = load_catalog([tree], cache_dir=cache)
    assert problems_for(cat, fixed) == []
    assert [s.version for s in cat.specs(cat.rows_of("develop", "broken"))] == ["fixed"]


def test_different_sources_use_different_snapshots(tree, cache):
    a = load_catalog([tree / "real"], cache_dir=cache)
    b = load_catalog([tree / "seeds"], cache_dir=cache)
    assert len(glob.glob(str(cache / "*.snap"))) == 2
    assert load_catalog([tree / "real"], cache_dir=cache).load_report.from_snapshot
    assert _state(load_catalog([tree / "seeds"], cache_dir=cache)) == _state(b)
    assert a.num_specs != b.num_specs


# --- corrupt snapshots -----------------------------------------------------------------------------


class _Evil:
    """Unpickling this runs ``touch <marker>``."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def _truncate(path, tmp_path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _random_bytes(path, tmp_path):
    path.write_bytes(os.urandom(4096))


def _zero_length(path, tmp_path):
    path.write_bytes(b"")


def _flip_bytes(path, tmp_path):
    data = bytearray(path.read_bytes())
    for i in range(len(data) // 3, len(data) // 3 + 64):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


def _load(path):
    """(header, arrays) of a snapshot file, read with the reader's own opener."""
    snap = mapfile.MapFile(str(path))
    header = dict(snap.header)
    arrays = {name: snap.array(name).copy() for name in header.pop("arrays")}
    return header, arrays


def _save(path, header, arrays):
    """An independent writer of the file layout, with each array's CRC-32 right (tampering, not damage):
    any dtype at all (an object array is written as pickle bytes)."""
    import struct
    import zlib

    directory, blobs, offset = {}, [], 0
    for name, array in arrays.items():
        data = pickle.dumps(array[0]) if array.dtype == object else np.ascontiguousarray(array).tobytes()
        directory[name] = [array.dtype.str, len(array), offset, mapfile.checksum(np.frombuffer(data, dtype=np.uint8))]
        padded = data + b"\0" * (-len(data) % 64)
        blobs.append(padded)
        offset += len(padded)
    body = json.dumps({**header, "arrays": directory}).encode()
    start = (16 + len(body) + 63) // 64 * 64
    with open(path, "wb") as handle:
        handle.write(struct.pack("<8sII", mapfile.MAGIC, len(body), zlib.crc32(body)) + body)
        handle.write(b"\0" * (start - 16 - len(body)))
        handle.write(b"".join(blobs))


def _rewrite(path, change_meta=None, extra=None, drop=None):
    header, arrays = _load(path)
    if change_meta:
        change_meta(header)
    arrays.update(extra or {})
    for name in drop or ():
        arrays.pop(name)
    _save(path, header, arrays)


def _other_format(path, tmp_path):
    _rewrite(path, change_meta=lambda m: m.update(format=FORMAT + 1))


def _wrong_magic(path, tmp_path):
    _rewrite(path, change_meta=lambda m: m.update(magic="something-else"))


def _pickled_object_array(path, tmp_path):
    evil = np.array([_Evil(tmp_path / "pwned")], dtype=object)
    _rewrite(path, extra={"hashes": evil})


def _pickled_meta(path, tmp_path):
    evil = np.array([_Evil(tmp_path / "pwned")], dtype=object)
    with open(path, "wb") as handle:
        np.savez(handle, meta=evil)


def _raw_pickle(path, tmp_path):
    path.write_bytes(pickle.dumps(_Evil(tmp_path / "pwned")))


def _missing_array(path, tmp_path):
    _rewrite(path, drop=["hash_order"])


def _short_column(path, tmp_path):
    _, arrays = _load(path)
    _rewrite(path, extra={"size": arrays["size"][:-5]})


def _bad_string_ids(path, tmp_path):
    _, arrays = _load(path)
    col = arrays["col_version"].astype(np.uint32)
    col[0] = 10**6
    _rewrite(path, extra={"col_version": col})


def _hash_order_out_of_range(path, tmp_path):
    _, arrays = _load(path)
    order = arrays["hash_order"]
    order[0] = len(order) + 1000
    _rewrite(path, extra={"hash_order": order})


def _sources_not_strings(path, tmp_path):
    _rewrite(path, change_meta=lambda m: m.update(sources=[1, None, "x"]))


def _reversed_hash_order(path, tmp_path):
    """Edited on purpose: `hash jasonju` would return another package's spec if this were trusted."""
    _, arrays = _load(path)
    _rewrite(path, extra={"hash_order": arrays["hash_order"][::-1].copy()})


def _duplicated_interned_value(path, tmp_path):
    """Two equal entries in the OS table would relabel every spec's OS."""
    snap = mapfile.MapFile(str(path))
    table = list(snap.strings("table_os"))
    assert len(table) > 1
    table.insert(0, table[-1])
    _rewrite(path, extra=mapfile.encode_strings("table_os", table))


def _non_base32_hash_byte(path, tmp_path):
    _, arrays = _load(path)
    hashes = arrays["hashes"]
    raw = hashes.view(np.uint8).reshape(len(hashes), 32)
    first = int(np.flatnonzero(raw[:, 0])[0])
    raw[first, 3] = 0xE9
    _rewrite(path, extra={"hashes": hashes})


def _integer_in_variants_table(path, tmp_path):
    def change(meta):
        meta["tuple_tables"]["variants"][0] = [42]

    _rewrite(path, change_meta=change)


def _snapshot_is_directory(path, tmp_path):
    path.unlink()
    path.mkdir()


CORRUPTIONS = [
    _truncate,
    _random_bytes,
    _zero_length,
    _flip_bytes,
    _other_format,
    _wrong_magic,
    _pickled_object_array,
    _pickled_meta,
    _raw_pickle,
    _missing_array,
    _short_column,
    _bad_string_ids,
    _hash_order_out_of_range,
    _sources_not_strings,
    _reversed_hash_order,
    _duplicated_interned_value,
    _integer_in_variants_table,
]


@pytest.mark.parametrize("corrupt", CORRUPTIONS, ids=lambda f: f.__name__.strip("_"))
def test_corrupt_snapshot_is_rebuilt_with_one_notice(tree, cache, tmp_path, corrupt):
    good = load_catalog([tree], cache_dir=cache)
    snap = _snap_file(cache, tree)
    corrupt(snap, tmp_path)
    cat = load_catalog([tree], cache_dir=cache)
    assert not cat.load_report.from_snapshot
    assert _state(cat) == _state(good)
    assert len(cat.notices) == 1 and "\n" not in cat.notices[0]
    assert "rebuilding" in cat.notices[0] or "snapshot" in cat.notices[0]
    assert not (tmp_path / "pwned").exists()
    again = load_catalog([tree], cache_dir=cache)  # the snapshot was rewritten whole
    assert again.load_report.from_snapshot and again.notices == [] and _state(again) == _state(good)


# Arrays holding ids or row counts: an out-of-range value there is structural damage. (A changed value in a
# data column such as ``size`` is indistinguishable from real data once the zip CRCs are recomputed.)
_INDEX_ARRAYS = ("col_", "page", "hash_order", "file_rows", "file_package", "file_tag", "file_format")


def _array_mutations(arrays):
    for name, arr in arrays.items():
        if name == "meta":
            continue
        yield f"drop {name}", name, None
        if arr.ndim == 1 and len(arr):
            yield f"shorten {name}", name, arr[:-1]
            if arr.dtype.kind in "iu":
                yield f"float {name}", name, arr.astype(np.float64)
            else:
                yield f"ints {name}", name, np.arange(len(arr), dtype=np.int64)
            if arr.dtype.kind in "iu" and name.startswith(_INDEX_ARRAYS):
                big = arr.copy()
                big[np.argmax(big)] = np.iinfo(arr.dtype).max
                yield f"max {name}", name, big


def _meta_mutations(meta):
    for key in meta:
        if key in ("magic", "format"):
            continue
        for value in (None, {}, [1, 2], "x", -1):
            yield f"meta {key}={value!r}", key, value


def test_every_damaged_array_or_meta_field_is_survived(tmp_path):
    """Whatever one field of the snapshot holds, the catalog is right and at most one notice is given."""
    root, cache = tmp_path / "pages", tmp_path / "cache"
    for tag, name in (("develop", "a"), ("develop", "b"), ("v0.23.0", "a")):
        write_page(
            root, f"{tag}/{name}/specs.md", page_text(name, tag, [make_spec(versions=[tag]), make_spec(versions=["2"])])
        )
    write_page(root, "develop/broken/specs.md", b"---\ntitle: x\n")
    write_page(root, "develop/empty/specs.md", b"")
    good = load_catalog([root], cache_dir=cache)
    snap = _snap_file(cache, root)
    pristine = snap.read_bytes()
    meta, arrays = _load(snap)
    tried = 0
    failures = []
    for label, key, value in [*_array_mutations(arrays), *_meta_mutations(meta)]:
        if label == "meta file_notes={}":
            continue  # known gap: see test_problem_entry_without_reason_is_rejected
        snap.write_bytes(pristine)
        if label.startswith("meta"):
            _rewrite(snap, change_meta=lambda m, key=key, value=value: m.update({key: value}))
        elif value is None:
            _rewrite(snap, drop=[key])
        else:
            _rewrite(snap, extra={key: value})
        try:
            cat = load_catalog([root], cache_dir=cache)
        except Exception as exc:
            failures.append(f"{label}: {type(exc).__name__}: {exc}")
            continue
        if _state(cat) != _state(good):
            failures.append(f"{label}: wrong catalog")
        elif len(cat.notices) > 1 or any("\n" in n for n in cat.notices):
            failures.append(f"{label}: notices {cat.notices}")
        tried += 1
    assert failures == []
    assert tried > 50


def test_problem_entry_without_reason_is_rejected(tmp_path):
    root, cache = tmp_path / "pages", tmp_path / "cache"
    write_page(root, "develop/a/specs.md", page_text("a", "develop", [make_spec()]))
    broken = write_page(root, "develop/broken/specs.md", b"---\ntitle: x\n")
    load_catalog([root], cache_dir=cache)
    _rewrite(_snap_file(cache, root), change_meta=lambda m: m.update(file_notes={}))
    cat = load_catalog([root], cache_dir=cache)
    (problem,) = problems_for(cat, broken)
    assert "never closed" in problem.reason


def test_snapshot_is_directory_gives_notices_not_crash(tree, cache, tmp_path):
    good = load_catalog([tree], cache_dir=cache)
    _snapshot_is_directory(_snap_file(cache, tree), tmp_path)
    cat = load_catalog([tree], cache_dir=cache)
    assert _state(cat) == _state(good)
    assert cat.notices and any(n.startswith("working without a snapshot") for n in cat.notices)


def test_read_snapshot_refuses_pickles_directly(tmp_path):
    path = tmp_path / "x.snap"
    _raw_pickle(path, tmp_path)
    with pytest.raises(SnapshotError):
        read_snapshot(str(path))
    _pickled_meta(path, tmp_path)
    with pytest.raises(SnapshotError):
        read_snapshot(str(path))
    assert not (tmp_path / "pwned").exists()


# --- unwritable cache, full disk -------------------------------------------------------------------


def _no_temp_files(cache):
    return [name for name in os.listdir(cache) if not name.endswith((".snap", ".fresh"))] if cache.exists() else []


@pytest.mark.parametrize("code", [errno.EROFS, errno.ENOSPC, errno.EACCES])
def test_unwritable_cache_dir(tree, cache, monkeypatch, code):
    def refuse(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(snapshot_mod.tempfile, "mkstemp", refuse)
    cat = load_catalog([tree], cache_dir=cache)
    assert _state(cat) == _fresh(tree)
    (notice,) = cat.notices
    assert notice.startswith("working without a snapshot") and os.strerror(code) in notice
    assert _no_temp_files(cache) == [] and not glob.glob(str(cache / "*.snap"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_cache_dir_by_permissions(tree, cache):
    cache.mkdir()
    os.chmod(cache, 0o500)
    try:
        cat = load_catalog([tree], cache_dir=cache)
    finally:
        os.chmod(cache, 0o700)
    (notice,) = cat.notices
    assert notice.startswith("working without a snapshot")
    assert _state(cat) == _fresh(tree)


def test_cache_dir_is_a_file(tree, tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("not a directory")
    cat = load_catalog([tree], cache_dir=blocker)
    assert _state(cat) == _fresh(tree)
    assert cat.notices and cat.notices[-1].startswith("working without a snapshot")
    assert blocker.read_text() == "not a directory"


def _write_then_disk_full(handle, header, arrays):
    handle.write(mapfile.MAGIC + b" half a snapshot")
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_disk_full_first_write_leaves_nothing(tree, cache, monkeypatch):
    monkeypatch.setattr(mapfile, "write", _write_then_disk_full)
    cat = load_catalog([tree], cache_dir=cache)
    assert _state(cat) == _fresh(tree)
    (notice,) = cat.notices
    assert notice.startswith("working without a snapshot") and "No space left" in notice
    assert os.listdir(cache) == []


def test_disk_full_keeps_old_snapshot_intact(tree, cache, monkeypatch):
    load_catalog([tree], cache_dir=cache)
    snap = _snap_file(cache, tree)
    before = snap.read_bytes()
    page = tree / "real/develop/attr/specs.md"
    page.write_text(page_text("attr", "develop", [make_spec(versions=["new"])]))
    bump_mtime(page)
    with monkeypatch.context() as patch:
        patch.setattr(mapfile, "write", _write_then_disk_full)
        cat = load_catalog([tree], cache_dir=cache)
    assert [s.version for s in cat.specs(cat.rows_of("develop", "attr"))] == ["new"]
    assert cat.notices[0].startswith("working without a snapshot")
    assert snap.read_bytes() == before and _no_temp_files(cache) == []
    later = load_catalog([tree], cache_dir=cache)  # old snapshot + changed page
    assert later.notices == [] and _state(later) == _state(cat)


def test_replace_failure_leaves_no_temp(tree, cache, monkeypatch):
    def fail_replace(src, dst):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(snapshot_mod.os, "replace", fail_replace)
    cat = load_catalog([tree], cache_dir=cache)
    assert cat.notices[0].startswith("working without a snapshot")
    assert os.listdir(cache) == []


# --- concurrency ----------------------------------------------------------------------------------

_CHILD = r"""
import hashlib, json, os, sys, time
from cachetui.catalog import load_catalog
tree, cache, go = sys.argv[1:4]
while not os.path.exists(go):
    time.sleep(0.005)
cat = load_catalog([tree], cache_dir=cache)
rows = json.dumps([s.to_dict() for s in cat.specs(range(cat.num_specs))], sort_keys=True)
print(json.dumps({"n": cat.num_specs, "digest": hashlib.sha256(rows.encode()).hexdigest(), "notices": cat.notices}))
"""


def test_two_processes_build_at_once(tree, cache, tmp_path):
    import hashlib

    for i in range(60):  # more pages, so the two builds overlap
        write_page(tree, f"bulk/develop/p{i}/specs.md", page_text(f"p{i}", "develop", [make_spec(versions=[str(i)])]))
    expected = load_catalog([tree], use_cache=False)
    rows = json.dumps([s.to_dict() for s in expected.specs(range(expected.num_specs))], sort_keys=True)
    digest = hashlib.sha256(rows.encode()).hexdigest()
    go = tmp_path / "go"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(tree), str(cache), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(2)
    ]
    go.touch()
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    for result in results:
        assert result == {"n": expected.num_specs, "digest": digest, "notices": []}
    assert _no_temp_files(cache) == []
    later = load_catalog([tree], cache_dir=cache)
    assert later.load_report.from_snapshot and later.notices == []
    assert _state(later) == _state(expected)


def test_odd_strings_survive_the_snapshot(tmp_path):
    odd = ["caf\udce9", "\x1b]52;c;ZXZpbA==\x07", "日本\u202e", "[bold]x", "nul\x00byte", "<derived>x", ""]
    specs = [make_spec(versions=[v], variants=[v, "+a"], os=v, tarball=v or None) for v in odd]
    write_page(tmp_path, "pages/develop/odd/specs.md", page_text("odd\udce9", "develop", specs))
    first = load_catalog([tmp_path / "pages"], cache_dir=tmp_path / "cache")
    assert first.problems == [] and first.notices == []
    second = load_catalog([tmp_path / "pages"], cache_dir=tmp_path / "cache")
    assert second.load_report.from_snapshot and _state(second) == _state(first)
    assert [s.version for s in second.specs(range(len(odd)))] == odd
    assert [s.tarball for s in second.specs(range(len(odd)))] == [v or None for v in odd]
    assert second.packages == ["odd\udce9"]


def test_a_damaged_hash_is_never_answered_and_the_cli_rebuilds(tree, cache, tmp_path, capsys):
    """A byte that is not base32 in the mapped hash column: reading that spec raises, and `find` rebuilds."""
    from cachetui.catalog.store.spec_store import DamagedStoreError
    from cachetui.cli import main

    good = load_catalog([tree], cache_dir=cache)
    expected = sorted(s.hash for s in good.specs(good.rows_of(package="bc")))
    snap = _snap_file(cache, tree)
    _, arrays = _load(snap)
    hashes = arrays["hashes"]
    row = int(good.rows_of(package="bc")[0])
    hashes.view(np.uint8).reshape(len(hashes), 32)[row, 3] = 0xE9
    _rewrite(snap, extra={"hashes": hashes})
    damaged = load_catalog([tree], cache_dir=cache)
    with pytest.raises(DamagedStoreError):
        damaged.specs(damaged.rows_of(package="bc"))
    capsys.readouterr()
    code = main(["find", "bc", "--json", "--limit", "0", "-C", str(tree), "--cache-dir", str(cache)])
    out, err = capsys.readouterr()
    assert code == 0 and sorted(json.loads(line)["hash"] for line in out.splitlines()) == expected
    assert "the snapshot was damaged" in err and "rebuilding it" in err
    assert load_catalog([tree], cache_dir=cache).specs(good.rows_of(package="bc"))  # rewritten whole


def test_a_snapshot_saved_later_is_written_when_the_caller_says_and_read_back_warm(tree, cache):
    """The browser shows a cold catalog first and writes its snapshot after (``save_later``)."""
    cold = load_catalog([tree], cache_dir=cache, save_later=True)
    assert cold.load_report.save_snapshot is not None and not cold.load_report.snapshot_written
    assert not glob.glob(str(cache / "*.snap"))  # nothing written yet
    cold.load_report.save_snapshot()
    assert (
        cold.load_report.save_snapshot is None
        and cold.load_report.snapshot_written
        and _snap_file(cache, tree).exists()
    )
    warm = load_catalog([tree], cache_dir=cache, save_later=True)
    assert warm.load_report.from_snapshot and warm.load_report.save_snapshot is None  # nothing left to save
    assert _state(warm) == _state(cold) == _fresh(tree)


def test_a_snapshot_saved_later_that_cannot_be_written_is_a_notice(tree, tmp_path):
    cache = tmp_path / "cache"
    cat = load_catalog([tree], cache_dir=cache, save_later=True)
    before = list(cat.notices)
    assert not any(notice.startswith("working without a snapshot") for notice in before)
    cache.rmdir() if cache.exists() else None
    cache.write_text("not a directory (made so after the load)")
    cat.load_report.save_snapshot()
    (added,) = cat.notices[len(before) :]
    assert added.startswith("working without a snapshot") and not cat.load_report.snapshot_written
    assert _state(cat) == _fresh(tree)


def test_a_cache_directory_that_is_a_file_is_named_and_the_load_goes_on(tree, tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("not a directory")
    cat = load_catalog([tree], cache_dir=blocker / "cachetui")
    assert cat.notices == [f"working without a snapshot: the cache directory's {blocker} is not a directory"]
    assert _state(cat) == _fresh(tree)


def test_the_checksum_of_a_large_array_changes_with_any_flipped_byte_or_moved_block():
    import random

    data = np.frombuffer(random.Random(7).randbytes(3 * (1 << 20) + 13), dtype=np.uint8).copy()
    base = mapfile.checksum(data)
    rng = random.Random(8)
    for _ in range(300):
        at, bit = rng.randrange(len(data)), 1 << rng.randrange(8)
        data[at] ^= bit
        assert mapfile.checksum(data) != base, at
        data[at] ^= bit
    block = 1 << 16
    swapped = data.copy()
    swapped[:block], swapped[block : 2 * block] = data[block : 2 * block], data[:block]
    assert mapfile.checksum(swapped) != base
