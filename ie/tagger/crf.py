"""The crf backend: a linear-chain CRF (sklearn-crfsuite) over characters, IOB2 labels.

Features are a pure function `char_features(chars, i) -> dict` over pre-computed `CharInfo`
(character, its class, jieba BMES tag, dictionary hit, the rules backend's tag, its place in
the line and tab cell, for a digit the dictionary category of the word after its run, the
characters across a column gap with their rules' tags, and whether its piece of text repeats
in a piece nearby: a 三级指标 and the 绩效指标描述 that restates it).
A model directory holds `model.crfsuite`, `tagger.json` (settings and the label map), and,
when written by training, `config.yaml` and `metrics.json`.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from ie.errors import ConfigError
from ie.schema import LABELS
from ie.spans import BIO_TAGS, Span, bio_tags
from ie.tagger import spans_from_bio
from ie.tagger.rules import RulesTagger
from ie.tokenize import Tokenizer, char_class

MODEL_FILE = "model.crfsuite"
TAGGER_FILE = "tagger.json"


def _seed_c_rand(seed: int) -> None:
    """Seed the C library's rand(), which CRFsuite's trainers shuffle with (see `seed`)."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c") or ctypes.util.find_library("msvcrt")
    try:
        libc = ctypes.CDLL(name)
    except OSError:  # no C library to load: training stays correct, only less repeatable
        return
    libc.srand(ctypes.c_uint(seed))


@dataclass(frozen=True, slots=True)
class CRFSettings:
    """Hyper-parameters of the CRF and its features."""

    # lbfgs: L1+L2 regularised maximum likelihood (slow, sparse model); l2sgd: SGD with L2, a
    # few epochs reach lbfgs's F1 in about a fifth of the time on large corpora; ap: averaged
    # perceptron, fastest, a little less accurate.
    algorithm: Literal["lbfgs", "l2sgd", "ap"] = "lbfgs"
    c1: float = 0.1  # lbfgs only
    c2: float = 0.05  # lbfgs and l2sgd
    max_iterations: int = 100  # iterations (lbfgs) or epochs (l2sgd, ap)
    all_possible_transitions: bool = True
    use_rules: bool = True  # the rules backend's tag as a feature
    window: int = 2  # characters either side used as features
    max_chunk_chars: int = 2000  # sequences are cut at blank lines, then lines, to this size
    # Training reads each distinct (features, tags) chunk once: generated corpora repeat whole
    # chunks (headers, notes), 11 % of the characters of 1,000 synthetic documents.
    skip_duplicate_chunks: bool = False
    # CRFsuite's ap and l2sgd shuffle the training sequences with the C library's rand(), whose
    # state is the process's: without seeding it, the same recipe gave different models
    # depending on what the process had run before (OpenCV, an earlier training).
    seed: int = 0


@dataclass(frozen=True, slots=True)
class CharInfo:
    """One character with everything `char_features` reads about it."""

    ch: str
    cls: str
    bmes: str
    dict_hit: str
    rule: str
    col: int  # tab cell index in its line
    cell_pos: int  # index of the character inside its cell
    line_pos: int  # index of the character inside its line
    cells: int = 1  # tab cells in its line (1: no tab)
    # for a digit: the dictionary category of the first word after its run of digits and the
    # blanks after them ("201 中国共产党…" DEPT heads a table, "201 一般公共服务支出" FUNC is a
    # coded row), "" where none
    after: str = ""
    # attributes of the nearest characters across a column gap (see `_across_gaps`)
    across: tuple[str, ...] = ()
    # how the character's piece of text repeats in the pieces around it (`_repeats`), flags
    repeat: int = 0


def annotate(text: str, tokenizer: Tokenizer, rules: RulesTagger | None) -> list[CharInfo]:
    """CharInfo for every character of `text` (the rules run on the whole text: they need its
    layout context)."""
    columns = next(_Annotation(text, tokenizer, rules).chunks([(0, len(text))]), None)
    return [columns.info(i) for i in range(len(columns))] if columns else []


