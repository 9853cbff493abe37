"""Normalize: a `Document` (or str) in, a `NormalizedText` out, with an exact offset map.

The cleaned text is built by a chain of small named transforms (`TRANSFORMS`). Each transform
reads the current text and returns `Edit`s (replace a range by a string); one function,
`apply_edits`, composes every edit into the offset map, so `NormalizedText.to_source` always
gives the exact source characters a span came from (SCHEMA.md "Offsets").

Transforms, in order: invisible characters and CR, width folding, OCR confusions inside numbers,
broken numbers (`686. 71`, `53.7 3`), broken classification codes (`2013 1`), spaced-out CJK
(`江 苏 省`), and with `drop_furniture` page numbers and repeated table headers. Two more run
only when named (`PROSE_LAYOUT`, for views of the prose): blank lines inside a wrapped line of
prose, and layout padding between words.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from itertools import pairwise

from ie.errors import AlignmentError
from ie.ingest import Box, Document
from ie.lexicon import REDACTION_MARKERS
from ie.text import OCR_LETTERS, OCR_TABLE, LineStarts, squash

__all__ = [
    "TRANSFORMS",
    "Change",
    "Edit",
    "NormalizedText",
    "Offsets",
    "apply_edits",
    "identity",
    "normalize",
    "parse_number",
]


# --- the offset map -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace `text[start:end]` (of the text the transform read) by `replacement`.

    A replacement of the same length maps character by character; any other replacement maps
    each new character to the whole replaced range; an empty replacement deletes. Pure
    insertions (start == end) are not allowed: every output character must come from somewhere.
    """

    start: int
    end: int
    replacement: str
    rule: str


@dataclass(frozen=True, slots=True)
class Change:
    """One applied edit, in source offsets, kept for debugging and measurement."""

    rule: str
    start: int
    end: int
    before: str
    after: str


