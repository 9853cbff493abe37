"""Labelled text: build a document piece by piece, then edit it without losing a span.

`TextBuilder` appends pieces, each optionally a labelled span and/or a noise region. `Labelled`
is the finished text with one span id per character; `apply_edits` is the one mechanism every
noise transform goes through, so spans stay exact: an inserted character takes the span id of
its neighbours when both belong to the same span (a wrap inside a number stays inside the
AMOUNT), and none otherwise (a page header inserted mid-span splits it into two spans).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ie.spans import Span

# Region kinds the noise model knows: amount cells, code cells, text cells, prose paragraphs.
REGION_KINDS = ("num", "code", "cell", "prose")


@dataclass(frozen=True, slots=True)
class Region:
    """A stretch of text of one kind (`num`, `code`, `cell`, `prose`) that noise may edit."""

    start: int
    end: int
    kind: str


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace `text[start:end]` by `insert`. `join`: inserted characters join a span that
    surrounds them (True for wraps and duplicates; False for page furniture)."""

    start: int
    end: int
    insert: str = ""
    join: bool = True


@dataclass
class Labelled:
    """Text with a span id per character (-1: outside any span) and the label of each id."""

    text: str
    ids: list[int]
    labels: list[str]
    regions: list[Region] = field(default_factory=list)

    def spans(self) -> list[Span]:
        """The spans, one per maximal run of a span id, trimmed of edge whitespace."""
        out: list[Span] = []
        ids, text = self.ids, self.text
        n = len(ids)
        i = 0
        while i < n:
            sid = ids[i]
            if sid < 0:
                i += 1
                continue
            j = i + 1
            while j < n and ids[j] == sid:
                j += 1
            s, e = i, j
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s:
                out.append(Span(s, e, self.labels[sid], text[s:e]))
            i = j
        return out


class TextBuilder:
    """Append-only builder: `add(piece, label, kind)` records spans and noise regions exactly."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._ids: list[int] = []
        self._labels: list[str] = []
        self._regions: list[Region] = []
        self.pos = 0

    def add(self, piece: str, label: str | None = None, kind: str | None = None) -> None:
        """Append `piece`; label it (a new span) and/or mark it as a noise region of `kind`."""
        if not piece:
            return
        n = len(piece)
        if label is not None:
            self._labels.append(label)
            self._ids.extend([len(self._labels) - 1] * n)
        else:
            self._ids.extend([-1] * n)
        if kind is not None:
            self._regions.append(Region(self.pos, self.pos + n, kind))
        self._parts.append(piece)
        self.pos += n

    def extend(self, pieces: Iterable[tuple[str, str | None]]) -> None:
        """Append (text, label) pairs."""
        for piece, label in pieces:
            self.add(piece, label)

    def last_char(self) -> str:
        return self._parts[-1][-1] if self._parts else ""

    def build(self) -> Labelled:
        return Labelled("".join(self._parts), self._ids, self._labels, self._regions)


def apply_edits(doc: Labelled, edits: Sequence[Edit]) -> Labelled:
    """Apply non-overlapping edits (positions in `doc.text`) in one pass; regions are mapped to
    the new offsets. Overlapping edits are skipped (first one wins), never misapplied."""
    text, ids = doc.text, doc.ids
    parts: list[str] = []
    new_ids: list[int] = []
    cursor = 0
    # old offset -> new offset shift, recorded at each edit for mapping regions
    marks: list[tuple[int, int, int]] = []  # (old_start, old_end, delta_after)
    delta = 0
    for ed in sorted(edits, key=lambda e: (e.start, e.end)):
        if ed.start < cursor or ed.end < ed.start or ed.end > len(text):
            continue
        parts.append(text[cursor : ed.start])
        new_ids.extend(ids[cursor : ed.start])
        if ed.insert:
            if ed.end > ed.start and ed.join and len(set(ids[ed.start : ed.end])) == 1:
                sid = ids[ed.start]  # a replacement keeps the span of what it replaces
            else:
                left = ids[ed.start - 1] if ed.start > 0 else -1
                right = ids[ed.end] if ed.end < len(ids) else -1
                sid = left if (ed.join and left >= 0 and left == right) else -1
            parts.append(ed.insert)
            new_ids.extend([sid] * len(ed.insert))
        cursor = ed.end
        delta += len(ed.insert) - (ed.end - ed.start)
        marks.append((ed.start, ed.end, delta))
    parts.append(text[cursor:])
    new_ids.extend(ids[cursor:])
    new_text = "".join(parts)
    regions = [_map_region(r, marks) for r in doc.regions]
    return Labelled(new_text, new_ids, doc.labels, [r for r in regions if r.end > r.start])


def _map_region(region: Region, marks: list[tuple[int, int, int]]) -> Region:
    return Region(_map(region.start, marks, True), _map(region.end, marks, False), region.kind)


def _map(pos: int, marks: list[tuple[int, int, int]], is_start: bool) -> int:
    # marks are sorted by old start; find the cumulative delta of edits wholly before pos
    lo, hi = 0, len(marks)
    while lo < hi:
        mid = (lo + hi) // 2
        s, e, _ = marks[mid]
        before = e <= pos if is_start else e < pos or (e == pos and s < pos)
        if before:
            lo = mid + 1
        else:
            hi = mid
    return pos + (marks[lo - 1][2] if lo else 0)