class _Annotation:
    """What `annotate` reads about each character of a text, one byte per character (jieba's
    BMES tag, dictionary category, the rules' tag as indices), so that the per-character
    columns (`_Columns`) are made for one chunk at a time: for a whole text of millions of
    characters they would be gigabytes."""

    def __init__(self, text: str, tokenizer: Tokenizer, rules: RulesTagger | None) -> None:
        self.text = text
        # The characters as the attributes show them: a line padded out to the page's width
        # with spaces (pdfplumber's layout text) reads as the line ending where its ink does,
        # as other tools print it. Same length: positions and offsets are the text's.
        self.view = _PADDING.sub(lambda m: "\n" * len(m.group()), text)
        n = len(text)
        self.categories = tokenizer.category_names
        self.bmes, self.hits = tokenizer.word_marks(text)
        self.rule = _tag_ids(n, rules.predict(text)) if rules else bytearray(n)
        self.repeat = _repeats(text)

    def chunks(self, bounds: Iterable[tuple[int, int]]) -> Iterator[_Columns]:
        """The annotation of `text[a:b]` for each of `bounds` (in text order, not
        overlapping), as columns; the place in line and cell carries over from the characters
        before."""
        text, cats = self.text, self.categories
        col = cell_pos = line_pos = 0
        pos = 0
        line = [-1, -1, 1]  # the line `_cells_in_lines` measured last
        for a, b in bounds:
            for ch in self.view[pos:a]:  # between chunks: only the positions move on
                col, cell_pos, line_pos = _step(ch, col, cell_pos, line_pos)
            chars = self.view[a:b]
            cols, cells, lines = [], [], []
            widths = _cells_in_lines(text, a, b, line)
            classes = [_char_class(ch) for ch in chars]
            hits = [cats[h] for h in self.hits[a:b]]
            for ch in chars:  # `_step`, inlined: one call a character was a third of this
                cols.append(col)
                cells.append(cell_pos)
                lines.append(line_pos)
                if ch == "\n" or ch == "\f":
                    col = cell_pos = line_pos = 0
                elif ch == "\t":
                    col, cell_pos, line_pos = col + 1, 0, line_pos + 1
                else:
                    cell_pos += 1
                    line_pos += 1
            yield _Columns(
                chars,
                classes,
                self.bmes[a:b].decode("ascii"),
                hits,
                [BIO_TAGS[r] for r in self.rule[a:b]],
                cols,
                cells,
                lines,
                widths,
                _word_after_digits(classes, hits),
                _across_gaps(text, self.rule, a, b),
                self.repeat[a:b],
            )
            pos = b


@dataclass(frozen=True, slots=True)
class _Columns:
    """`CharInfo` of a chunk's characters, one sequence per field (what `chunk_features`
    reads without making an object per character)."""

    ch: Sequence[str]
    cls: Sequence[str]
    bmes: Sequence[str]
    dict_hit: Sequence[str]
    rule: Sequence[str]
    col: Sequence[int]
    cell_pos: Sequence[int]
    line_pos: Sequence[int]
    cells: Sequence[int]
    after: Sequence[str]
    across: Sequence[tuple[str, ...]]
    repeat: Sequence[int]

    def __len__(self) -> int:
        return len(self.ch)

    def info(self, i: int) -> CharInfo:
        return CharInfo(
            self.ch[i], self.cls[i], self.bmes[i], self.dict_hit[i], self.rule[i],
            self.col[i], self.cell_pos[i], self.line_pos[i], self.cells[i], self.after[i],
            self.across[i], self.repeat[i],
        )  # fmt: skip

    @classmethod
    def of(cls, chars: Sequence[CharInfo]) -> _Columns:
        return cls(*([getattr(c, name) for c in chars] for name in CharInfo.__slots__))


_char_class = functools.lru_cache(maxsize=1 << 16)(char_class)


def _word_after_digits(classes: Sequence[str], hits: Sequence[str]) -> list[str]:
    """`CharInfo.after` for each character of a chunk, from the characters' classes and
    dictionary categories: a digit takes the category of the first character after its run of
    digits and the blanks that follow it, on the same line (none: "")."""
    out = [""] * len(classes)
    look = ""  # the category of the first non-blank character after the one at hand
    for j in range(len(classes) - 1, -1, -1):
        kind = classes[j]
        if kind in ("space", "tab"):
            continue
        if kind == "digit":
            out[j] = out[j + 1] if j + 1 < len(classes) and classes[j + 1] == "digit" else look
            look = ""
        else:
            look = hits[j] if kind != "newline" else ""
    return out


