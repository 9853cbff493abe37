"""Weak supervision: real, unlabelled disclosures labelled by the rules backend.

The hand-written rules (`ie.tagger.rules`) are the labelling functions: each PDF is read by the
converters a researcher uses (`training.synth.convert`), the rules tag every text, and what they
are sure of becomes training rows for the CRF, mixed with the synthetic corpus at a weight
(`weak` and `weak_weight` in a training recipe, configs/crf.yaml). Real prose and real table
layouts then reach training, not only what our generator draws.

A CRF learns from every character: a character outside every span is taught as O. So a span
the rules are unsure of (score below `min_score`) is not simply dropped — that would teach its
text as O — the lines it touches are left out of the training text instead (with any span that
reaches into them), so what the rules were unsure of is never taught either way. So are the
lines with a project-like word (经费, 资金, 专项, 项目) that no PROJECT span covers
(`unnamed_projects`): the rules name few of a real disclosure's projects, and the ones they miss
must not be taught as O.

    rows = weak_rows([Path("pdfs/")], converters=("pdfium", "pdftotext"), min_score=0.75)
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ie.ingest import ingest
from ie.spans import Span
from ie.tagger.rules import RulesTagger
from training.synth.convert import ConverterUnavailable, convert

# Below this the rules' own scores are guesses (a bare figure's AMOUNT is 0.7, a 经费 name
# found by its suffix alone 0.7); at it, every span the rules make on the Jiangsu PDFs is kept.
MIN_SCORE = 0.7
_LINE = re.compile(r"[^\n]*\n|[^\n]+$")


@dataclass(frozen=True, slots=True)
class WeakText:
    """One text with the spans the rules are sure of, and how much of it was left out."""

    text: str
    spans: tuple[Span, ...]
    lines_left_out: int


def unnamed_projects(text: str, spans: Sequence[Span]) -> list[tuple[int, int]]:
    """Where `text` reads like a project's name that no PROJECT span covers: a 经费 / 资金 /
    专项 / 项目 word outside every PROJECT span (not 项目支出 or 项目名称, which every budget
    states). The rules name few of a real disclosure's projects; taught as O, the ones they
    miss would teach the model to miss them too."""
    named = [(s.start, s.end) for s in spans if s.label == "PROJECT"]
    return [
        m.span()
        for m in _PROJECT_WORD.finditer(text)
        if not any(a <= m.start() and m.end() <= b for a, b in named)
    ]


_PROJECT_WORD = re.compile(r"经费|资金|专项|项目(?!支出|名称)")


def confident_text(
    text: str,
    spans: Sequence[Span],
    min_score: float = MIN_SCORE,
    unsure: Sequence[tuple[int, int]] = (),
) -> WeakText:
    """`text` without the lines that hold a span scored below `min_score` or a range of
    `unsure` (or a piece of a span that reaches into such a line), and the remaining spans
    moved onto what is left."""
    lines = [m.span() for m in _LINE.finditer(text)]
    starts = [a for a, _ in lines]

    def lines_of(span: Span | tuple[int, int]) -> range:
        start, end = (span.start, span.end) if isinstance(span, Span) else span
        return range(_index(starts, start), _index(starts, max(start, end - 1)) + 1)

    out = {k for s in spans if s.score < min_score for k in lines_of(s)}
    out.update(k for r in unsure for k in lines_of(r))
    changed = True
    while changed:  # a kept span that reaches into a line left out goes too, with its lines
        changed = False
        for s in spans:
            reach = lines_of(s)
            if any(k in out for k in reach) and not all(k in out for k in reach):
                out.update(reach)
                changed = True
    shift, pieces, moved = 0, [], {}
    for k, (a, b) in enumerate(lines):
        if k in out:
            shift += b - a
        else:
            pieces.append(text[a:b])
            moved[k] = shift
    kept_text = "".join(pieces)
    kept = []
    for s in spans:
        reach = lines_of(s)
        if reach[0] in out:
            continue
        d = moved[reach[0]]
        kept.append(Span(s.start - d, s.end - d, s.label, s.text, s.score))
    return WeakText(kept_text, tuple(kept), len(out))


def _index(starts: list[int], pos: int) -> int:
    """The index of the line that holds offset `pos`."""
    return max(0, bisect_right(starts, pos) - 1)


def sources(paths: Iterable[Path]) -> list[Path]:
    """The PDFs and .txt files named, folders searched recursively, in a stable order."""
    found: list[Path] = []
    for p in paths:
        if p.is_dir():
            found += sorted(q for q in p.rglob("*") if q.suffix.lower() in (".pdf", ".txt"))
        elif p.is_file():
            found.append(p)
        else:
            raise FileNotFoundError(f"{p}: no such file or folder")
    return found


def weak_rows(
    paths: Iterable[Path],
    converters: Sequence[str] = ("pdfium",),
    min_score: float = MIN_SCORE,
    progress: Callable[[int, int], None] | None = None,
    on_skip: Callable[[Path, str], None] | None = None,
    text_only: bool = False,
) -> Iterator[dict]:
    """Training rows (`training.train` reads them like the synthetic corpus's) from real
    disclosures: each PDF as each converter reads it, each .txt as it is; spans from the rules
    backend, what they are unsure of left out (`confident_text`). A row carries `weak: true`,
    its `converter` ("text" for a .txt), its `source` and `lines_left_out`. A file no tool
    can read (damaged, encrypted, empty) is skipped and `on_skip(path, why)` told; a
    converter whose tool is missing raises `ConverterUnavailable`. With `text_only` each row
    is the whole text without spans (unlabelled text for configs/pretrain-mlm.yaml)."""
    files = sources(paths)
    tagger = RulesTagger()
    for n, path in enumerate(files, 1):
        try:
            texts = (
                [("text", ingest(path).text)]  # UTF-8, GB18030 or UTF-16, as `extract` reads
                if path.suffix.lower() == ".txt"
                else [(name, convert(path, name)) for name in converters]
            )
        except ConverterUnavailable:
            raise
        except Exception as exc:  # each tool fails its own way on a bad file
            if on_skip:
                on_skip(path, f"{type(exc).__name__}: {exc}".strip())
            continue
        for name, text in texts:
            if text_only:
                if text.strip():
                    yield {"doc_id": f"text:{path.stem}~{name}", "text": text, "spans": [],
                           "converter": name, "source": str(path)}  # fmt: skip
                continue
            spans = tagger.predict(text)
            weak = confident_text(text, spans, min_score, unnamed_projects(text, spans))
            if not weak.spans:
                continue  # nothing the rules are sure of: not a disclosure, or unreadable
            yield {
                "doc_id": f"weak:{path.stem}~{name}",
                "text": weak.text,
                "spans": [s.to_dict() for s in weak.spans],
                "converter": name,
                "source": str(path),
                "weak": True,
                "lines_left_out": weak.lines_left_out,
            }
        if progress:
            progress(n, len(files))