class Offsets(array):
    """Character offsets as machine integers, 4 bytes each (8 past 2³¹): a tuple holds an int
    object per character, ~36 bytes, 360 MB for the two maps of a 5-million-character text.
    It indexes, slices, bisects and iterates as a tuple does and compares equal to any
    sequence of the same numbers; it is not changed once made."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, array):
            return array.__eq__(self, other)
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(self) == len(other) and all(map(operator.eq, self, other))
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    __hash__ = None  # type: ignore[assignment]

    @staticmethod
    def typecode_for(largest: int) -> str:
        """The array type code that holds offsets up to `largest`."""
        return "i" if largest < 2**31 else "q"


@dataclass(frozen=True)
class NormalizedText:
    """Cleaned text plus the map back to its source.

    `offsets[i]` is the source index of `text[i]` (non-decreasing, `len(text) + 1` entries, the
    last one `len(source)`); `ends[i]` is the source index just after `text[i]`'s source range.
    """

    text: str
    source: str
    offsets: Sequence[int]  # Offsets, or a tuple
    ends: Sequence[int] = field(repr=False)
    changes: tuple[Change, ...] = field(default=(), repr=False)

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """`[start, end)` in `text` -> the `[s, e)` source range it came from (end-exclusive).

        Characters deleted inside the span (a joined space, a dropped header) are covered;
        characters deleted just before or after it are not.
        """
        self._check(start, end, len(self.text))
        if start == end:
            return self.offsets[start], self.offsets[start]
        return self.offsets[start], self.ends[end - 1]

    def to_normalized(self, start: int, end: int) -> tuple[int, int]:
        """`[start, end)` in `source` -> the smallest `[s, e)` of `text` covering what is left
        of it (a gold span given on the source). A range that was dropped entirely maps to an
        empty range at the place it was."""
        self._check(start, end, len(self.source))
        n = len(self.text)
        # first character whose source range ends after `start`
        s = bisect_right(self.ends, start)
        # characters whose source range starts before `end`
        e = bisect_left(self.offsets, end, 0, n)
        if start == end or e <= s:
            return s, s
        return s, e

    def source_box(self, index: int, doc: Document) -> Box | None:
        """The PDF box of `text[index]` (None for text input or generated characters)."""
        if doc.boxes is None or not 0 <= index < len(self.text):
            return None
        return doc.boxes[self.offsets[index]]

    @staticmethod
    def _check(start: int, end: int, length: int) -> None:
        if not 0 <= start <= end <= length:
            raise AlignmentError(
                f"range [{start}, {end}) is outside a text of {length} characters; "
                "pass offsets of the text this map was built for"
            )


def identity(source: str) -> NormalizedText:
    """The map of a text to itself: the start of every chain."""
    n = len(source)
    code = Offsets.typecode_for(n)
    return NormalizedText(
        source, source, Offsets(code, range(n + 1)), Offsets(code, range(1, n + 1))
    )


def apply_edits(nt: NormalizedText, edits: Iterable[Edit]) -> NormalizedText:
    """Apply edits given in `nt.text` offsets; return the new text with composed offsets.

    The one offset-map mechanism every transform goes through. Raises AlignmentError for
    overlapping, out-of-range or insertion edits (a bug in a transform, not in the input).
    """
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    if not ordered:
        return nt
    text, starts, ends = nt.text, nt.offsets, nt.ends
    pieces: list[str] = []
    code = Offsets.typecode_for(len(nt.source))
    new_starts, new_ends = Offsets(code), Offsets(code)
    changes = list(nt.changes)
    pos = 0
    for edit in ordered:
        if edit.start < pos or edit.end > len(text) or edit.start >= edit.end:
            raise AlignmentError(
                f"transform {edit.rule!r} produced a bad edit [{edit.start}, {edit.end}) at "
                f"position {pos} of {len(text)}; edits must be non-empty and must not overlap"
            )
        pieces.append(text[pos : edit.start])
        new_starts.extend(starts[pos : edit.start])
        new_ends.extend(ends[pos : edit.start])
        old = text[edit.start : edit.end]
        rep = edit.replacement
        src_start, src_end = starts[edit.start], ends[edit.end - 1]
        if len(rep) == len(old):
            new_starts.extend(starts[edit.start : edit.end])
            new_ends.extend(ends[edit.start : edit.end])
        elif rep:
            new_starts.extend([src_start] * len(rep))
            new_ends.extend([src_end] * len(rep))
        pieces.append(rep)
        changes.append(Change(edit.rule, src_start, src_end, old, rep))
        pos = edit.end
    pieces.append(text[pos:])
    new_starts.extend(starts[pos : len(text)])
    new_ends.extend(ends[pos:])
    new_starts.append(len(nt.source))
    return NormalizedText("".join(pieces), nt.source, new_starts, new_ends, tuple(changes))


# --- character classes ----------------------------------------------------------------------

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# CJK punctuation that a spaced-out heading or justified line spreads like a character.
_CJK_PUNCT = "\u3001\u3002\u300a-\u300f\u3010\u3011\uff01\uff08\uff09\uff0c\uff1a\uff1b\uff1f"
_UNIT_CHAR = f"[{_HAN}{_CJK_PUNCT}]"
_DATE_CHARS = "年月日号时"
_REDACTION = re.compile("|".join(REDACTION_MARKERS))


@dataclass(frozen=True, slots=True)
class _Context:
    """What a transform may look at besides the current text."""

    boxes: Sequence[Box | None] | None


Transform = Callable[[NormalizedText, _Context], list[Edit]]


# --- 1. invisible characters and line ends ---------------------------------------------------

_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]|\r(?=\n)|\r")
_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]")


def clean_whitespace(nt: NormalizedText, ctx: _Context) -> list[Edit]:
    """Drop zero-width characters, soft hyphens and the CR of CRLF; a lone CR becomes a newline;
    exotic spaces (NBSP, ideographic space) become one ASCII space."""
    edits = []
    for m in _INVISIBLE.finditer(nt.text):
        rep = "\n" if m.group() == "\r" and not nt.text.startswith("\n", m.end()) else ""
        edits.append(Edit(m.start(), m.end(), rep, "whitespace"))
    edits.extend(Edit(m.start(), m.end(), " ", "whitespace") for m in _SPACES.finditer(nt.text))
    return edits


# --- 2. width folding ------------------------------------------------------------------------

# Full-width digits, letters and operators fold everywhere: they never carry meaning in
# their width. Brackets and CJK punctuation stay (they are part of names and titles).
_FOLD_ALWAYS = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff05\uff0b\uff1c-\uff1e]")
# Full-width separators fold only between digits (inside a number).
_FOLD_IN_NUMBER = re.compile(
    "(?<=[0-9\uff10-\uff19])[\uff0e\uff0c\uff0f](?=[0-9\uff10-\uff19])"
    "|[\uff0d\u2212](?=[0-9\uff10-\uff19])"
)


def fold_width(nt: NormalizedText, ctx: _Context) -> list[Edit]:
    """Full-width digits/letters/%+<=> to ASCII; full-width `.`, `,`, `/` and `－` only inside
    numbers. One character in, one out."""
    text = nt.text
    edits = [
        Edit(m.start(), m.end(), unicodedata.normalize("NFKC", m.group()), "width")
        for m in _FOLD_ALWAYS.finditer(text)
    ]
    for m in _FOLD_IN_NUMBER.finditer(text):
        rep = "-" if m.group() in "\uff0d\u2212" else unicodedata.normalize("NFKC", m.group())
        edits.append(Edit(m.start(), m.end(), rep, "width"))
    return edits


# --- 3. OCR confusions inside numbers --------------------------------------------------------

# A token that starts and ends with a real digit, with confusable letters (ie.text.OCR_DIGITS)
# only inside it, not glued to other letters (`IOS10`, `B2B` stay).
_OCR = re.escape(OCR_LETTERS)
_OCR_TOKEN = re.compile(
    rf"(?<![A-Za-z\d.,])\d[\d.,]*+[{_OCR}][\d{_OCR}.,]*\d(?![A-Za-z\d])", re.ASCII
)
_NUMBER_SHAPE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+|\d{2,}", re.ASCII)
# A CJK full stop or comma that an OCR engine read for the decimal point or thousands comma.
_CJK_DECIMAL = re.compile(r"(?<![\d.,])(\d+)。(\d{1,2})(?=[万元亿%\t\n\f ]|$)", re.ASCII)
_CJK_THOUSANDS = re.compile(r"(?<=\d)，(?=\d{3}(?:[.,]\d|[\t\n\f 万元]|$))", re.ASCII)


def fix_ocr_digits(nt: NormalizedText, ctx: _Context) -> list[Edit]:
    """Inside a token that is provably a number (it starts and ends with a digit, confusables
    only inside, the result a well-formed amount): the letters of ie.text.OCR_DIGITS as digits
    (O/o->0, l/I/|->1 …); `686。71万元` -> `686.71万元`; `2，169.78` -> `2,169.78`."""
    text = nt.text
    edits: list[Edit] = []
    for m in _OCR_TOKEN.finditer(text):
        token = m.group()
        if sum(c in "0123456789" for c in token) < 2:
            continue
        fixed = token.translate(OCR_TABLE)
        if not _NUMBER_SHAPE.fullmatch(fixed):
            continue
        edits.extend(
            Edit(m.start() + k, m.start() + k + 1, fixed[k], "ocr_digit")
            for k, c in enumerate(token)
            if c != fixed[k]
        )
    for m in _CJK_DECIMAL.finditer(text):
        edits.append(Edit(m.end(1), m.end(1) + 1, ".", "ocr_digit"))
    for m in _CJK_THOUSANDS.finditer(text):
        edits.append(Edit(m.start(), m.end(), ",", "ocr_digit"))
    return edits


# --- 4. broken numbers -----------------------------------------------------------------------

_INT = r"(?<![\d.,])(?P<int>\d++(?:,\d{3})*+)"
# What may follow a completed amount: a cell boundary or a unit.
_AFTER = r"(?=[\t\n\f 万元亿%]|$)"
_BROKEN_NUMBER = re.compile(
    _INT
    + r"(?:"
    # `686. 71`, `2,169. 78`, and `2,169.\n78` where a cell wrapped after its decimal point
    + r"\.(?P<dot_gap> {1,2}|\n)\d{1,2}"
    + _AFTER
    # `686 .71`
    + r"|(?P<gap_dot> )\.\d{1,2}"
    + _AFTER
    # `2, 169.78`: a thousands group pushed apart; the decimal part proves it is one amount
    + r"|,(?P<comma_gap> )\d{3}(?=\.\d{1,2}(?!\d)|,\d{3})"
    # `53.7 3`: the last decimal digit pushed one position on
    + r"|\.\d(?P<digit_gap> )\d(?=[\t\n\f ]|$)"
    + r")",
    re.ASCII,
)
_ONE_DECIMAL = re.compile(r"(?<![\d.])\d+\.\d(?![\d.])", re.ASCII)
_GAP_DIGIT = re.compile(r" [0-9](?:[ \t]|$)")


def join_broken_numbers(nt: NormalizedText, ctx: _Context) -> list[Edit]:
    """Delete the gap inside an amount that PDF-to-text or OCR split: `686. 71`, `686 .71`,
    `2, 169.78`, `53.7 3`, and `2,169.\\n78` across one line wrap. Never across a tab, and never
    between two complete amounts (`13,649.07 7,666.68`)."""
    text = nt.text
    edits: list[Edit] = []
    lines = _Lines(text)
    for m in _BROKEN_NUMBER.finditer(text):
        kind = m.lastgroup
        assert kind is not None
        if kind == "digit_gap":
            ok = _digit_gap_ok(m, text, lines)
        elif kind == "comma_gap":
            ok = True
        else:
            ok = not _looks_like_enumerator(m, text)
        if ok:
            edits.append(Edit(m.start(kind), m.end(kind), "", "number"))
    return edits


def _looks_like_enumerator(m: re.Match[str], text: str) -> bool:
    """`1. 2023年...`, `3. 20万元用于...`: a short integer before `. ` is a list number unless
    the fraction ends a table cell (tab or line end)."""
    if len(m.group("int")) > 2:
        return False
    follow = text[m.end() : m.end() + 1]
    return follow not in ("\t", "\n", "\f", "")


def _digit_gap_ok(m: re.Match[str], text: str, lines: _Lines) -> bool:
    follow = text[m.end() : m.end() + 1]
    if lines.tabbed(m.start()):
        # Tab layout: a space inside a cell is never a cell boundary.
        return follow != " "
    # Space layout: a space may be a cell boundary, so join only where the whole line shows
    # the same breakage (every one-decimal number in it is followed by ` d` and a boundary).
    return lines.same_breakage(m.start())


class _Lines:
    """What the number and code transforms ask about the line ("\\n"-separated) of an
    offset, read once per line: asking per match cost the line's length each time, quadratic
    on a long line with many matches."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts: LineStarts | None = None
        self._tabbed: dict[int, bool] = {}
        self._breakage: dict[int, bool] = {}

    def _start(self, i: int) -> int:
        """The start of the line that holds offset `i`."""
        if self._starts is None:
            self._starts = LineStarts(self.text)
        return self._starts.start_of(i)

    def _text(self, start: int) -> str:
        assert self._starts is not None
        end = self._starts.newline_after(start)
        return self.text[start : len(self.text) if end < 0 else end]

    def tabbed(self, i: int) -> bool:
        """Whether the line that holds offset `i` has a tab."""
        start = self._start(i)
        if start not in self._tabbed:
            self._tabbed[start] = "\t" in self._text(start)
        return self._tabbed[start]

    def same_breakage(self, i: int) -> bool:
        """Whether every one-decimal number in the line of offset `i` is followed by a space,
        a digit and a boundary (`53.7 3`)."""
        start = self._start(i)
        if start not in self._breakage:
            line = self._text(start)
            self._breakage[start] = all(
                _GAP_DIGIT.match(line, one.end()) for one in _ONE_DECIMAL.finditer(line)
            )
        return self._breakage[start]