_PADDING = re.compile(r"[ \u3000]+(?=[\r\n\f]|\Z)")
_BLANKS = frozenset(" \t\n\r\f\u3000")
_BLANK_RUN = re.compile(r"[ \t\n\r\f\u3000]+")


def _across_gaps(text: str, rule: bytearray, a: int, b: int) -> list[tuple[str, ...]]:
    """For each character of `text[a:b]` next to a column gap (a tab, a line break, two or
    more spaces: whatever separates cells in that tool's text), the character across the gap
    and the rules' tag there; () for the others. The ±2 window sees only blanks where a
    layout-preserving tool pads columns, or where a tool puts each cell on its own line; the
    neighbouring cell is the same across every tool's separator (`rule`: the rules' tags of
    the whole text as `_tag_ids`)."""
    out: list[tuple[str, ...]] = [()] * (b - a)
    lo, hi = a, b
    while lo > 0 and text[lo - 1] in _BLANKS:
        lo -= 1
    while hi < len(text) and text[hi] in _BLANKS:
        hi += 1
    for m in _BLANK_RUN.finditer(text, lo, hi):
        s, e = m.span()
        if e - s < 2 and text[s] == " ":
            continue  # one space: noise inside a cell as often as a gap
        if a <= e < b and s > 0:
            k = e - a
            out[k] += ("gap-", "ink-1:" + _show(text[s - 1]), "irule-1:" + BIO_TAGS[rule[s - 1]])
        if a <= s - 1 < b and e < len(text):
            k = s - 1 - a
            out[k] += ("gap+", "ink+1:" + _show(text[e]), "irule+1:" + BIO_TAGS[rule[e]])
    return out


# `_repeats` flags: the piece is found in a piece after it (the next one, or one of the few
# after that), or holds one before it; the same two for a piece equal to the other.
_IN_NEXT, _IN_LATER, _HOLDS_PREV, _HOLDS_EARLIER, _SAME_NEXT, _SAME_PREV = (
    1 << k for k in range(6)
)
_REPEAT_NAMES = {_IN_NEXT: "in_next", _IN_LATER: "in_later", _HOLDS_PREV: "holds_prev",
                 _HOLDS_EARLIER: "holds_earlier", _SAME_NEXT: "same_next",
                 _SAME_PREV: "same_prev"}  # fmt: skip
_REPEAT_ATTRS = [
    ["rep:" + name for flag, name in _REPEAT_NAMES.items() if bits & flag] for bits in range(64)
]
_PIECE = re.compile(r"\S+")
_REPEAT_REACH = 4  # pieces either side: a tool printing a table column by column puts a
# 三级指标 a few pieces before its 绩效指标描述


def _repeats(text: str) -> bytearray:
    """Per character, flags of how its piece (a run of text between blanks) repeats in the
    pieces around it. A 三级指标 whose 绩效指标描述 restates it ("调研课题次数", then
    "严格控制调研课题次数") is found in a later piece (within `_REPEAT_REACH`), the description
    holds an earlier one; of two equal cells the first is "same_next", the second "same_prev".
    Pieces without two Chinese characters take no flag (figures and codes repeat for other
    reasons). Every tool prints the two cells near each other, in whichever order it reads a
    table (row by row, column by column): a cue that survives layouts the character window
    cannot see across. (Flags for a column of 科目 codes, "204" / "20406" / "2040601", were
    tried the same way and left out: held-out pdfminer CODE F1 0.859 without, 0.767 with.)"""
    pieces = [
        m for m in _PIECE.finditer(text) if sum(_char_class(ch) == "cjk" for ch in m.group()) >= 2
    ]
    words = [m.group() for m in pieces]
    bits = [0] * len(words)
    for k, word in enumerate(words):  # each pair once, flagged on both its pieces
        for j in range(k + 1, min(k + 1 + _REPEAT_REACH, len(words))):
            if words[j] == word:
                bits[k] |= _SAME_NEXT
                bits[j] |= _SAME_PREV
            elif len(word) >= 3 and word in words[j]:
                bits[k] |= _IN_NEXT if j == k + 1 else _IN_LATER
                bits[j] |= _HOLDS_PREV if j == k + 1 else _HOLDS_EARLIER
    flags = bytearray(len(text))
    for m, b in zip(pieces, bits, strict=True):
        if b:
            flags[m.start() : m.end()] = bytes([b]) * (m.end() - m.start())
    return flags


