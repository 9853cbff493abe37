"""Training text made by the tools that make real text: a synthetic document rendered to PDF,
then extracted by a PDF-to-text tool or read back by OCR from a degraded scan of it, with the
gold spans projected onto that tool's text.

Researchers' text comes from pdftotext, pdfminer, pdfplumber, PDFium and OCR engines, each
flattening a table its own way (benchmarks/TEXT_VS_PDF.md); a tagger that saw only our own
renderings of the layouts fails on theirs. Here each converter's output is aligned with the
document's own text, character by character (difflib's matching blocks, not string search;
then the words a tool printed out of order, where unambiguous), and a span is kept only when
every one of its characters lands, in order, with nothing but whitespace between them;
anything else is dropped and counted (`Projection.dropped`), so a converter that scrambles a
table costs spans, never wrong ones.

    rows = converted_rows(doc, ["pdftotext", "ocr"], workdir)   # corpus rows, `converter` set

Converters: pdfium (what `budget-ie` ingests), pdftotext and pdftotext-layout (poppler-utils),
pdfminer, pdfplumber and pdfplumber-layout (the `dev` extra), ocr (pdftoppm renders the
pages, `training.synth.scan` degrades them, `ie.ocr` reads them; needs a CJK font on the
machine, since the synthetic PDFs do not embed theirs). A converter whose tool is missing
raises `ConverterUnavailable` with what to install.
"""

from __future__ import annotations

import difflib
import functools
import itertools
import shutil
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ie.spans import Span
from training.synth.doc import SynthDoc

CONVERTERS = (
    "pdfium",
    "pdftotext",
    "pdftotext-layout",
    "pdfminer",
    "pdfplumber",
    "pdfplumber-layout",
    "ocr",
)


class ConverterUnavailable(RuntimeError):
    """The tool a converter needs is not installed here."""


@dataclass(frozen=True, slots=True)
class Projection:
    """Spans moved onto a converter's text, and how many could not be moved exactly."""

    spans: tuple[Span, ...]
    dropped: int


@functools.lru_cache(maxsize=4096)
def fold_char(ch: str) -> str:
    """One character as alignment compares it: its NFKC form when that is one character (a
    fullwidth digit or comma the source's noise wrote, which a PDF draws as ASCII), O and l as
    the digits they stand for. Folding keeps one character per character, so offsets hold."""
    folded = unicodedata.normalize("NFKC", ch)
    ch = folded if len(folded) == 1 else ch
    return {"O": "0", "l": "1"}.get(ch, ch)


def project_spans(source: str, spans: list[Span], target: str) -> Projection:
    """Move `spans` (offsets into `source`) onto `target`, the same document as another tool
    wrote it. Characters are aligned with difflib's longest matching blocks over the two texts
    with whitespace removed, then what a tool moved out of order is aligned piece by piece
    (`_moved_pieces`); a span survives only when all its non-space characters are aligned to
    consecutive non-space characters of `target`. Characters are compared folded (`fold_char`):
    the source's character noise (fullwidth digits, O for 0) is what a PDF draws as ASCII."""
    src_idx = [i for i, ch in enumerate(source) if not ch.isspace()]
    tgt_idx = [i for i, ch in enumerate(target) if not ch.isspace()]
    a = "".join(fold_char(source[i]) for i in src_idx)
    b = "".join(fold_char(target[i]) for i in tgt_idx)
    # autojunk off: in a budget document the frequent characters (万, 元, digits) are exactly
    # the ones that must align.
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    blocks = matcher.get_matching_blocks()
    where: dict[int, int] = {}
    for block in blocks:
        if block.size < _SHORT:
            continue
        for k in range(block.size):
            where[block.a + k] = block.b + k
    position = {i: k for k, i in enumerate(src_idx)}
    chars = [[position[i] for i in range(s.start, s.end) if i in position] for s in spans]
    # A span the monotone pass placed in pieces (its characters matched one by one inside text
    # the tool moved) is set free for the second pass, on both sides.
    for ks in chars:
        if not _landed(ks, where):
            for k in ks:
                where.pop(k, None)
    signature = _signatures(spans, chars)
    where.update(_moved_pieces(a, b, src_idx, tgt_idx, blocks, where, signature))
    kept, dropped = [], 0
    for span, ks in zip(spans, chars, strict=True):
        if not _landed(ks, where):
            dropped += 1
            continue
        start, end = tgt_idx[where[ks[0]]], tgt_idx[where[ks[-1]]] + 1
        kept.append(Span(start, end, span.label, target[start:end]))
    return Projection(tuple(kept), dropped)


