"""The whole pipeline, path in, Disclosure out: ingest → normalize → … → records."""

from __future__ import annotations

from pathlib import Path

from ie.ingest import Document, ingest
from ie.schema import Disclosure, Source


def source_of(doc: Document) -> Source:
    pages = len(doc.pages) if doc.format == "pdf" or len(doc.pages) > 1 else None
    return Source(path=doc.path, format=doc.format, pages=pages, sha256=doc.sha256)


def extract_document(doc: Document, backend: str = "rules") -> Disclosure:
    """Build the record of an ingested document."""
    return Disclosure(doc_id=doc.doc_id, source=source_of(doc))


def extract(path: str | Path, backend: str = "rules") -> Disclosure:
    """Ingest `path` and extract its record. Raises IngestError for unreadable input."""
    return extract_document(ingest(path), backend=backend)
