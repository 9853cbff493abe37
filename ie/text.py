"""Text helpers every stage shares: whitespace squashing, full-width folding, display width, and
the one map of letters that OCR reads for digits.

>>> squash(" 686. 71\\n万元")
'686.71万元'
>>> squash_ascii("２０２３ 年：")
'2023年：'
>>> display_width("ab合计")
6
"""

from __future__ import annotations

import functools
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from typing import TypeVar

_WHITESPACE = re.compile(r"\s+")

# Full-width ASCII → ASCII (digits, letters, punctuation); CJK punctuation such as （）is kept.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F) if chr(cp) not in "（），：；！？"}
_FULLWIDTH[0x3000] = 0x20

#: Letters an OCR engine or a PDF font reads for digits. Each caller applies it only where a
#: token is otherwise a number, so names and labels are never touched.
OCR_DIGITS: dict[str, str] = {
    "O": "0",
    "o": "0",
    "D": "0",
    "l": "1",
    "I": "1",
    "|": "1",
    "S": "5",
    "B": "8",
}
#: The confusable letters, in one string (for character classes: `re.escape(OCR_LETTERS)`).
OCR_LETTERS = "".join(OCR_DIGITS)
#: `OCR_DIGITS` as a `str.translate` table.
OCR_TABLE = str.maketrans(OCR_DIGITS)


def squash(text: str) -> str:
    """`text` without any whitespace (wraps, cell gaps, full-width spaces)."""
    return _WHITESPACE.sub("", text)


def fold_ascii(text: str) -> str:
    """`text` with full-width ASCII (digits, letters, punctuation but CJK （），：；！？ and the
    ideographic space) as ASCII; nothing else changes and the length stays the same."""
    return text.translate(_FULLWIDTH)


T = TypeVar("T")
_CELL_CHARS = 64  # the longest string `cell_memo` remembers
_MEMOS: list = []  # every cell_memo's cache, for `forget_cells`


def cell_memo(fn: Callable[[str], T]) -> Callable[[str], T]:
    """`fn`, a pure function of one string, remembering its results for strings of a table
    cell's length: tables call the same few on the same cell texts many times over (the 22
    Jiangsu PDFs: ~180,000 calls on ~20,000 distinct texts). Longer strings are not kept, so
    the memory stays a few MB."""
    remembered = functools.lru_cache(maxsize=1 << 16)(fn)

    @functools.wraps(fn)
    def call(text: str) -> T:
        return remembered(text) if len(text) <= _CELL_CHARS else fn(text)

    _MEMOS.append(remembered)
    return call


def forget_cells() -> None:
    """Empty every `cell_memo` (benchmarks time a first pass with it)."""
    for memo in _MEMOS:
        memo.cache_clear()


@cell_memo
def squash_ascii(text: str) -> str:
    """`squash(fold_ascii(text))`: a key under which full-width digits and colons compare equal
    to ASCII ones."""
    return squash(fold_ascii(text))


def display_width(text: str) -> int:
    """Columns `text` takes in a monospaced rendering (East Asian wide characters count 2)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class LineStarts:
    """Where the lines of a text start, for the line of an offset by bisection: a
    `text.rfind("\\n", 0, i)` per offset is quadratic on a long line with many offsets.

    >>> lines = LineStarts("ab\\ncd\\n")
    >>> lines.start_of(4), lines.newline_after(1), lines.newline_after(6)
    (3, 2, -1)
    """

    def __init__(self, text: str) -> None:
        self.starts = [0, *(m.end() for m in re.finditer("\n", text))]

    def start_of(self, i: int) -> int:
        """`text.rfind("\\n", 0, i) + 1`: the start of the line that holds offset `i`."""
        return self.starts[bisect_right(self.starts, i) - 1]

    def newline_after(self, i: int) -> int:
        """`text.find("\\n", i)`: the first newline at or after `i`, or -1."""
        k = bisect_right(self.starts, i)
        return self.starts[k] - 1 if k < len(self.starts) else -1