# --- 5. broken classification codes ----------------------------------------------------------

# A code cell in tab layout: the whole cell is `dddd ddd`.
_CODE_CELL = re.compile(r"(?m)(?:^|(?<=\t))(\d{3,6})( )(\d{1,4})(?=\t|$)", re.ASCII)
# A code at the start of a space-layout row, followed by its CJK name.
_CODE_ROW = re.compile(rf"(?m)^[ \t]*(\d{{3,6}})( )(\d{{1,4}}) (?=[{_HAN}])", re.ASCII)


def is_valid_code(code: str) -> bool:
    """A functional (类 201-234, 3/5/7 digits) or economic (301-399 / 501-599, 3/5 digits)
    classification code."""
    if not _DIGITS.fullmatch(code) or len(code) < 3:
        return False
    head = int(code[:3])
    if code[0] == "2":
        return 201 <= head <= 234 and len(code) in (3, 5, 7)
    if code[0] in "35":
        return (301 <= head <= 399 or 501 <= head <= 599) and len(code) in (3, 5)
    return False


def join_broken_codes(nt: NormalizedText, ctx: _Context) -> list[Edit]:
    """`2013 1` -> `20131`, `2080 505` -> `2080505` where the cell holds only the two parts (tab
    layout) or they open a row before its name (space layout), and the join is a valid code."""
    text = nt.text
    edits: list[Edit] = []
    lines = _Lines(text)
    for m in _CODE_CELL.finditer(text):
        if lines.tabbed(m.start()) and is_valid_code(m.group(1) + m.group(3)):
            edits.append(Edit(m.start(2), m.end(2), "", "code"))
    for m in _CODE_ROW.finditer(text):
        if text[m.end() : m.end() + 1] in _DATE_CHARS:
            continue
        if is_valid_code(m.group(1) + m.group(3)):
            edits.append(Edit(m.start(2), m.end(2), "", "code"))
    return _dedupe(edits)


