"""Public API: `generate_document` (one SynthDoc) and `generate_corpus` (a labelled corpus on
disk: JSONL per split, gold files, and a `datasets.DatasetDict` saved with `save_to_disk`)."""

from __future__ import annotations

import hashlib
import json
import random
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from ie.errors import ConfigError
from ie.schema import Disclosure, Source
from training.synth.content import generate_content
from training.synth.doc import SynthDoc
from training.synth.final import render_final
from training.synth.noise import NoiseConfig, add_noise, noise_level
from training.synth.render import LAYOUTS, PDF_LAYOUTS, Writer
from training.synth.templates import render_county, render_province

SPLITS = ("train", "validation", "test")
KINDS = ("budget", "final_accounts")


def generate_document(
    rng_or_seed: random.Random | int,
    *,
    noise: str | float = "medium",
    layout: str | None = None,
    doc_id: str | None = None,
    kind: str = "budget",
    drop_table: bool = False,
) -> SynthDoc:
    """Generate one disclosure from a seed (or a Random): content -> text -> noise.

    `layout` is tab, cell or space (drawn when None). `kind` is budget (部门预算, the county or
    province family) or final_accounts (部门决算, `training.synth.final`); with `drop_table` a
    决算 leaves one of its nine standard tables out (its gold record lists eight). Raises
    ConfigError for an unknown layout or kind.
    """
    if kind not in KINDS:
        raise ConfigError(f"unknown kind {kind!r}; valid kinds: {', '.join(KINDS)}")
    rng = rng_or_seed if isinstance(rng_or_seed, random.Random) else random.Random(rng_or_seed)
    level = noise_level(noise)
    if layout is None:
        layout = rng.choice(LAYOUTS)
    if layout not in LAYOUTS:
        raise ConfigError(f"unknown layout {layout!r}; valid layouts: {', '.join(LAYOUTS)}")
    cfg = NoiseConfig(level)
    content = generate_content(rng)
    writer = Writer(content, rng, layout, cfg.row_split_p, cfg.rows_per_page(rng))
    if kind == "final_accounts":
        writer.drop_final_table = drop_table
        render_final(writer)
    else:
        (render_county if content.family == "county" else render_province)(writer)
    doc = add_noise(writer.b.build(), cfg, layout, rng)
    spans = tuple(doc.spans())
    if doc_id is None:
        doc_id = f"synth_{rng.getrandbits(48):012x}"
    record = _record(writer, doc_id, doc.text)
    family = "final" if writer.final else content.family
    return SynthDoc(doc_id, doc.text, spans, record, layout, level, family)


def _record(w: Writer, doc_id: str, text: str) -> Disclosure:
    c = w.c
    projects, indicators, redactions = [], [], []
    for p in [] if w.final else c.projects:
        hidden = p.hidden
        goal_withheld = p.withheld in ("goal", "table")
        cells_withheld = p.withheld == "table" or bool(hidden)
        goal = (
            p.marker
            if goal_withheld
            else "".join(
                f"{k + 1}.{g}。" if len(p.goal_items) > 1 else g + "。"
                for k, g in enumerate(p.goal_items)
            )
        )
        projects.append({"name": p.name, "redacted": goal_withheld or cells_withheld, "goal": goal})
        if goal_withheld:
            redactions.append({"project": p.name, "scope": "goal", "marker": p.marker})
        if cells_withheld:
            redactions.append({"project": p.name, "scope": "indicators", "marker": p.marker})
        if w.explain_projects:
            continue  # no 绩效目标表: the document states no indicators
        start = len(indicators)
        if p.withheld == "table":
            seen = []
            for r in p.indicators:
                if (r.level1, r.level2) not in seen:
                    seen.append((r.level1, r.level2))
            for l1, l2 in seen:
                m = p.marker
                indicators.append(
                    {
                        "project": p.name,
                        "level1": l1,
                        "level2": l2,
                        "level3": m,
                        "description": m,
                        "target": m,
                        "basis": m,
                        "redacted": True,
                        "target_parsed": {"op": None, "value": None, "unit": None},
                    }
                )
        else:
            for k, r in enumerate(p.indicators):
                hid = k in hidden
                op, value, unit = (None, None, None) if hid else r.parsed
                indicators.append(
                    {
                        "project": p.name,
                        "level1": r.level1,
                        "level2": r.level2,
                        "level3": r.level3,
                        "description": r.description,
                        "target": p.marker if hid else r.target,
                        "basis": p.marker if hid else r.basis,
                        "redacted": hid,
                        "target_parsed": {"op": op, "value": value, "unit": unit},
                    }
                )
        fields = w.indicator_fields.get(p.name)
        if fields:  # the project form: columns it lacks leave their fields empty
            for row in indicators[start:]:
                for f in ("description", "basis"):
                    if f not in fields:
                        row[f] = None
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Disclosure.model_validate(
        {
            "doc_id": doc_id,
            "kind": "final_accounts" if w.final else "budget",
            "level": w.level,
            "source": Source(
                path=f"{doc_id}.txt", format="txt", pages=text.count("\f") + 1, sha256=sha
            ),
            "department": {
                "name": c.dept_name,
                "code": c.dept_code if c.family == "county" else None,
            },
            "year": c.year,
            "key_figures": w.kf,
            "projects": projects,
            "indicators": indicators,
            "redactions": redactions,
            "tables": w.tables,
        }
    )


