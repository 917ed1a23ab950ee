"""An index's text cut into segments that each decode on their own, so no pass over the whole text comes first.

A Spack index is one JSON object, ``{"database": {"version": ..., "installs":
{HASH: record, ...}}}``: hundreds of MB with no line breaks. To share its
records out between two processes, the decoder used to make a first pass over
all of it for each record's raw text (on one core, before the second could
start). Here the ``installs`` object is cut instead, at commas
found by a regular expression (a comma, a 32-character key, a colon and a
brace), into segments of about 64 KiB, each decoded as an object of its own: the
comma before a segment becomes ``{`` and the one after it ``}``, in the
caller's copy of the text (a forked child writes to its own).

Nothing is taken on trust. A comma followed by a quote cannot be inside a
JSON string (a quote there is escaped), so a cut is always between two
members of *some* object; a segment decodes as an object only if its cuts are
between members of ``installs`` itself; the envelope around ``installs``
(everything before and after it) is checked by decoding it with ``{}`` in its
place; and a key found in two segments is caught where the keys are joined.
An index that fails any of this is read by the general reader.
"""

from __future__ import annotations

import mmap
import re
from dataclasses import dataclass, field

import msgspec

# ~80 records, whose decoded structs stay in the CPU's cache while they are taken apart (larger segments
# were slower: docs/benchmarks.md); the two processes also share more, smaller ones more evenly.
SEGMENT_BYTES = 64 << 10
SPLIT_MIN_BYTES = 64 << 20  # ~75,000 records; below this, a second process costs more than it saves
_INSTALLS = re.compile(rb'"installs"\s*:\s*\{')
_MEMBER = re.compile(rb',\s*"[a-z2-7]{32}"\s*:\s*\{')  # a comma, then a record's key and the brace of its value
_EDGE_BYTES = 1 << 16  # how far into the text "installs" may start, and from its end may close
_OPEN, _CLOSE, _COMMA = ord("{"), ord("}"), ord(",")

IndexText = bytearray | mmap.mmap  # an index's text, in memory the decoder may write to


class _Database(msgspec.Struct):
    version: str | int
    installs: dict[str, msgspec.Raw]


class _Envelope(msgspec.Struct):
    database: _Database


_ENVELOPE = msgspec.json.Decoder(_Envelope)


@dataclass
class Segments:
    """Where ``installs`` starts and ends in the text, and the commas that cut it into segments."""

    version: str
    start: int  # its "{"
    end: int  # its "}"
    cuts: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.cuts) + 1

    def opened(self, text: IndexText, k: int) -> memoryview:
        """Segment ``k`` as an object of its own: the comma before it made ``{`` and the one after it ``}``
        (in this copy of the text; ``restore`` puts the commas back)."""
        first = self.start if k == 0 else self.cuts[k - 1]
        last = self.end if k == len(self.cuts) else self.cuts[k]
        if k > 0:
            text[first] = _OPEN
        if k < len(self.cuts):
            text[last] = _CLOSE
        return memoryview(text)[first : last + 1]

    def restore(self, text: IndexText) -> None:
        for cut in self.cuts:
            text[cut] = _COMMA


def segments_of(text: IndexText, size: int = SEGMENT_BYTES) -> Segments | None:
    """The segments of an index's text, or None when its envelope is not the usual one."""
    head = _INSTALLS.search(text, 0, min(len(text), _EDGE_BYTES))
    if head is None:
        return None
    start = head.end() - 1
    found = _envelope(text, start)
    if found is None:
        return None
    version, end = found
    cuts: list[int] = []
    at = start + size
    while at < end - size // 2:
        member = _MEMBER.search(text, at, end)
        if member is None:
            break
        cuts.append(member.start())
        at = member.start() + size
    return Segments(version, start, end, cuts)


_HERE = b'{"\\u0000cachetui":0}'  # stands in for the installs object found; no index has this key


def _envelope(text: IndexText, start: int) -> tuple[str, int] | None:
    """(DB version, where ``installs`` ends): the last ``}`` near the end for which the text around
    ``installs``, with a marker object in its place, is a database whose ``installs`` is that marker.

    So the object found is the one ``json.loads`` gives as ``database.installs``: not an ``installs``
    at the top level or under another key, nor one a later duplicate key replaces.
    """
    before = bytes(text[:start])
    end = len(text)
    for _ in range(8):  # the envelope's own closing braces come first, from the end
        end = text.rfind(b"}", max(start, len(text) - _EDGE_BYTES), end)
        if end <= start:
            return None
        try:
            envelope = _ENVELOPE.decode(before + _HERE + bytes(text[end + 1 :]))
        except (msgspec.ValidationError, msgspec.DecodeError):
            continue
        if list(envelope.database.installs) != ["\0cachetui"]:  # not the database's: the general reader decides
            return None
        return str(envelope.database.version), end
    return None