# --- 6. spaced-out CJK -----------------------------------------------------------------------

_SPACED = re.compile(rf"(?<!\S){_UNIT_CHAR}(?: {_UNIT_CHAR})+(?!\S)")
# Letter-spaced headings put the next character within a few widths; a larger gap is a cell
# boundary between two one-character cells (measured on the Jiangsu PDFs: <= 3.8 vs >= 5.2).
_MAX_GAP_IN_WIDTHS = 4.5


def join_spaced_cjk(nt: NormalizedText, ctx: _Context) -> list[Edit]:
    """`江 苏 省 人 民 检 察 院` -> `江苏省人民检察院`: runs where single CJK characters alternate
    with single spaces. Multi-character tokens separated by a space are left alone (in PDF text
    that space is a cell boundary); with PDF boxes, a space wider than a few characters is kept."""
    text = nt.text
    edits: list[Edit] = []
    for m in _SPACED.finditer(text):
        for k in range(m.start() + 1, m.end(), 2):
            if _gap_is_cell_boundary(nt, ctx, k):
                continue
            edits.append(Edit(k, k + 1, "", "spaced_cjk"))
    return edits


def _gap_is_cell_boundary(nt: NormalizedText, ctx: _Context, space: int) -> bool:
    if ctx.boxes is None:
        return False
    left, right = ctx.boxes[nt.offsets[space - 1]], ctx.boxes[nt.offsets[space + 1]]
    if left is None or right is None:
        return False
    if left.page_number != right.page_number:
        return True
    height = max(left.bottom - left.top, right.bottom - right.top, 1e-6)
    if abs(left.top - right.top) > height / 2:
        return False  # a justified line wrapped between them: part of one paragraph
    width = max(left.x1 - left.x0, right.x1 - right.x0, 1e-6)
    return (right.x0 - left.x1) > _MAX_GAP_IN_WIDTHS * width


