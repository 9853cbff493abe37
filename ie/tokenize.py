"""Tokens: jieba words (with the budget domain dictionary) and characters, with offsets.

One `Tokenizer` per pipeline: it owns its own `jieba.Tokenizer` instance, so adding the domain
dictionary never touches jieba's module-level singleton. The dictionary sources are the small
text files in `ie/data/` (classification subjects, indicator terms, department-name parts,
budget vocabulary).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Literal, NamedTuple

import jieba

from ie.errors import AlignmentError
from ie.lexicon import data_lines

TokenKind = Literal["word", "char"]
CharClass = Literal["digit", "cjk", "latin", "punct", "space", "tab", "newline", "other"]

# Dictionary file -> category; a term's category becomes a CRF feature ("dictionary hit").
DICTIONARY_FILES: dict[str, str] = {
    "functional_subjects.txt": "FUNC",
    "economic_subjects.txt": "ECON",
    "indicator_terms.txt": "IND",
    "dept_parts.txt": "DEPT",
    "budget_terms.txt": "BUDGET",
}
# A high frequency makes jieba keep a dictionary term whole instead of splitting it.
_TERM_FREQ = 50_000
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_PUNCT = re.compile(
    r"[\u3000-\u303f\uff00-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
    r"!-/:-@\[-`{-~“”‘’…—·•≥≤]"
)

logging.getLogger("jieba").setLevel(logging.WARNING)


@dataclass(frozen=True, slots=True)
class Token:
    """`text[start:end] == self.text` in the string it was cut from; end-exclusive."""

    text: str
    start: int
    end: int
    kind: TokenKind = "word"


@dataclass(frozen=True, slots=True)
class Term:
    """One dictionary entry: the term, its category (FUNC, ECON, IND, DEPT, BUDGET) and the
    section it was listed under in its file (e.g. L1, L2, HEADER, SUFFIX; "" when none)."""

    text: str
    category: str
    section: str = ""


def load_terms() -> tuple[Term, ...]:
    """Read every dictionary file in `ie/data/` into Terms (comments and blanks skipped)."""
    terms: list[Term] = []
    for name, category in DICTIONARY_FILES.items():
        section = ""
        for line in data_lines(name):
            if line.startswith("[") and line.endswith("]"):
                section = line[1:-1]
                continue
            terms.append(Term(line, category, section))
    return tuple(terms)


def char_class(ch: str) -> CharClass:
    """The class of one character: digit, cjk, latin, punct, space, tab, newline or other."""
    if ch == "\t":
        return "tab"
    if ch in "\n\r\f\v":
        return "newline"
    if ch.isspace():
        return "space"
    if ch.isdigit():
        return "digit"
    if _CJK.match(ch):
        return "cjk"
    if (ch.isascii() and ch.isalpha()) or "\uff21" <= ch <= "\uff5a":
        return "latin"
    if _PUNCT.match(ch):
        return "punct"
    return "other"


class Tokenizer:
    """jieba with the budget domain dictionary; one instance per pipeline.

    >>> tok = Tokenizer()
    >>> [t.text for t in tok.words("一般公共服务支出\\t590.67")][:2]
    ['一般公共服务支出', '\\t']
    """

    def __init__(self, terms: tuple[Term, ...] | None = None) -> None:
        self.terms = load_terms() if terms is None else terms
        self.categories: dict[str, str] = {}
        # Blocks seen recently (see `_block`), in two generations: when the newer is full it
        # becomes the older and the older is dropped, so the memory is bounded and what a
        # corpus keeps using (headers, 万元, item names) survives, unlike with a plain clear().
        self._memo: dict[str, _Block] = {}
        self._older: dict[str, _Block] = {}
        for term in self.terms:
            self.categories.setdefault(term.text, term.category)

    @cached_property
    def _jieba(self) -> jieba.Tokenizer:
        # Built lazily: loading jieba's dictionary costs ~1 s, and only the first call pays it.
        tk = jieba.Tokenizer()
        tk.initialize()
        for text in self.categories:
            tk.add_word(text, freq=_TERM_FREQ)
        return tk

    def words(self, text: str) -> list[Token]:
        """jieba words of `text` with offsets, checked against `text`.

        Raises AlignmentError when jieba's words do not re-assemble into `text`.
        """
        return list(self.iter_words(text))

    def iter_words(self, text: str) -> Iterator[Token]:
        """`words(text)` one at a time, jieba run on pieces of the text that end at a line
        break: its words never cross a line break (`jieba.Tokenizer.cut` splits at every
        character outside its word-character class, and a newline is one), so the words are
        the same, and jieba's per-call lists stay the size of a piece, not of the text.

        Raises AlignmentError when jieba's words do not re-assemble into `text`.
        """
        return _aligned(text, (w for block in self._blocks(text) for w in block.words))

    def forget(self) -> None:
        """Empty the memory of jieba's blocks (see `_block`; benchmarks time a first pass)."""
        self._memo.clear()
        self._older.clear()

    def word_marks(self, text: str) -> tuple[bytes, bytes]:
        """Two bytes per character of `text`, as two strings: the character's place in its
        jieba word (B, M, E or S, an ASCII letter) and the dictionary category of that word,
        an index into `category_names` (0: none). What the CRF reads of the words, without a
        Token per word.

        Raises AlignmentError when jieba's words do not re-assemble into `text`.
        """
        blocks = list(self._blocks(text))
        return b"".join(b.bmes for b in blocks), b"".join(b.categories for b in blocks)

    def _blocks(self, text: str) -> Iterator[_Block]:
        """jieba's blocks of `text` in order, cut (`_block`): what `jieba.Tokenizer.cut(text,
        HMM=True)` cuts, with the same words, taken a piece of `_PIECE_CHARS` at a time."""
        for start, end in _pieces(text, _PIECE_CHARS):
            for block in jieba.re_han_default.split(text[start:end]):
                if block:
                    yield self._block(block)

    @cached_property
    def category_names(self) -> tuple[str, ...]:
        """The dictionary categories, as `word_marks` numbers them (0 is none)."""
        return ("", *dict.fromkeys(self.categories.values()))

    @cached_property
    def _category_index(self) -> dict[str, int]:
        return {c: k for k, c in enumerate(self.category_names)}

    def _block(self, block: str) -> _Block:
        """jieba's words of one of its blocks, and their marks, remembered.

        jieba cuts a text block by block (runs of its word characters; the rest split at
        whitespace), each on its own, in pure Python; disclosures repeat their blocks (table
        headers, item names, 万元 …): 87 % of the blocks of the 22 Jiangsu PDFs were seen
        before in the same run."""
        marks = self._memo.get(block)
        if marks is None and (marks := self._older.get(block)) is not None:
            self._remember(block, marks)
        if marks is None:
            words = tuple(self._jieba.cut(block, HMM=True))
            if "".join(words) != block:
                raise AlignmentError(
                    f"jieba's words {words[:5]!r}… do not re-assemble into {block[:20]!r}; "
                    "report this input as a tokenizer bug"
                )
            index = self._category_index
            bmes = b"".join(
                b"S" if len(w) == 1 else b"B" + b"M" * (len(w) - 2) + b"E" for w in words
            )
            cats = b"".join(bytes([index[self.categories.get(w, "")]]) * len(w) for w in words)
            marks = _Block(words, bmes, cats)
            self._remember(block, marks)
        return marks

    def _remember(self, block: str, marks: _Block) -> None:
        if len(self._memo) >= _MEMO_BLOCKS:
            self._older, self._memo = self._memo, {}
        self._memo[block] = marks

    def chars(self, text: str) -> list[Token]:
        """One Token per character of `text`."""
        return [Token(ch, i, i + 1, "char") for i, ch in enumerate(text)]

    def bmes(self, text: str) -> list[str]:
        """A B/M/E/S tag per character of `text`, from its jieba words (S for 1-char words)."""
        return bmes_tags(self.words(text), len(text))

    def dictionary_hits(self, text: str, words: list[Token] | None = None) -> list[str]:
        """Per character, the dictionary category of the jieba word it sits in, or "".
        `words`: `self.words(text)` when the caller has it already."""
        out = [""] * len(text)
        for tok in self.words(text) if words is None else words:
            cat = self.categories.get(tok.text)
            if cat:
                out[tok.start : tok.end] = [cat] * (tok.end - tok.start)
        return out