def _landed(ks: list[int], where: dict[int, int]) -> bool:
    """Whether the characters `ks` are all aligned, to consecutive characters."""
    mapped = [where.get(k, -2) for k in ks]
    return bool(ks) and -2 not in mapped and all(y == x + 1 for x, y in itertools.pairwise(mapped))


# Matching blocks shorter than this are not taken in the first pass: a character or two
# matched inside text the tool moved, as often as not (pdfminer 0.067 → 0.055 dropped).
_SHORT = 4

# Matching blocks at least this long (non-space characters) fence the regions in which moved
# words are looked for: a tool reorders within a page or two, not across the document; the
# fences are long prose and titles, not the names column of the very table that moved.
# Measured on 6 documents (pdfminer's share of spans dropped): 12 → 0.24, 30 → 0.09,
# 60 → 0.06, 100 → 0.055.
_ANCHOR = 100


def _anchor(text: str) -> bool:
    """A matching block that fences: long, and holding words. A run of figures matches
    wherever the same figures repeat (a row "9.39 9.39 9.39" against a column of them)."""
    return len(text) >= _ANCHOR and sum(ch.isalpha() for ch in text) >= 4


def _signatures(spans: list[Span], chars: list[list[int]]) -> dict[int, tuple[str, int, int]]:
    """For each non-space source character inside a span (`chars`: each span's characters by
    their index without whitespace), the span's label and the character's place in it (how
    many of the span's characters come before and after it): two words of equal text are
    interchangeable only when their characters carry the same labels in the same places."""
    out: dict[int, tuple[str, int, int]] = {}
    for span, ks in zip(spans, chars, strict=True):
        for n, k in enumerate(ks):
            out[k] = (span.label, n, len(ks) - 1 - n)
    return out


def _pieces(aligned, idx: list[int], lo: int, hi: int, joined=None) -> list[tuple[int, int]]:
    """Maximal runs [s, e) of unaligned non-space characters in [lo, hi) that are one word of
    the text (no whitespace between them), or one span's (`joined`: the characters whose
    whitespace before them is inside a span, as the source's noise puts spaces into figures)."""
    out: list[tuple[int, int]] = []
    k = lo
    while k < hi:
        if k in aligned:
            k += 1
            continue
        e = k + 1
        while e < hi and e not in aligned and (idx[e] == idx[e - 1] + 1 or e in (joined or ())):
            e += 1
        out.append((k, e))
        k = e
    return out


def _moved_pieces(
    a: str,
    b: str,
    src_idx: list[int],
    tgt_idx: list[int],
    blocks: list,
    where: dict[int, int],
    signature: dict[int, tuple[str, int, int]],
) -> dict[int, int]:
    """A second pass for text a tool printed out of order (pdfminer prints a table's columns
    one after another): the monotone alignment leaves those words unaligned on both sides.
    Between two long matching blocks (`_anchor`), each unaligned source word (a run with no
    whitespace in it, or a span's characters) is paired with an unaligned target word of the
    same folded text when the two sides hold the same number of copies of it and the source
    copies all carry the same labels in the same places; copies pair in order. Equal text
    with equal labels: a pairing that swaps two copies gives the same training text, never a
    wrong label. Not a string search over the document: only within the fenced region, only
    exact whole words, only when unambiguous."""
    anchors = [blk for blk in blocks if _anchor(a[blk.a : blk.a + blk.size])]
    fences = [(0, 0), *((blk.a + blk.size, blk.b + blk.size) for blk in anchors)]
    ends = [(blk.a, blk.b) for blk in anchors] + [(len(a), len(b))]
    aligned_b = set(where.values())
    inside = {k for k, (_, before, _) in signature.items() if before}
    moved: dict[int, int] = {}
    for (sa, sb), (ea, eb) in zip(fences, ends, strict=True):
        if ea <= sa or eb <= sb:
            continue
        src = _pieces(where, src_idx, sa, ea, inside)
        tgt = _pieces(aligned_b, tgt_idx, sb, eb)
        if not src or not tgt:
            continue
        by_text: dict[str, list[tuple[int, int]]] = {}
        for s, e in tgt:
            by_text.setdefault(b[s:e], []).append((s, e))
        copies: dict[str, list[tuple[int, int]]] = {}
        for s, e in src:
            copies.setdefault(a[s:e], []).append((s, e))
        for text, found in copies.items():
            there = by_text.get(text, [])
            if len(there) != len(found):
                continue
            labels = {tuple(signature.get(k) for k in range(s, e)) for s, e in found}
            if len(labels) != 1:
                continue
            for (s, _), (t, _) in zip(found, there, strict=True):
                for k in range(len(text)):
                    moved[s + k] = t + k
    return moved