def _cells_in_lines(text: str, a: int, b: int, line: list[int] | None = None) -> list[int]:
    """For each character of `text[a:b]`, the number of tab cells of its line (the whole
    line, also where it runs past the chunk); a line break counts with the line it ends.
    `line` ([start, end, cells] of the last line measured) carries over between the chunks of
    one text, so a line cut into many chunks (one very long line) is measured once, not once
    a chunk: linear in the text, not quadratic."""
    line = line if line is not None else [-1, -1, 1]
    out: list[int] = []
    i = a
    while i < b:
        if not line[0] <= i <= line[1]:
            # searched only between the last line measured and the next line break: a search
            # over the whole text for each line would be quadratic in the number of lines
            lo = line[1] + 1 if line[1] < i else 0
            start = max(text.rfind("\n", lo, i), text.rfind("\f", lo, i), lo - 1) + 1
            end = text.find("\n", i)
            end = len(text) if end < 0 else end
            ff = text.find("\f", i, end)
            end = end if ff < 0 else ff
            line[:] = [start, end, text.count("\t", start, end) + 1]
        upto = min(line[1] + 1, b)
        out.extend([line[2]] * (upto - i))
        i = upto
    return out


def _step(ch: str, col: int, cell_pos: int, line_pos: int) -> tuple[int, int, int]:
    """(tab cell index, place in cell, place in line) of the character after `ch`."""
    if ch in "\n\f":
        return 0, 0, 0
    if ch == "\t":
        return col + 1, 0, line_pos + 1
    return col, cell_pos + 1, line_pos + 1


_TAG_ID = {tag: k for k, tag in enumerate(BIO_TAGS)}


def _tag_ids(length: int, spans: Iterable[Span]) -> bytearray:
    """`bio_tags(length, spans)` as indices into BIO_TAGS (0 is "O"), one byte each."""
    ids = bytearray(length)
    for span in sorted(spans):
        if span.end > length or any(ids[span.start : span.end]):
            continue
        ids[span.start] = _TAG_ID[f"B-{span.label}"]
        ids[span.start + 1 : span.end] = bytes([_TAG_ID[f"I-{span.label}"]]) * (
            span.end - span.start - 1
        )
    return ids


# Whitespace characters as names, so attributes stay readable in a model dump.
_SHOWN = {"\n": "NL", "\t": "TAB", " ": "SP", "\f": "FF", "\r": "CR", "\u3000": "SP"}


def _show(ch: str) -> str:
    return _SHOWN.get(ch, ch)


def char_features(chars: Sequence[CharInfo], i: int, window: int = 2) -> list[str]:
    """CRFsuite attributes of character `i` as `name:value` strings (binary features: the
    name alone, present when true): n-grams around it, classes, BMES, dictionary and rule
    tags, and its position in line and cell. Pure: depends only on `chars` and `i`.

    Strings rather than dicts: python-crfsuite reads `{"c": "6"}` as the attribute `c:6`, so
    the two are the same model input, and lists of strings are cheaper to build and to pass
    between processes (training makes tens of millions of them)."""
    c = chars[i]
    ch = _show(c.ch)
    f = [
        "bias",
        "c:" + ch,
        "cls:" + c.cls,
        "bmes:" + c.bmes,
        f"bmes_cls:{c.bmes}|{c.cls}",
        "dict:" + (c.dict_hit or "-"),
        "rule:" + c.rule,
        f"col:{min(c.col, 8)}",
        f"cell_pos:{min(c.cell_pos, 4)}",
    ]
    if c.line_pos == 0:
        f.append("line_start")
    if c.cell_pos == 0:
        f.append("cell_start")
    if c.after:
        f.append("after:" + c.after)
    f.extend(c.across)
    if c.repeat:
        f.extend(_REPEAT_ATTRS[c.repeat])
    n = len(chars)
    for d in range(1, window + 1):
        for sign, j in (("-", i - d), ("+", i + d)):
            if 0 <= j < n:
                o = chars[j]
                f.append(f"c{sign}{d}:{_show(o.ch)}")
                f.append(f"cls{sign}{d}:{o.cls}")
                if d == 1:
                    f.append(f"rule{sign}1:{o.rule}")
                    f.append(f"bmes{sign}1:{o.bmes}")
            else:
                f.append(f"c{sign}{d}:<pad>")
    prev = _show(chars[i - 1].ch) if i > 0 else "<pad>"
    nxt = _show(chars[i + 1].ch) if i + 1 < n else "<pad>"
    f.append(f"bi-:{prev}{ch}")
    f.append(f"bi+:{ch}{nxt}")
    f.append(f"tri:{prev}{ch}{nxt}")
    before = chars[i - 2].rule if i >= 2 else "O"
    after = chars[i + 2].rule if i + 2 < n else "O"
    f.extend(_wide_context(c.col, c.cells, before, after))
    return f