# Characters per piece of text given to jieba at once (extended to the next line break).
_PIECE_CHARS = 1 << 16
_MEMO_BLOCKS = 50_000  # blocks a generation: ~20 MB each at most (~170 new blocks a document)


def _pieces(text: str, size: int) -> Iterator[tuple[int, int]]:
    """`[start, end)` pieces covering `text`, each at least `size` characters long (but the
    last) and ending right after a newline (or at the end of the text)."""
    start = 0
    while start < len(text):
        cut = text.find("\n", start + size - 1)
        end = len(text) if cut < 0 else cut + 1
        yield start, end
        start = end


class _Block(NamedTuple):
    words: tuple[str, ...]
    bmes: bytes
    categories: bytes


def _aligned(text: str, words: Iterator[str]) -> Iterator[Token]:
    """Place jieba's words, in order, on `text`; a word that is not the text at its place, or
    words that stop short of its end, are errors."""
    pos = 0
    for word in words:
        if not word or not text.startswith(word, pos):
            raise AlignmentError(
                f"jieba word {word!r} does not line up with the text at {pos} "
                f"({text[pos : pos + len(word)]!r}); report this input as a tokenizer bug"
            )
        yield Token(word, pos, pos + len(word), "word")
        pos += len(word)
    if pos != len(text):
        raise AlignmentError(
            f"jieba words cover {pos} of {len(text)} characters; "
            f"the rest is {text[pos : pos + 20]!r}"
        )


def bmes_tags(words: list[Token], length: int) -> list[str]:
    """B/M/E/S per character from word tokens covering `[0, length)`."""
    tags = ["S"] * length
    for tok in words:
        n = tok.end - tok.start
        if n > 1:
            tags[tok.start] = "B"
            tags[tok.start + 1 : tok.end - 1] = ["M"] * (n - 2)
            tags[tok.end - 1] = "E"
    return tags
