"""The noise model: what PDF-to-text and OCR do to a disclosure, at a level from 0 to 1.

Every transform returns `Edit`s applied through `textbuf.apply_edits`, so gold spans stay exact.
Named levels: none 0, low 0.15, medium 0.4, high 0.75.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ie.errors import ConfigError
from training.synth.textbuf import Edit, Labelled, apply_edits

NOISE_LEVELS = {"none": 0.0, "low": 0.15, "medium": 0.4, "high": 0.75}

_FULL = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}  # ASCII -> full width
_HALF = {v: k for k, v in _FULL.items()}
_HALF.update({"（": "(", "）": ")", "：": ":", "，": ",", "；": ";"})
# OCR confusions a reader can undo: letters for digits inside numbers and codes (O/0, l/1), and
# symbols whose ASCII spelling the comparison rules unify (>= for ≥, [ ] for 〔 〕). Confusions
# that change a value for good (5 -> S, 8 -> B) are not made: no extractor could recover them.
_OCR_DIGITS = {"0": "O", "1": "l"}
_OCR_SYMBOLS = {
    "≥": ">=",
    "≤": "<=",
    "〔": "[",
    "〕": "]",
    "：": ":",
    "（": "(",
    "）": ")",
}
_OCR_PROSE = {**_OCR_SYMBOLS, "。": "o", "O": "0", "l": "1"}
# labels whose text is a number or a code: digit confusions stay readable there
_NUMERIC_LABELS = frozenset({"AMOUNT", "CODE"})
# drops and duplicates stay this far from any labelled span: the words that name a figure
# ("一般公共预算收入") come just before its amount and must survive for the figure to be read
_DAMAGE_MARGIN_BEFORE = 16
_DAMAGE_MARGIN_AFTER = 2


def noise_level(noise: str | float) -> float:
    """A named level or a float in [0, 1] -> float. Raises ConfigError otherwise."""
    if isinstance(noise, str):
        if noise in NOISE_LEVELS:
            return NOISE_LEVELS[noise]
        try:
            noise = float(noise)
        except ValueError:
            raise ConfigError(
                f"unknown noise level {noise!r}; use one of {', '.join(NOISE_LEVELS)} "
                "or a number from 0 to 1"
            ) from None
    if not 0.0 <= float(noise) <= 1.0:
        raise ConfigError(f"noise level {noise} is outside 0..1")
    return float(noise)


@dataclass(frozen=True)
class NoiseConfig:
    """Probabilities derived from one level knob."""

    level: float

    @property
    def wrap_p(self) -> float:  # a text cell wrapped in tab/space layouts
        return 0.6 * self.level

    @property
    def num_break_p(self) -> float:  # "686. 71", "53.7 3"
        return 0.5 * self.level

    @property
    def code_break_p(self) -> float:  # "2013 1", "2080 501"
        return 0.5 * self.level

    @property
    def width_p(self) -> float:  # full/half-width swap per eligible char
        return 0.08 * self.level

    @property
    def ocr_p(self) -> float:
        return 0.01 * self.level

    @property
    def drop_p(self) -> float:
        return 0.004 * self.level

    @property
    def dup_p(self) -> float:
        return 0.004 * self.level

    @property
    def cjk_space_p(self) -> float:
        return 0.03 * self.level

    @property
    def row_split_p(self) -> float:
        return min(0.9, 0.1 + 0.8 * self.level)

    def rows_per_page(self, rng: random.Random) -> int:
        hi = int(40 - 28 * self.level)
        return rng.randint(max(4, hi // 3), max(5, hi))


def add_noise(doc: Labelled, cfg: NoiseConfig, layout: str, rng: random.Random) -> Labelled:
    """Apply wraps and broken numbers/codes (by region), then character noise."""
    doc = apply_edits(doc, _wrap_edits(doc, cfg, layout, rng))
    if cfg.level > 0:
        doc = apply_edits(doc, _char_edits(doc, cfg, rng))
    return doc


def _wrap_edits(doc: Labelled, cfg: NoiseConfig, layout: str, rng: random.Random) -> list[Edit]:
    edits: list[Edit] = []
    text = doc.text
    wrap_sep = "\n" if layout == "cell" else " "
    prose_width = rng.randint(22, 40) if layout == "cell" else 0
    cell_width = rng.randint(6, 14)
    for r in doc.regions:
        n = r.end - r.start
        if r.kind == "num" and n >= 3 and rng.random() < cfg.num_break_p:
            seg = text[r.start : r.end]
            k = seg.index(".") + 1 if "." in seg and rng.random() < 0.4 else rng.randint(1, n - 1)
            if k < n:
                edits.append(Edit(r.start + k, r.start + k, rng.choice([" ", " ", wrap_sep])))
        elif r.kind == "code" and n >= 4 and rng.random() < cfg.code_break_p:
            k = 4 if n > 4 else rng.randint(1, n - 1)
            edits.append(Edit(r.start + k, r.start + k, " " if layout != "cell" else wrap_sep))
        elif r.kind == "cell" and n >= 4:
            if layout == "cell" and n > cell_width * 2:
                width = cell_width * 2
            elif rng.random() < cfg.wrap_p:
                width = rng.randint(2, max(2, min(8, n - 1)))
            else:
                continue
            sep = wrap_sep if layout != "tab" or rng.random() < 0.1 else " "
            for k in range(r.start + width, r.end, width):
                # a wrap beside a space would read as a column gap ("2000  件")
                if not (text[k - 1].isspace() or text[k].isspace()):
                    edits.append(Edit(k, k, sep))
        elif r.kind == "prose" and prose_width:
            line_start = r.start
            k = r.start + prose_width
            while k < r.end:
                nl = text.find("\n", line_start, k)
                if nl >= 0:
                    line_start = nl + 1
                    k = line_start + prose_width
                    continue
                edits.append(Edit(k, k, "\n"))
                line_start = k
                k += prose_width
    return edits


def _char_edits(doc: Labelled, cfg: NoiseConfig, rng: random.Random) -> list[Edit]:
    """Width swaps, OCR confusions, drops, duplicates and CJK spaces, kept recoverable: a gold
    value (labelled span, number or code cell) is never dropped, duplicated or misread beyond
    what the comparison rules and a digit-context reader undo; no space lands next to another
    (two spaces are a column gap in the space layout)."""
    text, ids, labels = doc.text, doc.ids, doc.labels
    protected = _protected(ids, len(text))
    edits: list[Edit] = []
    rand = rng.random
    # cumulative thresholds: one draw per character picks at most one kind of damage
    t_width = cfg.width_p
    t_ocr = t_width + cfg.ocr_p
    t_drop = t_ocr + cfg.drop_p
    t_dup = t_drop + cfg.dup_p
    t_space = t_dup + cfg.cjk_space_p
    for r in doc.regions:
        textual = r.kind in ("prose", "cell")
        for i in range(r.start, r.end):
            x = rand()
            if x >= t_space:
                continue
            ch = text[i]
            if x < t_width:
                if ch in _FULL or ch in _HALF:
                    edits.append(Edit(i, i + 1, _FULL.get(ch) or _HALF[ch]))
            elif x < t_ocr:
                sid = ids[i]
                if sid >= 0:
                    numeric = labels[sid] in _NUMERIC_LABELS
                    table = {**_OCR_SYMBOLS, **_OCR_DIGITS} if numeric else _OCR_SYMBOLS
                else:
                    table = _OCR_PROSE if textual else {**_OCR_SYMBOLS, **_OCR_DIGITS}
                if ch in table:
                    edits.append(Edit(i, i + 1, table[ch]))
            elif x < t_dup:
                # OCR character loss: only in running text, away from every labelled value
                if r.kind == "prose" and not protected[i] and not ch.isspace() and not ch.isdigit():
                    edits.append(Edit(i, i + 1, "") if x < t_drop else Edit(i + 1, i + 1, ch))
            elif (
                textual
                and "\u4e00" <= ch <= "\u9fff"
                and i + 1 < r.end
                and not text[i + 1].isspace()
                and not (i > 0 and text[i - 1].isspace())
            ):
                edits.append(Edit(i + 1, i + 1, " "))
    return edits


def _protected(ids: list[int], n: int) -> bytearray:
    """1 for characters in or near a labelled span (see _DAMAGE_MARGIN_*), else 0."""
    out = bytearray(n)
    i = 0
    while i < n:
        if ids[i] < 0:
            i += 1
            continue
        j = i
        while j < n and ids[j] >= 0:
            j += 1
        lo, hi = max(0, i - _DAMAGE_MARGIN_BEFORE), min(n, j + _DAMAGE_MARGIN_AFTER)
        out[lo:hi] = b"\x01" * (hi - lo)
        i = j
    return out
