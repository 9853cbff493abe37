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
_OCR = {
    "0": "O",
    "O": "0",
    "1": "l",
    "l": "1",
    "≥": ">=",
    "≤": "<=",
    "〔": "[",
    "〕": "]",
    "5": "S",
    "8": "B",
    "：": ":",
    "。": "o",
    "（": "(",
    "）": ")",
}


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
    text = doc.text
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
                if ch in _OCR:
                    edits.append(Edit(i, i + 1, _OCR[ch]))
            elif not textual or ch.isspace():
                continue
            elif x < t_drop:
                edits.append(Edit(i, i + 1, ""))
            elif x < t_dup:
                edits.append(Edit(i + 1, i + 1, ch))
            elif "\u4e00" <= ch <= "\u9fff" and i + 1 < r.end:
                edits.append(Edit(i + 1, i + 1, " "))
    return edits