def _wide_context(col: int, cells: int, before: str, after: str) -> list[str]:
    """Attributes that read further than the window, only where they say something: the tab
    cell's index among its line's `cells` (column 4 of 4 is a 指标值, of 6 a 绩效指标描述), and
    the rules' tags two characters `before` and `after` when not O (a code's digits before a
    department's name, "201 中国共产党…", head a table; "201 一般公共服务支出" is a row)."""
    out = []
    if cells > 1:
        out.append(f"colx:{min(col, 8)}|{min(cells, 9)}")
    if before != "O":
        out.append(f"rule-2:{before}")
    if after != "O":
        out.append(f"rule+2:{after}")
    return out


def chunk_features(chars: Sequence[CharInfo] | _Columns, window: int = 2) -> list[list[str]]:
    """`char_features` of every character of `chars`, the same lists in the same order, built
    column by column. Training makes ~25 attributes for each of ten million characters; one
    list comprehension per attribute kind is about three times faster than a call per
    character (tests check the two agree)."""
    c = chars if isinstance(chars, _Columns) else _Columns.of(chars)
    n = len(c)
    reach = max(window, 1)  # the bigrams and trigram look one character either side
    lo, hi = reach, n - reach
    if hi <= lo:
        infos = [c.info(i) for i in range(n)]
        return [char_features(infos, i, window) for i in range(n)]
    shown = list(map(_SHOWN.get, c.ch, c.ch))
    cls, bmes, rule = c.cls, c.bmes, c.rule
    rows = [
        list(r)
        for r in zip(
            itertools.repeat("bias"),
            map(_ATTR["c:"], shown),
            map(_ATTR["cls:"], cls),
            map(_ATTR["bmes:"], bmes),
            map(_ATTR["bmes_cls:"], zip(bmes, cls, strict=True)),
            map(_ATTR["dict:"], c.dict_hit),
            map(_ATTR["rule:"], rule),
            [_COL[k] if k < 8 else "col:8" for k in c.col],
            [_CELL_POS[k] if k < 4 else "cell_pos:4" for k in c.cell_pos],
        )
    ]
    for row, line_pos, cell_pos, after, across, repeat in zip(
        rows, c.line_pos, c.cell_pos, c.after, c.across, c.repeat, strict=True
    ):
        if line_pos == 0:
            row.append("line_start")
        if cell_pos == 0:
            row.append("cell_start")
        if after:
            row.append("after:" + after)
        if across:
            row.extend(across)
        if repeat:
            row.extend(_REPEAT_ATTRS[repeat])
    # Characters with every neighbour inside the chunk: context columns as slices.
    context: list[Iterable[str]] = []
    for d in range(1, window + 1):
        for sign, off in (("-", -d), ("+", d)):
            part = slice(lo + off, hi + off)
            context.append(map(_ATTR[f"c{sign}{d}:"], shown[part]))
            context.append(map(_ATTR[f"cls{sign}{d}:"], cls[part]))
            if d == 1:
                context.append(map(_ATTR[f"rule{sign}1:"], rule[part]))
                context.append(map(_ATTR[f"bmes{sign}1:"], bmes[part]))
    mid = shown[lo:hi]
    prev, nxt = shown[lo - 1 : hi - 1], shown[lo + 1 : hi + 1]
    context.append(map(_ATTR["bi-:"], zip(prev, mid, strict=True)))
    context.append(map(_ATTR["bi+:"], zip(mid, nxt, strict=True)))
    context.append(map(_ATTR["tri:"], zip(prev, mid, nxt, strict=True)))
    for row, extra in zip(rows[lo:hi], zip(*context, strict=True), strict=True):
        row.extend(extra)
    # Wider context, sparse (most characters have none): only the characters it applies to.
    tagged = [j for j in range(max(0, lo - 2), min(n, hi + 2)) if rule[j] != "O"]
    todo = {i for i in range(lo, hi) if c.cells[i] > 1}
    todo.update(i for j in tagged for i in (j - 2, j + 2) if lo <= i < hi)
    for i in sorted(todo):
        before = rule[i - 2] if i >= 2 else "O"
        after = rule[i + 2] if i + 2 < n else "O"
        rows[i].extend(_wide_context(c.col[i], c.cells[i], before, after))
    # The first and last `reach` characters, whose context runs off the chunk, one at a time
    # over the characters they can see.
    head = [c.info(i) for i in range(min(n, lo + reach))]
    for i in range(lo):
        rows[i] = char_features(head, i, window)
    start = max(0, hi - reach)
    tail = [c.info(i) for i in range(start, n)]
    for i in range(hi, n):
        rows[i] = char_features(tail, i - start, window)
    return rows