# --- 7. page numbers -------------------------------------------------------------------------

_DASH = "-－—─–―"
_LINE_BREAK = re.compile(r"[\n\f]")
# Unambiguous page-number lines, dropped wherever they stand alone.
_PAGE_DECORATED = re.compile(
    rf"[ \t]*(?:[{_DASH}]+[ \t]*\d{{1,4}}[ \t]*[{_DASH}]+"
    r"|第[ \t]*\d{1,4}[ \t]*页(?:[ \t]*[,，/／]?[ \t]*共[ \t]*\d{1,4}[ \t]*页)?"
    r"|共[ \t]*\d{1,4}[ \t]*页(?:[ \t]*[,，/／]?[ \t]*第[ \t]*\d{1,4}[ \t]*页)?"
    r"|\d{1,4}[ \t]*/[ \t]*\d{1,4}[ \t]*页?)[ \t]*",
    re.ASCII,
)
# A bare number (or a half-decorated one) at a page edge: dropped only where the numbers run
# with the page index, which proves they are page numbers and not a data cell.
_PAGE_BARE = re.compile(rf"[ \t]*[{_DASH}]?[ \t]*(\d{{1,4}})[ \t]*[{_DASH}]?[ \t]*", re.ASCII)
_DASH_ONLY = re.compile(rf"[ \t]*[{_DASH}][ \t]*")