def convert(pdf: Path, converter: str) -> str:
    """The text `converter` makes of `pdf`."""
    if converter == "pdfium":
        from ie.ingest import ingest

        return ingest(pdf, ocr="never").text
    if converter in ("pdftotext", "pdftotext-layout"):
        if shutil.which("pdftotext") is None:
            raise ConverterUnavailable("pdftotext is missing: apt-get install poppler-utils")
        args = ["pdftotext", "-enc", "UTF-8"]
        if converter == "pdftotext-layout":
            args.append("-layout")
        done = subprocess.run([*args, str(pdf), "-"], capture_output=True, check=True)
        return done.stdout.decode("utf-8", errors="replace")
    if converter == "pdfminer":
        try:
            from pdfminer.high_level import extract_text
        except ImportError as exc:
            raise ConverterUnavailable("pdfminer.six is missing: pip install pdfminer.six") from exc
        return extract_text(str(pdf))
    if converter in ("pdfplumber", "pdfplumber-layout"):
        try:
            import pdfplumber
        except ImportError as exc:
            raise ConverterUnavailable("pdfplumber is missing: pip install pdfplumber") from exc
        with pdfplumber.open(str(pdf)) as doc:
            layout = converter == "pdfplumber-layout"
            return "\f".join(page.extract_text(layout=layout) or "" for page in doc.pages)
    if converter == "ocr":
        return _ocr_text(pdf)
    raise ValueError(f"unknown converter {converter!r}; choose from {', '.join(CONVERTERS)}")


def _ocr_text(pdf: Path) -> str:
    """Render with pdftoppm (system fonts: the synthetic PDFs do not embed theirs), degrade as a
    scan, and read back with `budget-ie`'s own OCR ingest."""
    import random

    from PIL import Image

    from ie.ingest import ingest
    from training.synth.scan import ScanNoise, degrade, write_scan_pdf

    if shutil.which("pdftoppm") is None:
        raise ConverterUnavailable("pdftoppm is missing: apt-get install poppler-utils")
    fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout
    if not fonts.strip():
        raise ConverterUnavailable(
            "the ocr converter needs a CJK font to render the synthetic PDFs "
            "(apt-get install fonts-noto-cjk)"
        )
    noise = ScanNoise()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["pdftoppm", "-r", str(noise.dpi), "-gray", "-png", str(pdf), f"{tmp}/p"],
            check=True,
            capture_output=True,
        )
        rng = random.Random(pdf.stem)
        pages = [degrade(Image.open(p), noise, rng) for p in sorted(Path(tmp).glob("p*.png"))]
        scan = write_scan_pdf(pages, Path(tmp) / "scan.pdf", noise.dpi)
        return ingest(scan).text


def converted_rows(doc: SynthDoc, converters: list[str], workdir: Path) -> list[dict]:
    """Corpus rows of `doc` as each converter extracts its PDF, gold spans projected; each row
    carries `converter` and `dropped` (spans that could not be projected)."""
    from training.synth.pdf import render_pdf

    pdf = Path(workdir) / f"{doc.doc_id}.pdf"
    render_pdf(doc.text, pdf, doc.layout)
    rows = []
    for name in converters:
        text = convert(pdf, name)
        projection = project_spans(doc.text, doc.spans, text)
        row = doc.row()
        row.update(
            doc_id=f"{doc.doc_id}~{name}",
            text=text,
            spans=[s.to_dict() for s in projection.spans],
            converter=name,
            dropped=projection.dropped,
        )
        rows.append(row)
    return rows


def dropped_share(rows: list[dict]) -> dict[str, float]:
    """Per converter: the share of gold spans dropped by the projection."""
    out: dict[str, list[int]] = {}
    for row in rows:
        kept, dropped = len(row["spans"]), row["dropped"]
        acc = out.setdefault(row["converter"], [0, 0])
        acc[0] += dropped
        acc[1] += kept + dropped
    return {name: d / t if t else 0.0 for name, (d, t) in out.items()}