class _Attribute(dict):
    """The attribute strings of one feature by value ("c-1:" + "预"), each made once and then
    looked up: a dictionary lookup is about three times faster than building the string, and
    training makes ~25 of them for each of ten million characters. A value is a string or a
    tuple of strings (joined by `sep`). Bounded: it starts afresh past `_ATTRIBUTE_VALUES`."""

    def __init__(self, name: str, sep: str = "") -> None:
        super().__init__()
        self.name, self.sep = name, sep

    def __missing__(self, value: str | tuple[str, ...]) -> str:
        if len(self) >= _ATTRIBUTE_VALUES:
            self.clear()
        text = value if isinstance(value, str) else self.sep.join(value)
        # "-": the dictionary category of a character in no dictionary term (the only value
        # that can be empty)
        attr = self[value] = self.name + (text or "-")
        return attr


_ATTRIBUTE_VALUES = 1 << 18


class _Attributes(dict):
    """`_Attribute` lookups by feature name, made on first use (windows wider than 2 too)."""

    def __missing__(self, name: str) -> Callable[[str | tuple[str, ...]], str]:
        lookup = self[name] = _Attribute(name, "|" if name == "bmes_cls:" else "").__getitem__
        return lookup


_ATTR = _Attributes()
_COL = [f"col:{k}" for k in range(8)]
_CELL_POS = [f"cell_pos:{k}" for k in range(4)]


def chunk_bounds(text: str, max_chars: int) -> list[tuple[int, int]]:
    """Cut `text` into `[start, end)` pieces covering it: at blank lines and page breaks, then
    at line ends while a piece is longer than `max_chars`."""
    bounds: list[tuple[int, int]] = []
    start = 0
    for m in re.finditer(r"\n\s*\n|\f", text):
        bounds += _cut_lines(text, start, m.end(), max_chars)
        start = m.end()
    bounds += _cut_lines(text, start, len(text), max_chars)
    return [(a, b) for a, b in bounds if b > a]


def _cut_lines(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    out = []
    while end - start > max_chars:
        cut = text.rfind("\n", start, start + max_chars)
        cut = start + max_chars if cut <= start else cut + 1
        out.append((start, cut))
        start = cut
    out.append((start, end))
    return out


_Labelled = tuple[list[list[str]], list[str]]
_worker_tagger: CRFTagger | None = None


def _init_worker(settings: CRFSettings, terms: tuple) -> None:
    global _worker_tagger
    _worker_tagger = CRFTagger(settings=settings, tokenizer=Tokenizer(terms))


# Separators for shipping features between processes: one string per chunk instead of a list
# of ~25 strings per character, because unpickling tens of millions of small strings in the
# process that feeds CRFsuite was the slowest step of training. The text is checked to hold
# neither separator (else the chunk travels as plain lists).
_ITEM_SEP, _ATTR_SEP = "\x1e", "\x1f"
_Packed = tuple[str | list[list[str]], list[str]]


def _pack(features: list[list[str]]) -> str:
    return _ITEM_SEP.join(_ATTR_SEP.join(item) for item in features)


def _unpack(packed: str | list[list[str]]) -> list[list[str]]:
    if not isinstance(packed, str):
        return packed
    return [item.split(_ATTR_SEP) for item in packed.split(_ITEM_SEP)] if packed else []


def _worker_sequences(doc: tuple[str, list[Span]]) -> list[_Packed]:
    assert _worker_tagger is not None
    text = doc[0]
    pack = _ITEM_SEP not in text and _ATTR_SEP not in text
    return [(_pack(x) if pack else x, y) for x, y in _worker_tagger.labelled_sequences(*doc)]


def _parallel_sequences(
    docs: Iterable[tuple[str, list[Span]]], settings: CRFSettings, terms: tuple, workers: int
) -> Iterator[_Packed]:
    """`labelled_sequences` of each document, in order (features packed, see `_pack`),
    computed by `workers` processes with at most 2 × `workers` documents in flight (features
    are large: an unbounded queue would hold the corpus's features in memory when CRFsuite
    reads slower than they are made)."""
    it = iter(docs)
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(settings, terms)) as ex:
        pending: deque[Future[list[_Packed]]] = deque(
            ex.submit(_worker_sequences, doc) for doc in itertools.islice(it, 2 * workers)
        )
        while pending:
            done = pending.popleft().result()
            for doc in itertools.islice(it, 1):
                pending.append(ex.submit(_worker_sequences, doc))
            yield from done


