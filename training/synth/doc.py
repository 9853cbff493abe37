"""`SynthDoc`: one generated document, the type that the corpus writer and the PDF renderer
both pass around (its own module, so that neither imports the other for it)."""

from __future__ import annotations

from dataclasses import dataclass

from ie.schema import Disclosure
from ie.spans import Span


@dataclass(frozen=True)
class SynthDoc:
    """One generated document: text, exact gold spans, gold record, and how it was made."""

    doc_id: str
    text: str
    spans: tuple[Span, ...]
    record: Disclosure
    layout: str
    noise: float
    family: str

    def row(self) -> dict:
        """The corpus row: doc_id, text, spans, record (JSON string), layout, noise, family."""
        return {
            "doc_id": self.doc_id,
            "text": self.text,
            "spans": [s.to_dict() for s in self.spans],
            "record": self.record.to_json(indent=None),
            "layout": self.layout,
            "noise": float(self.noise),
            "family": self.family,
        }