def _split_of(i: int, n: int) -> str:
    if n < 3:
        return "train"
    n_val = max(1, n // 10)
    n_test = max(1, n // 10)
    if i < n - n_val - n_test:
        return "train"
    return "validation" if i < n - n_test else "test"


def generate_corpus(
    n: int,
    seed: int,
    out_dir: Path,
    *,
    noise: str | float = "medium",
    layouts: Sequence[str] = LAYOUTS,
    pdf: bool = False,
    progress: Callable[[int], None] | None = None,
    test_noise: str | float | None = None,
    save_dataset: bool = True,
    converters: Sequence[str] = (),
    final_share: float = 0.2,
) -> dict:
    """Generate `n` documents into `out_dir` and return a summary dict.

    Writes `<split>.jsonl` (train 80%, validation 10%, test 10%; the test split at a higher
    noise level than `noise` unless `test_noise` is given), `docs/<doc_id>.{txt,gold.json,
    spans.jsonl}`, `real.jsonl` from corpora/real when present, a `dataset/` DatasetDict
    (`datasets.load_from_disk`), and with `pdf=True` also `pdf/<doc_id>.pdf` for a share of docs.
    `converters` (training.synth.convert.CONVERTERS): every tenth document (drawn in a layout
    of `PDF_LAYOUTS` where `layouts` has one) is also rendered to PDF and written again as each
    converter extracts it (`<doc_id>~<converter>` rows in the same split, gold spans projected;
    the summary gives each converter's share of spans that could not be projected).
    `final_share` of the documents, spread evenly over the splits, are 部门决算 (final accounts,
    `kind: final_accounts`; family "final"), the others budgets.
    `progress(k)` is called after each document with the count done.
    """
    if n < 1:
        raise ConfigError("n must be at least 1")
    if not 0.0 <= final_share <= 1.0:
        raise ConfigError(f"final_share must be between 0 and 1, not {final_share}")
    from training.synth.convert import CONVERTERS, converted_rows, dropped_share

    unknown = [c for c in converters if c not in CONVERTERS]
    if unknown:
        raise ConfigError(f"unknown converters {unknown}; valid: {', '.join(CONVERTERS)}")
    converted: list[dict] = []
    bad = [x for x in layouts if x not in LAYOUTS]
    if bad or not layouts:
        raise ConfigError(f"unknown layouts {bad}; valid layouts: {', '.join(LAYOUTS)}")
    level = noise_level(noise)
    t_level = noise_level(test_noise) if test_noise is not None else min(1.0, level + 0.3)
    out_dir = Path(out_dir)
    (out_dir / "docs").mkdir(parents=True, exist_ok=True)
    master = random.Random(seed)
    seeds = [master.getrandbits(64) for _ in range(n)]
    files = {s: (out_dir / f"{s}.jsonl").open("w", encoding="utf-8") for s in SPLITS}
    counts = dict.fromkeys(SPLITS, 0)
    n_spans = 0
    pdfs = 0
    try:
        for i, s in enumerate(seeds):
            split = _split_of(i, n)
            rng = random.Random(s)
            layout = layouts[i % len(layouts)]
            grid = [x for x in layouts if x in PDF_LAYOUTS]
            if (pdf or converters) and i % 10 == 0 and layout not in PDF_LAYOUTS and grid:
                layout = grid[(i // 10) % len(grid)]  # drawn to PDF: a layout with a grid
            # every 1/final_share-th document, by index, so each split gets its share
            final = int((i + 1) * final_share) > int(i * final_share)
            doc = generate_document(
                rng,
                noise=t_level if split == "test" else level,
                layout=layout,
                doc_id=f"synth_{seed}_{i:06d}",
                kind="final_accounts" if final else "budget",
            )
            row = doc.row()
            row["split"] = split
            files[split].write(json.dumps(row, ensure_ascii=False) + "\n")
            base = out_dir / "docs" / doc.doc_id
            base.with_suffix(".txt").write_text(doc.text, encoding="utf-8")
            Path(f"{base}.gold.json").write_text(doc.record.to_json(), encoding="utf-8")
            Path(f"{base}.spans.jsonl").write_text(
                "".join(json.dumps(sp.to_dict(), ensure_ascii=False) + "\n" for sp in doc.spans),
                encoding="utf-8",
            )
            if pdf and i % 10 == 0:
                from training.synth.pdf import write_pdf

                (out_dir / "pdf").mkdir(exist_ok=True)
                write_pdf(doc, out_dir / "pdf")
                pdfs += 1
            if converters and i % 10 == 0:
                with tempfile.TemporaryDirectory() as tmp:
                    for conv_row in converted_rows(doc, list(converters), Path(tmp)):
                        conv_row["split"] = split
                        files[split].write(json.dumps(conv_row, ensure_ascii=False) + "\n")
                        keep = ("converter", "spans", "dropped")
                        converted.append({k: conv_row[k] for k in keep})
            counts[split] += 1
            n_spans += len(doc.spans)
            if progress:
                progress(i + 1)
    finally:
        for fh in files.values():
            fh.close()
    real_rows = real_rows_from(Path(__file__).resolve().parents[2] / "corpora" / "real")
    if real_rows:
        with (out_dir / "real.jsonl").open("w", encoding="utf-8") as fh:
            for row in real_rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    summary = {
        "n": n,
        "seed": seed,
        "noise": level,
        "test_noise": t_level,
        "layouts": list(layouts),
        "splits": counts,
        "spans": n_spans,
        "real": len(real_rows),
        "pdf": pdfs,
        "out_dir": str(out_dir),
    }
    if converters:
        summary["converters"] = {
            name: {
                "rows": sum(1 for r in converted if r["converter"] == name),
                "dropped_share": round(share, 4),
            }
            for name, share in dropped_share(converted).items()
        }
    if save_dataset:
        from training.synth.export import save_dataset_dict

        save_dataset_dict(out_dir, out_dir / "dataset")
        summary["dataset"] = str(out_dir / "dataset")
    (out_dir / "summary.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return summary


def real_rows_from(folder: Path) -> list[dict]:
    """corpora/real/*.txt with their .gold.json and .spans.jsonl, as corpus rows (split real)."""
    from ie.spans import read_spans

    rows = []
    if not folder.is_dir():
        return rows
    for txt in sorted(folder.glob("*.txt")):
        stem = txt.name[: -len(".txt")]
        gold = folder / f"{stem}.gold.json"
        spans_path = folder / f"{stem}.spans.jsonl"
        if not gold.exists() or not spans_path.exists():
            continue
        text = txt.read_bytes().decode("utf-8")
        spans = read_spans(spans_path)
        for sp in spans:
            sp.check(text)
        rows.append(
            {
                "doc_id": stem,
                "text": text,
                "spans": [sp.to_dict() for sp in spans],
                "record": json.dumps(
                    json.loads(gold.read_text(encoding="utf-8")), ensure_ascii=False
                ),
                "layout": "tab",
                "noise": -1.0,
                "family": "real",
                "split": "real",
            }
        )
    return rows
