"""Cutting an index's text into segments that decode on their own, and refusing to when it cannot be trusted."""

from __future__ import annotations

import base64
import hashlib
import json

import msgspec
import pytest

from cachetui.catalog import load_catalog
from cachetui.catalog.sources.spack_index import pages as indexsource
from cachetui.catalog.sources.spack_index.layout import BlobCheck, IndexReadError
from cachetui.catalog.sources.spack_index.split import segments_of


def key(n: int) -> str:
    """A 32-character base32 hash, as Spack's."""
    return base64.b32encode(hashlib.sha1(str(n).encode()).digest()).decode().lower()


def record(n: int, parameters: dict | None = None) -> dict:
    spec = {"name": f"pkg{n % 13}", "version": f"1.{n}", "parameters": parameters or {"shared": n % 2 == 0}}
    return {"spec": spec, "ref_count": 0, "in_buildcache": True}


def database(records: dict, version_last: bool = False) -> dict:
    inner = {"installs": records, "version": "7"} if version_last else {"version": "7", "installs": records}
    return {"database": inner}


def segments_decoded(text: bytearray, size: int) -> tuple[str, dict[str, object], int]:
    found = segments_of(text, size)
    assert found is not None
    records: dict[str, object] = {}
    for k in range(len(found)):
        records.update(msgspec.json.decode(found.opened(text, k)))
    found.restore(text)
    return found.version, records, len(found)


@pytest.mark.parametrize("indent", [None, 2])
@pytest.mark.parametrize("version_last", [False, True])
def test_the_segments_hold_every_record_once_and_the_text_is_put_back(indent, version_last):
    installs = {key(n): record(n) for n in range(200)}
    text = bytearray(json.dumps(database(installs, version_last), indent=indent).encode())
    original = bytes(text)
    version, records, count = segments_decoded(text, 1000)
    assert version == "7" and records == installs and count > 10
    assert text == original


@pytest.mark.parametrize(
    "document",
    [
        {"installs": {key(1): record(1)}},  # no database around it
        {"database": {"version": "7"}},  # no installs
        [{"database": {"version": "7", "installs": {}}}],  # not an object
        '{"database": {"version": "7", "installs": {}, "installs": {"KEY": {}}}}',  # twice: the last counts
    ],
)
def test_an_unusual_envelope_is_left_to_the_general_reader(document):
    from cachetui.catalog.sources.spack_index.decode import decode_index

    text = document.replace("KEY", key(1)) if isinstance(document, str) else json.dumps(document)
    assert decode_index(bytearray(text.encode()), "index.json", "m") is None


def test_a_cut_inside_a_record_is_caught_and_the_general_reader_reads_the_index(tmp_path, monkeypatch):
    """Records holding objects keyed by 32-character strings: a cut there does not decode as a segment, so
    the fast path declines, and what loads is what the general reader reads."""
    installs = {key(n): record(n, {"patched": {"x": 1, key(1000 + n): {"level": n}}}) for n in range(100)}
    index = tmp_path / "index.json"
    index.write_text(json.dumps(database(installs)))
    used = []

    size = [300]

    def sized_segments(data, path, mirror, check=None):
        from cachetui.catalog.sources.spack_index.decode import decode_index_in_parts

        found = decode_index_in_parts(data, path, mirror, 1, check, segment_bytes=size[0])
        used.append(found is not None)
        return found

    monkeypatch.setattr(indexsource, "decode_index", sized_segments)
    fast = load_catalog([index], use_cache=False)
    size[0] = 1 << 30  # one segment: nothing cut, and the fast path reads it
    whole = load_catalog([index], use_cache=False)
    assert used == [False, True]
    assert sorted(s.hash for s in fast.specs(range(fast.num_specs))) == sorted(installs)
    assert [s.variants for s in fast.specs(range(fast.num_specs))] == [
        s.variants for s in whole.specs(range(whole.num_specs))
    ]


def test_the_blob_check_reads_the_cut_commas_as_they_were():
    blob = bytearray(json.dumps(database({key(n): record(n) for n in range(50)})).encode())
    digest = hashlib.sha256(blob).hexdigest()
    found = segments_of(blob, 500)
    assert found is not None and found.cuts
    original = bytes(blob)
    check = BlobCheck(blob, digest, len(blob))
    for k in range(len(found)):  # the text is cut before (and while) the check runs
        found.opened(blob, k)
    assert bytes(blob) != original
    check.start(found.cuts)
    check.wait()  # no error: it hashed what the file holds
    damaged = BlobCheck(bytearray(b"x" + blob[1:]), digest, len(blob))
    with pytest.raises(IndexReadError, match="does not match its sha256"):
        damaged.wait()
