"""Fairness audit: does a document's text still state every value its gold record holds?

    python -m training.synth.audit [-n 30] [--seed 0] [--noise high] [--layout space] [--pdf]

A gold value is *recoverable* when it occurs in the document's text after the comparison
normalization of SCHEMA.md (NFKC, whitespace removed, >= -> ≥, [ ] -> 〔 〕) plus the two OCR
digit confusions a reader can undo in a number (O -> 0, l -> 1 between digits). Numbers must
stand alone (no digit or separator glued on either side), in 万元 or in 元, with or without
thousands separators. What is not recoverable is unfair to any extractor.
"""

from __future__ import annotations

import argparse
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from ie.evaluate.metrics import norm_text
from ie.schema import Disclosure

FIELDS = ("key_figures", "tables", "projects", "indicators", "redactions")
_OCR_DIGIT = re.compile(r"(?<=[\d.,])[Ol]|[Ol](?=[\d.,])")


def normalized(text: str) -> str:
    """The comparison form of a text, with OCR letter-for-digit confusions undone."""
    out = norm_text(text) or ""
    return _OCR_DIGIT.sub(lambda m: "0" if m.group() == "O" else "1", out)


def number_forms(value: float) -> set[str]:
    """How a 万元 value can be printed: 万元 or 元, 2 decimals or stripped, with or without
    thousands separators."""
    forms: set[str] = set()
    for v in (value, value * 10000):
        v = round(v, 2)
        for s in (f"{v:.2f}", f"{v:,.2f}"):
            forms.add(s)
            if "." in s:
                forms.add(s.rstrip("0").rstrip("."))
    return forms


def in_pieces(value: str, text: str, reach: int = 300) -> bool:
    """Whether `value` can be read from `text` as pieces in order, each piece within `reach`
    characters after the one before (greedy: the longest piece that occurs there first). The
    first piece is tried at each place it occurs (a cell's first words may also stand in an
    earlier cell, a project's name in its goal)."""
    n = len(value)
    while n and value[:n] not in text:
        n -= 1
    if n == 0 or (n < 2 and len(value) > 1):
        return False
    at = text.find(value[:n])
    while at >= 0:
        if _rest_in_pieces(value[n:], text, at + n, reach):
            return True
        at = text.find(value[:n], at + 1)
    return False


def _rest_in_pieces(value: str, text: str, start: int, reach: int) -> bool:
    while value:
        window = text[start : start + reach]
        n = len(value)
        while n and value[:n] not in window:
            n -= 1
        if n == 0:
            return False
        start += window.index(value[:n]) + n
        value = value[n:]
    return True


def has_number(text: str, value: float) -> bool:
    """True when `value` (万元) stands alone somewhere in `text` (NFKC, OCR digits undone,
    whitespace kept: a wrap inside a number may split it, a column gap ends it)."""
    value = abs(value)
    for s in number_forms(value):
        body = r"\s*".join(map(re.escape, s))
        if re.search(r"(?<![\d.,])" + body + r"(?![\d]|[.,]\d)", text):
            return True
    return False


@dataclass
class Audit:
    """Per-field counts of gold items found / checked, with up to `keep` examples of misses."""

    found: Counter = field(default_factory=Counter)
    total: Counter = field(default_factory=Counter)
    misses: dict[str, list[str]] = field(default_factory=dict)
    keep: int = 5

    def add(self, fld: str, ok: bool, what: str) -> None:
        self.total[fld] += 1
        self.found[fld] += ok
        if not ok and len(self.misses.setdefault(fld, [])) < self.keep:
            self.misses[fld].append(what)

    def rates(self) -> dict[str, float]:
        """Share of gold items recoverable, per field (1.0 where nothing was checked)."""
        return {
            f: round(self.found[f] / self.total[f], 4) if self.total[f] else 1.0 for f in FIELDS
        }


def audit_record(text: str, record: Disclosure, audit: Audit | None = None) -> Audit:
    """Check every scored gold item of `record` against `text`; returns the (updated) Audit."""
    audit = audit or Audit()
    norm = normalized(text)
    spaced = _OCR_DIGIT.sub(
        lambda m: "0" if m.group() == "O" else "1", unicodedata.normalize("NFKC", text)
    )

    def has(s: str | None) -> bool:
        return not s or (normalized(s) in norm)

    def has_pieces(s: str | None) -> bool:
        """Found whole, or in pieces in order with other text between them: a cell wrapped
        in a table printed row by row (its lines side by side with its neighbours')."""
        return has(s) or in_pieces(normalized(s or ""), norm)

    for key, v in record.key_figures.items():
        audit.add("key_figures", has_number(spaced, v), f"{key}={v}")
    for t in record.tables:
        if t.kind not in ("expense_by_function", "basic_expense_by_economic"):
            continue
        for r in t.rows:
            if r.code:
                audit.add("tables", has(r.code), f"{t.kind} code {r.code}")
            for col, v in r.values.items():
                audit.add("tables", has_number(spaced, v), f"{t.kind} {r.code or r.name} {col}={v}")
    for p in record.projects:
        audit.add("projects", has(p.name), p.name)
    for ind in record.indicators:
        cells = (ind.level1, ind.level2, ind.level3, ind.target, ind.basis)
        bad = [c for c in cells if not has_pieces(c)]
        audit.add("indicators", not bad, f"{ind.project}: {bad}")
    for r in record.redactions:
        audit.add("redactions", has(r.project) and has(r.marker), f"{r.project}/{r.scope}")
    return audit


def audit_documents(docs: Iterable[tuple[str, Disclosure]]) -> Audit:
    """Audit (text, gold record) pairs together."""
    audit = Audit()
    for text, record in docs:
        audit_record(text, record, audit)
    return audit


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=30)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--noise", default="high")
    ap.add_argument("--layout", default=None)
    ap.add_argument("--pdf", action="store_true", help="audit the text ingest reads from the PDF")
    args = ap.parse_args()
    from training.synth import generate_document

    def docs() -> Iterable[tuple[str, Disclosure]]:
        for i in range(args.n):
            d = generate_document(args.seed * 100_000 + i, noise=args.noise, layout=args.layout)
            if args.pdf:
                import tempfile
                from pathlib import Path

                from ie.ingest import ingest
                from training.synth.pdf import write_pdf

                with tempfile.TemporaryDirectory() as tmp:
                    yield ingest(write_pdf(d, Path(tmp))).text, d.record
            else:
                yield d.text, d.record

    audit = audit_documents(docs())
    print(json.dumps({"rates": audit.rates(), "checked": dict(audit.total)}, ensure_ascii=False))
    for f, xs in audit.misses.items():
        print(f, "misses e.g.:", "; ".join(xs))


if __name__ == "__main__":
    main()
