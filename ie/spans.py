"""`Span`: a labelled character range, the currency between tagger, corpora and evaluation."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ie.errors import AlignmentError
from ie.schema import LABELS


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """`text[start:end] == self.text`, end-exclusive, with one of the labels in ie.schema.LABELS."""

    start: int
    end: int
    label: str
    text: str
    score: float = 1.0

    def __post_init__(self) -> None:
        if self.label not in LABELS:
            raise AlignmentError(f"unknown label {self.label!r}; valid labels: {', '.join(LABELS)}")
        if not 0 <= self.start < self.end or self.end - self.start != len(self.text):
            raise AlignmentError(
                f"span {self.start}:{self.end} does not fit its text {self.text!r}"
            )

    @classmethod
    def on(cls, text: str, label: str, start: int, end: int, score: float = 1.0) -> Span:
        """A span over `text[start:end]`, checked against the text it claims to come from."""
        if not 0 <= start < end <= len(text):
            raise AlignmentError(
                f"span {start}:{end} lies outside a text of {len(text)} characters"
            )
        return cls(start, end, label, text[start:end], score)

    def check(self, text: str) -> None:
        """Raise AlignmentError unless `text[start:end] == self.text`."""
        if text[self.start : self.end] != self.text:
            raise AlignmentError(
                f"{self.label} span {self.start}:{self.end} reads {text[self.start : self.end]!r}, "
                f"not {self.text!r}"
            )

    def to_dict(self) -> dict:
        return {"label": self.label, "start": self.start, "end": self.end, "text": self.text}


def read_spans(path: str | Path) -> list[Span]:
    """Read a `*.spans.jsonl` file: one `{label, start, end, text}` object per line."""
    spans = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            spans.append(
                Span(obj["start"], obj["end"], obj["label"], obj["text"], obj.get("score", 1.0))
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise AlignmentError(f"{path}:{n}: not a span line ({exc})") from exc
    return sorted(spans)


def write_spans(spans: Iterable[Span], path: str | Path) -> None:
    """Write spans as JSONL, one `{label, start, end, text}` object per line."""
    with Path(path).open("w", encoding="utf-8") as fh:
        for span in spans:
            fh.write(json.dumps(span.to_dict(), ensure_ascii=False) + "\n")


#: The IOB2 tag set over LABELS, in a fixed order: "O" first, then B-/I- per label.
BIO_TAGS: tuple[str, ...] = ("O", *(f"{p}-{label}" for label in LABELS for p in "BI"))


def bio_tags(length: int, spans: Iterable[Span]) -> list[str]:
    """IOB2 tags for a text of `length` characters; of overlapping spans the first is kept."""
    tags = ["O"] * length
    for span in sorted(spans):
        if span.end > length or any(t != "O" for t in tags[span.start : span.end]):
            continue
        tags[span.start] = f"B-{span.label}"
        for i in range(span.start + 1, span.end):
            tags[i] = f"I-{span.label}"
    return tags


def iter_bio(text: str, spans: Iterable[Span]) -> Iterator[tuple[str, str]]:
    """Yield (char, tag) pairs in IOB2 over `text`; overlapping spans keep the first."""
    yield from zip(text, bio_tags(len(text), spans), strict=True)


def decode_bio(tags: Sequence[str]) -> list[tuple[str, int, int]]:
    """(label, start, end) of each entity in an IOB2 sequence, end-exclusive.

    Strict IOB2 as seqeval's strict mode reads it: an entity starts at B-X and continues over
    I-X; an I-X that does not continue an entity of label X starts none.

    >>> decode_bio(["B-AMOUNT", "I-AMOUNT", "O", "I-CODE", "B-CODE"])
    [('AMOUNT', 0, 2), ('CODE', 4, 5)]
    """
    out: list[tuple[str, int, int]] = []
    label, start = None, 0
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, name = tag.partition("-")
        if label is not None and not (prefix == "I" and name == label):
            out.append((label, start, i))
            label = None
        if prefix == "B":
            label, start = name, i
    return out
