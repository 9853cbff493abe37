"""Mentions and the source text around them: what an error row of a report shows.

`Mention` is a labelled range of the source text; `span_context` cuts the window around a gold
and/or predicted mention into a `Context` (kept apart from scoring so that ie.evaluate.metrics
can name it without importing the span scorer).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import pairwise


@dataclass(frozen=True, slots=True)
class Mention:
    """A labelled range `[start, end)` of the source text; `text` is for display only."""

    label: str
    start: int
    end: int
    text: str = ""

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.label, self.start, self.end)

    def overlaps(self, other: Mention) -> bool:
        return self.start < other.end and other.start < self.end


# Line breaks and tabs are shown as visible one-character marks, so offsets inside a window
# stay those of the source and a row of the report stays one block.
_VISIBLE = str.maketrans({"\n": "⏎", "\f": "⏎", "\t": "⇥"})


def _context(text: str, start: int, end: int, width: int = 20) -> tuple[str, str, str]:
    """(before, item, after): `text[start:end]` and up to `width` characters either side."""
    return (
        text[max(0, start - width) : start].translate(_VISIBLE),
        text[start:end].translate(_VISIBLE),
        text[end : end + width].translate(_VISIBLE),
    )


@dataclass(frozen=True, slots=True)
class Context:
    """The source text around an error row: `before`, `item`, `after`, line breaks shown as ⏎.

    `item` covers the gold and the predicted extent together (a boundary error shows both);
    `gold`/`pred` are the two mentions (source offsets, `text` filled in), None for a side the
    row lacks; `start` is the source offset of `item`. `str()` is the plain window.
    """

    before: str
    item: str
    after: str
    start: int
    gold: Mention | None = None
    pred: Mention | None = None

    def __str__(self) -> str:
        return self.before + self.item + self.after

    def runs(self) -> list[tuple[str, str]]:
        """`item` cut into (text, whose) runs; whose is "gold", "pred", "both" or "" (a gap)."""

        def inside(m: Mention | None, at: int) -> bool:
            return m is not None and m.start <= at < m.end

        sides = [m for m in (self.gold, self.pred) if m is not None]
        bounds = {x - self.start for m in sides for x in (m.start, m.end)}
        cuts = sorted({0, len(self.item)} | {x for x in bounds if 0 < x < len(self.item)})
        out = []
        for a, b in pairwise(cuts):
            at = self.start + a
            side = (inside(self.gold, at), inside(self.pred, at))
            out.append((self.item[a:b], _WHOSE[side]))
        return out


_WHOSE = {(True, True): "both", (True, False): "gold", (False, True): "pred", (False, False): ""}


def span_context(
    text: str | None, gold: Mention | None, pred: Mention | None, width: int = 20
) -> Context | None:
    """The context of an error row (a gold and/or a predicted mention); None without text."""
    sides = [m for m in (gold, pred) if m is not None]
    if text is None or not sides:
        return None
    start, end = min(m.start for m in sides), max(m.end for m in sides)

    def filled(m: Mention | None) -> Mention | None:
        return None if m is None else replace(m, text=m.text or text[m.start : m.end])

    return Context(*_context(text, start, end, width), start, filled(gold), filled(pred))