def drop_page_numbers(nt: NormalizedText, ctx: _Context) -> list[Edit]:
    """Drop page-number lines: `- 3 -`, `第3页`, `共 31 页`, anywhere as a whole line; a bare `3`
    (or `- 3`) as the first or last line of a page when the numbers follow the pages."""
    text = nt.text
    lines = _lines(text)
    drop: set[int] = {i for i, (s, e) in enumerate(lines) if _PAGE_DECORATED.fullmatch(text, s, e)}
    if "\f" in text:
        candidates: list[tuple[int, int, int]] = []  # (line index, page index, number)
        dash_edges: list[int] = []
        page = 0
        page_lines: list[int] = []
        for i, (_, e) in enumerate(lines):
            page_lines.append(i)
            if (e < len(text) and text[e] == "\f") or i == len(lines) - 1:
                content = [j for j in page_lines if text[lines[j][0] : lines[j][1]].strip()]
                for j in {*content[:2], *content[-2:]}:
                    m = _PAGE_BARE.fullmatch(text, *lines[j])
                    if m:
                        candidates.append((j, page, int(m.group(1))))
                    elif _DASH_ONLY.fullmatch(text, *lines[j]):
                        dash_edges.append(j)
                page += 1
                page_lines = []
        shifts = Counter(number - p for _, p, number in candidates)
        if shifts:
            shift, support = shifts.most_common(1)[0]
            if support >= max(2, page // 3):
                drop.update(j for j, p, number in candidates if number - p == shift)
                drop.update(dash_edges)
    return _merge([_drop_line(text, lines, i, "page_number") for i in sorted(drop)])


def _lines(text: str) -> list[tuple[int, int]]:
    """`[start, end)` of every line; newline and form feed both end a line."""
    out = []
    pos = 0
    for segment in _LINE_BREAK.split(text):
        out.append((pos, pos + len(segment)))
        pos += len(segment) + 1
    return out


def _drop_line(text: str, lines: list[tuple[int, int]], i: int, rule: str) -> Edit:
    """Delete a line with its newline (the one after it, else the one before it); a form feed
    is kept, so page breaks survive."""
    s, e = lines[i]
    if e < len(text) and text[e] == "\n":
        return Edit(s, e + 1, "", rule)
    if s > 0 and text[s - 1] == "\n":
        return Edit(s - 1, e, "", rule)
    return Edit(s, e, "", rule)


# --- 8. repeated table headers ---------------------------------------------------------------

_YEAR = re.compile(r"(?:19|20)[0-9][0-9]")
_DIGITS = re.compile(r"[0-9]+")
_STRONG_NUMBER = re.compile(r"[0-9][.,][0-9]|[0-9]\.(?:\s|$)")
_SENTENCE = re.compile(r"[。；，]")
_FUZZY_LINE = 0.8


def drop_repeated_headers(nt: NormalizedText, ctx: _Context) -> list[Edit]:
    """Drop a table header block repeated where a table continues on a new page.

    A block is dropped when it is two or more lines (blank lines between them allowed) that
    repeat, in the same order, the block's most recent earlier copy (a line may differ a
    little: OCR reads 栏次 as 档次), hold no amounts or redaction markers, and every line
    between that copy and the block is a table row (so both lie in one table; a new table's
    title or prose in between keeps it). Where the text has page breaks, the block must also
    open a page.
    """
    text = nt.text
    lines = _lines(text)
    keys = [squash(text[s:e]) for s, e in lines]
    content = [i for i, key in enumerate(keys) if key]
    successor = dict(pairwise(content))
    last_seen: dict[str, int] = {}
    # For each content line: the earlier line it repeats, or None.
    match: dict[int, int | None] = {}
    prev: int | None = None
    for i in content:
        key = keys[i]
        earlier = last_seen.get(key)
        if prev is not None and match.get(prev) is not None:
            expected = successor.get(match[prev])  # type: ignore[arg-type]
            if (
                expected is not None
                and expected < prev
                and (keys[expected] == key or _similar(key, keys[expected]))
            ):
                earlier = expected
        line = text[slice(*lines[i])]
        match[i] = None if _is_strong_data(line) or _has_values(line) else earlier
        last_seen[key] = i
        prev = i
    edits: list[Edit] = []
    for block in _blocks(content, match, successor):
        if _continues_table(text, lines, content, match, block):
            end = lines[block[-1]][1]
            if end < len(text) and text[end] == "\n":
                end += 1
            edits.append(Edit(lines[block[0]][0], end, "", "repeated_header"))
    return edits


def _blocks(
    content: list[int], match: dict[int, int | None], successor: dict[int, int]
) -> list[list[int]]:
    """Runs of consecutive repeated lines whose earlier copies are consecutive too."""
    blocks: list[list[int]] = []
    current: list[int] = []
    for i in content:
        earlier = match[i]
        if earlier is None:
            current = []
            continue
        if current and successor.get(match[current[-1]]) != earlier:  # type: ignore[arg-type]
            current = []
        if not current:
            blocks.append(current)
        current.append(i)
    return [b for b in blocks if len(b) >= 2]


def _continues_table(
    text: str,
    lines: list[tuple[int, int]],
    content: list[int],
    match: dict[int, int | None],
    block: list[int],
) -> bool:
    """True when only table rows lie between the block's earlier copy and the block (and, in
    paged text, a page break comes right before the block)."""
    copy_end = match[block[-1]]
    assert copy_end is not None
    between = content[bisect_right(content, copy_end) : bisect_left(content, block[0])]
    if not between:
        return False
    if any(not _is_row(text[slice(*lines[i])]) for i in between):
        return False
    if "\f" in text:
        return "\f" in text[lines[between[-1]][1] : lines[block[0]][0]]
    return True


def _similar(a: str, b: str) -> bool:
    if len(a) < 4:
        return False
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return matcher.quick_ratio() >= _FUZZY_LINE and matcher.ratio() >= _FUZZY_LINE


def _is_strong_data(line: str) -> bool:
    """An amount with decimals or thousands commas, or a redaction marker: table content."""
    return bool(_STRONG_NUMBER.search(line) or _REDACTION.search(line))


def _plain_numbers(line: str) -> list[int]:
    """Whole-cell integers of a line, years left out."""
    cells = re.split(r"[\t ]+", line.strip())
    return [int(c) for c in cells if _DIGITS.fullmatch(c) and not _YEAR.fullmatch(c)]


def _is_header_sequence(numbers: list[int]) -> bool:
    """Column numbers `1 2 3 ...` as printed under a table header."""
    return bool(numbers) and numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def _has_values(line: str) -> bool:
    """Two or more integer cells that are not a column-number row: a row of values."""
    numbers = _plain_numbers(line)
    return len(numbers) >= 2 and not _is_header_sequence(numbers)


def _is_row(line: str) -> bool:
    """A table body row: tab-separated cells, or (space layout) a line with a number cell and
    no sentence punctuation. Prose is never a row."""
    if _SENTENCE.search(line):
        return False
    if "\t" in line:
        return True
    return _is_strong_data(line) or bool(_plain_numbers(line))


def _merge(deletions: list[Edit]) -> list[Edit]:
    """Merge overlapping or touching deletions into one (two dropped lines side by side)."""
    out: list[Edit] = []
    for e in sorted(deletions, key=lambda d: d.start):
        if out and e.start <= out[-1].end:
            last = out.pop()
            e = Edit(last.start, max(last.end, e.end), "", last.rule)
        out.append(e)
    return out


def _dedupe(edits: list[Edit]) -> list[Edit]:
    out: dict[tuple[int, int], Edit] = {}
    for e in edits:
        out.setdefault((e.start, e.end), e)
    return list(out.values())


# --- 8. layout whitespace (prose view only) ---------------------------------------------------

# A line that stops mid-sentence (not after 。；！？：), blank lines, then a line going on with a
# Han character: one wrapped line of prose that a text tool printed with blank lines between
# lines (raw pdftotext, pdfminer, pdfplumber's layout mode: "检察网络运行维护、检察教育培" ""
# "训费等项目支出"). The blank lines go, so a name wrapped there reads as it does in a tool that
# prints one newline per line.
_WRAPPED_OVER_BLANKS = re.compile(r"(?<=[^\s。；！？：:;]) *\n(?: *\n)+ *(?=[\u4e00-\u9fff])")
# A line of prose, not a table's cell or row: a wrapped line runs to the page's width, and it is
# part of a sentence (in a table row, spaces separate and place cells): a Han character before
# ，。； or 、 (not a digit's comma "9，193.42", not an item's enumerator "一、").
_PROSE_LINE_CHARS = 20
_SENTENCE = re.compile(r"(?<=[\u4e00-\u9fff])(?:[，。；]|(?<![一二三四五六七八九十])、)")
# Layout padding: a run of spaces between two words (a justified line, or a line laid out by
# character positions), a line's indentation, its trailing spaces: runs of two or more spaces
# (one trailing space is pypdfium2's mark of a cell that wraps; a tab separates cells).
_LAYOUT_SPACES = re.compile(r"(?P<gap>(?<=\S) {2,}(?=\S))|(?m:^ {2,}(?=\S))|(?m:(?<=\S) {2,}$)")


def join_wrapped_lines(nt: NormalizedText, ctx: _Context) -> list[Edit]:
    """Drop the blank lines inside a wrapped line of prose (`_WRAPPED_OVER_BLANKS`, after a
    line of a sentence (`_SENTENCE`) of at least `_PROSE_LINE_CHARS` characters: not a table
    row), leaving one newline. For the prose view and the tagger only: table readers read the
    document's own text, where blank lines separate cells."""
    text = nt.text
    edits = []
    for m in _WRAPPED_OVER_BLANKS.finditer(text):
        line = text[text.rfind("\n", 0, m.start()) + 1 : m.start()]
        if len(line) - line.count(" ") >= _PROSE_LINE_CHARS and _SENTENCE.search(line):
            edits.append(Edit(m.start(), m.end(), "\n", "wrapped_line"))
    return edits


def squeeze_layout_spaces(nt: NormalizedText, ctx: _Context) -> list[Edit]:
    """Layout padding in a line of a sentence (`_SENTENCE`) to one space between words, none at
    the line's ends (a layout-mode text tool pads prose to its printed positions: "与上年相比增加
    309.03 万元"). For the prose view and the tagger only, like `join_wrapped_lines`."""
    text = nt.text
    edits = []
    for m in _LAYOUT_SPACES.finditer(text):
        start = text.rfind("\n", 0, m.start()) + 1
        end = text.find("\n", m.end())
        if _SENTENCE.search(text, start, len(text) if end < 0 else end):
            edits.append(Edit(m.start(), m.end(), " " if m.group("gap") else "", "layout_space"))
    return edits


# --- the chain -------------------------------------------------------------------------------

TRANSFORMS: tuple[tuple[str, Transform], ...] = (
    ("whitespace", clean_whitespace),
    ("width", fold_width),
    ("ocr_digit", fix_ocr_digits),
    ("number", join_broken_numbers),
    ("code", join_broken_codes),
    ("spaced_cjk", join_spaced_cjk),
)
FURNITURE: tuple[tuple[str, Transform], ...] = (
    ("page_number", drop_page_numbers),
    ("repeated_header", drop_repeated_headers),
)
# Not in the default chain: named in `transforms` by views that read prose, not layout
# (ie.records.PROSE_TRANSFORMS, which the tagger reads too).
PROSE_LAYOUT: tuple[tuple[str, Transform], ...] = (
    ("wrapped_line", join_wrapped_lines),
    ("layout_space", squeeze_layout_spaces),
)


def normalize(
    doc: Document | str,
    *,
    drop_furniture: bool = True,
    transforms: Sequence[str] | None = None,
) -> NormalizedText:
    """Clean a document's text for tagging and table rebuilding, keeping an exact offset map.

    `doc`: a `Document` (its `.text` is the source; PDF boxes refine spaced-CJK joins) or the
    source text itself. `drop_furniture`: also drop page numbers and repeated table headers
    (leave it False where every source span must stay findable, e.g. span tagging against gold
    that labels the repeated headers). `transforms`: run only these named steps (for tests and
    debugging); unknown names raise ValueError listing the valid ones.
    """
    source = doc.text if isinstance(doc, Document) else doc
    ctx = _Context(doc.boxes if isinstance(doc, Document) else None)
    chain = TRANSFORMS + (FURNITURE if drop_furniture else ())
    if transforms is not None:
        every = TRANSFORMS + FURNITURE + PROSE_LAYOUT
        valid = [name for name, _ in every]
        unknown = [name for name in transforms if name not in valid]
        if unknown:
            raise ValueError(f"unknown transform(s) {unknown}; valid: {valid}")
        chain = tuple((name, fn) for name, fn in every if name in transforms)
    nt = identity(source)
    for _, fn in chain:
        nt = apply_edits(nt, fn(nt, ctx))
    return nt


# --- reading amounts -------------------------------------------------------------------------

_AMOUNT = re.compile(
    r"(?P<sign>[-+]?)(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"(?:万元|亿元|元|万|亿)?",
    re.ASCII,
)


def parse_number(s: str) -> float | None:
    """An amount as printed (`686.71`, `2,169.78`, `１２３．４`, `-5`, `(12.5)`, `686.71万元`) ->
    its number; the unit is read past, not converted. None for anything else (text, two
    amounts, a malformed thousands group)."""
    t = unicodedata.normalize("NFKC", s).strip().replace("\u2212", "-")
    negative = False
    if len(t) > 2 and t[0] == "(" and t[-1] == ")":
        negative, t = True, t[1:-1].strip()
    m = _AMOUNT.fullmatch(t)
    if m is None:
        return None
    value = float(m.group("num").replace(",", ""))
    if m.group("sign") == "-":
        negative = not negative
    return -value if negative else value