def _distinct(pairs: Iterable[_Packed], counts: dict[str, int]) -> Iterator[_Packed]:
    """`pairs` without repeats of a (features, tags) chunk; `counts` hears how many were
    read and skipped. Keys are Python's 64-bit string hashes (this process only): a false
    repeat among ~10⁵ chunks has a chance of about 10⁻⁹."""
    seen: set[int] = set()
    for x, y in pairs:
        counts["chunks"] += 1
        key = hash((x if isinstance(x, str) else _pack(x), *y))
        if key in seen:
            counts["duplicate_chunks_skipped"] += 1
            continue
        seen.add(key)
        yield x, y


@dataclass
class CRFTagger:
    """A CRF over characters behind the Tagger protocol. Train with `fit`, or `load` a model."""

    settings: CRFSettings = field(default_factory=CRFSettings)
    tokenizer: Tokenizer = field(default_factory=Tokenizer)
    model_path: Path | None = None
    _crf: object | None = field(default=None, repr=False)
    # After `fit`: chunks read, and repeats skipped when settings.skip_duplicate_chunks.
    fit_counts: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._rules = RulesTagger(self.tokenizer.terms) if self.settings.use_rules else None

    def sequences(self, text: str) -> list[tuple[int, int, list[list[str]]]]:
        """(start, end, features) per chunk of `text`."""
        return list(self.iter_sequences(text))

    def iter_sequences(self, text: str) -> Iterator[tuple[int, int, list[list[str]]]]:
        """`sequences(text)` one chunk at a time: a chunk's features (~25 strings a
        character) are made when it is read, so memory holds one chunk's, not the text's."""
        annotation = _Annotation(text, self.tokenizer, self._rules)
        bounds = chunk_bounds(text, self.settings.max_chunk_chars)
        for (a, b), chars in zip(bounds, annotation.chunks(bounds), strict=True):
            yield a, b, chunk_features(chars, self.settings.window)

    def labelled_sequences(self, text: str, spans: Sequence[Span]) -> list[_Labelled]:
        """(features, IOB2 tags) per chunk of a labelled document: what training reads."""
        tags = bio_tags(len(text), spans)
        return [(feats, tags[a:b]) for a, b, feats in self.sequences(text)]

    def fit(
        self, docs: Iterable[tuple[str, list[Span]]], model_path: Path, workers: int = 1
    ) -> CRFTagger:
        """Train on (text, gold spans) pairs; the model file is written to `model_path`.
        `workers` > 1 computes features in that many processes while CRFsuite reads them."""
        import sklearn_crfsuite

        pairs: Iterable[_Packed]
        if workers > 1:
            pairs = _parallel_sequences(docs, self.settings, self.tokenizer.terms, workers)
        else:
            pairs = (p for text, spans in docs for p in self.labelled_sequences(text, spans))
        self.fit_counts = {"chunks": 0, "duplicate_chunks_skipped": 0}
        if self.settings.skip_duplicate_chunks:
            pairs = _distinct(pairs, self.fit_counts)
        # Streamed into CRFsuite one chunk at a time: holding every chunk's feature dicts in
        # Python first costs gigabytes on a corpus of a few hundred documents.
        stream = ((_unpack(x), y) for x, y in pairs)
        first = next(stream, None)
        if first is None:
            raise ConfigError("no training text: the training data holds no documents")
        xs, ys = itertools.tee(itertools.chain([first], stream))
        model_path.parent.mkdir(parents=True, exist_ok=True)
        algo = self.settings.algorithm
        crf = sklearn_crfsuite.CRF(
            algorithm=algo,
            c1=self.settings.c1 if algo == "lbfgs" else None,
            c2=self.settings.c2 if algo in ("lbfgs", "l2sgd") else None,
            max_iterations=self.settings.max_iterations,
            all_possible_transitions=self.settings.all_possible_transitions,
            model_filename=str(model_path),
        )
        _seed_c_rand(self.settings.seed)
        crf.fit((x for x, _ in xs), (y for _, y in ys))
        self._crf, self.model_path = crf, model_path
        return self

    def predict(self, text: str) -> list[Span]:
        """Spans of `text`, each scored by the mean marginal probability of its tags."""
        if self._crf is None:
            raise ConfigError("this CRF tagger has no model; call fit() or CRFTagger.load(dir)")
        spans: list[Span] = []
        # CRFsuite's own tagger, not sklearn-crfsuite's predict_single + predict_marginals_single:
        # those convert the features twice and ask for the marginal of every label at every
        # character (42 % of tagging time); only the chosen tag's marginal is a span's score.
        tagger = self._crf.tagger_  # type: ignore[attr-defined]
        for a, b, feats in self.iter_sequences(text):
            if not feats:
                continue
            tagger.set(feats)
            tags = tagger.tag()
            # A span's score reads its own characters' marginals only: none for an "O".
            scores = [0.0 if t == "O" else tagger.marginal(t, i) for i, t in enumerate(tags)]
            for s in spans_from_bio(text[a:b], tags, scores):
                spans.append(Span(s.start + a, s.end + a, s.label, s.text, s.score))
        return spans

    def save(self, directory: Path) -> Path:
        """Write `tagger.json` (settings, label map) next to the model file in `directory`."""
        directory.mkdir(parents=True, exist_ok=True)
        if self.model_path is None or self.model_path.parent.resolve() != directory.resolve():
            raise ConfigError(f"train the model into {directory / MODEL_FILE} before saving there")
        meta = {"backend": "crf", "model_file": MODEL_FILE, "settings": asdict(self.settings),
                "labels": list(LABELS), "tags": list(BIO_TAGS)}  # fmt: skip
        (directory / TAGGER_FILE).write_text(
            json.dumps(meta, ensure_ascii=False, indent=2), "utf-8"
        )
        return directory

    @classmethod
    def load(cls, directory: Path, tokenizer: Tokenizer | None = None) -> CRFTagger:
        """Load a model directory written by `save`. Raises ConfigError when it is not one."""
        meta_path, model_file = directory / TAGGER_FILE, directory / MODEL_FILE
        if not meta_path.is_file() or not model_file.is_file():
            raise ConfigError(
                f"{directory} is not a CRF model directory (needs {TAGGER_FILE} and {MODEL_FILE}); "
                "train one with `budget-ie train --config configs/crf.yaml`"
            )
        meta = json.loads(meta_path.read_text("utf-8"))
        try:
            settings = CRFSettings(**meta["settings"])
        except TypeError as exc:
            raise ConfigError(f"{meta_path}: settings do not fit this version ({exc})") from exc
        tagger = cls(settings=settings, tokenizer=tokenizer or Tokenizer(), model_path=model_file)
        tagger._crf = _OpenedModel.open(model_file)
        return tagger


@dataclass(frozen=True, slots=True)
class _OpenedModel:
    """A model file opened with python-crfsuite's Tagger, which is all `predict` reads
    (`tagger_`, as sklearn-crfsuite's CRF names it). sklearn-crfsuite imports scikit-learn,
    SciPy and pandas, ~155 MB in every worker that only tags; it is needed to train."""

    model_file: Path
    tagger_: object

    @classmethod
    def open(cls, model_file: Path) -> _OpenedModel:
        import pycrfsuite  # python-crfsuite, installed with sklearn-crfsuite

        tagger = pycrfsuite.Tagger()
        tagger.open(str(model_file))
        return cls(model_file, tagger)

    def __reduce__(self) -> tuple:
        return _OpenedModel.open, (self.model_file,)  # pickled as the file, opened again
