"""spaCy pipeline component `budget_ie`: sets `doc.ents` with budget-ie's labels.

    import spacy
    nlp = spacy.blank("zh")
    nlp.add_pipe("budget_ie", config={"backend": "rules"})
    [(e.text, e.label_) for e in nlp("2023年预算收入686.71万元").ents]

spaCy finds the factory through the `spacy_factories` entry point (pyproject.toml), so nothing
needs importing first. Entities come from the chosen tagger backend over `doc.text`; a span that
does not fall on token boundaries is widened to the tokens it touches, and of overlapping spans
the longest is kept (spacy.util.filter_spans).
"""

from __future__ import annotations

from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import filter_spans

from ie.pipeline import DEFAULT_BACKEND
from ie.schema import LABELS


class BudgetIEComponent:
    """Runs a budget-ie tagger over a Doc and writes its spans to `doc.ents`."""

    def __init__(self, backend: str = DEFAULT_BACKEND, model_path: str | None = None) -> None:
        from ie.pipeline import shipped_model
        from ie.tagger import get_tagger

        path = Path(model_path) if model_path else None
        if path is None and backend != "rules":
            path = shipped_model(backend)
        self.backend = backend
        self.tagger = get_tagger(backend, path)
        self.labels = LABELS

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for span in self.tagger.predict(doc.text):
            ent = doc.char_span(span.start, span.end, label=span.label, alignment_mode="expand")
            if ent is not None:
                spans.append(ent)
        doc.ents = filter_spans(spans)
        return doc


@Language.factory(
    "budget_ie",
    default_config={"backend": DEFAULT_BACKEND, "model_path": None},
    assigns=["doc.ents"],
)
def make_budget_ie(
    nlp: Language, name: str, backend: str, model_path: str | None
) -> BudgetIEComponent:
    """spaCy factory: `nlp.add_pipe("budget_ie", config={"backend": ..., "model_path": ...})`."""
    return BudgetIEComponent(backend, model_path)
