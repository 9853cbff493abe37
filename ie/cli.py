"""The `budget-ie` command line. Each command is a thin layer over a library function.

Errors that budget-ie raises on purpose (ie.errors) become one line on stderr and exit code 2;
nothing else is caught, so a real bug still shows its traceback.
"""

from __future__ import annotations

import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ie.errors import BudgetIEError
from ie.pipeline import DEFAULT_BACKEND

app = typer.Typer(
    name="budget-ie",
    help=(
        "Extract clean, validated records from Chinese government budget disclosures "
        "(部门预算信息公开), as PDF or as text from PDF-to-text/OCR.\n\n"
        "Start with:  budget-ie extract corpora/real/004_3c37c7924f173325.txt"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class Format(StrEnum):
    json = "json"
    jsonl = "jsonl"


class OcrMode(StrEnum):
    auto = "auto"
    always = "always"
    never = "never"


class OcrEngineName(StrEnum):
    rapidocr = "rapidocr"
    tesseract = "tesseract"


# Shared by extract and batch.
OcrOption = Annotated[
    OcrMode,
    typer.Option(
        help="auto: OCR images and PDF pages without a text layer; always: OCR every page "
        "(a PDF whose text layer is garbage); never: no OCR (a scan is an error). "
        "Needs the extra: pip install 'budget-ie[ocr]'."
    ),
]
OcrEngineOption = Annotated[
    OcrEngineName,
    typer.Option(
        help="rapidocr: PP-OCRv4 (extra ocr); tesseract: the tesseract program with "
        "chi_sim (apt-get install tesseract-ocr-chi-sim). Compared in benchmarks/OCR.md."
    ),
]


class Backend(StrEnum):
    rules = "rules"
    crf = "crf"
    transformer = "transformer"


DEFAULT_TAGGER = Backend(DEFAULT_BACKEND)


def fail(message: str, code: int = 2) -> None:
    """Print one line on stderr and exit non-zero."""
    typer.echo(f"budget-ie: error: {message}", err=True)
    raise typer.Exit(code)


@app.command()
def extract(
    files: Annotated[
        list[Path],
        typer.Argument(help="One or more disclosures: .txt (UTF-8/GBK), .pdf, or page images."),
    ],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")
    ] = None,
    fmt: Annotated[
        Format | None,
        typer.Option(
            "--format",
            help="json: one indented record; jsonl: one record per line (the default for "
            "several files, or an OUTPUT ending in .jsonl, which `evaluate --pred` reads).",
            show_default=False,
        ),
    ] = None,
    backend: Annotated[
        Backend, typer.Option(help="Tagger backend that finds entities in the text.")
    ] = DEFAULT_TAGGER,
    ocr: OcrOption = OcrMode.auto,
    ocr_engine: OcrEngineOption = OcrEngineName.rapidocr,
) -> None:
    """Extract the Disclosure record (SCHEMA.md) of each FILE and print it as JSON.

    FILE: a PDF (born-digital or scanned), a page image (PNG, JPEG, TIFF with one or more
    pages), or text in UTF-8 / GB18030 (GBK) / UTF-16. Scans are read by OCR.

    Example:  budget-ie extract report.pdf -o report.json
              budget-ie extract scan.pdf --ocr always
    """
    from ie.pipeline import extract as run

    if fmt is None or len(files) > 1:  # several records: one per line, whatever was asked
        several = len(files) > 1 or (output is not None and output.suffix == ".jsonl")
        fmt = Format.jsonl if several else Format.json
    lines = []
    for path in files:
        record = run(path, backend=backend.value, ocr=ocr.value, ocr_engine=ocr_engine.value)
        lines.append(record.to_json(indent=2 if fmt is Format.json else None))
    text = "\n".join(lines) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


class Engine(StrEnum):
    local = "local"
    ray = "ray"


@app.command()
def batch(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            help="Files, or folders searched recursively for .txt, .pdf and page images."
        ),
    ],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="JSONL file to write, one record per line.")
    ],
    workers: Annotated[
        int,
        typer.Option(min=1, help="Worker processes (or Ray actors), each loading the model once."),
    ] = os.cpu_count() or 1,
    resume: Annotated[
        bool,
        typer.Option("--resume", help="Skip documents already in OUTPUT; redo a torn last line."),
    ] = False,
    backend: Annotated[
        Backend, typer.Option(help="Tagger backend that finds entities in the text.")
    ] = DEFAULT_TAGGER,
    glob: Annotated[
        str | None,
        typer.Option(help="File pattern inside folders (default: *.txt and *.pdf)."),
    ] = None,
    ordered: Annotated[
        bool,
        typer.Option("--ordered", help="Write records in input order (deterministic output)."),
    ] = False,
    engine: Annotated[
        Engine,
        typer.Option(
            help="local: worker processes; ray: Ray actors (pip install 'budget-ie[ray]')."
        ),
    ] = Engine.local,
    address: Annotated[
        str | None,
        typer.Option(help="Ray cluster address for --engine ray (default: a local Ray)."),
    ] = None,
    progress: Annotated[
        bool, typer.Option("--progress/--no-progress", help="Show a progress bar on stderr.")
    ] = True,
    timeout: Annotated[
        float | None,
        typer.Option(
            "--timeout",
            min=0,
            metavar="SECONDS",
            help=(
                "Time limit per document (default 120, or 10 s a page if that is more, for "
                "scans; 0: no limit). A document still running "
                "becomes a Timeout error record and its worker is restarted. Local engine only."
            ),
        ),
    ] = None,
    max_memory: Annotated[
        int | None,
        typer.Option(
            "--max-memory",
            min=0,
            metavar="MB",
            help=(
                "Memory ceiling per worker process, resident MB (default 4000; 0: no limit). "
                "A document that takes its worker past it becomes a MemoryLimit error record "
                "and the worker is restarted. Local engine only."
            ),
        ),
    ] = None,
    ocr: OcrOption = OcrMode.auto,
    ocr_engine: OcrEngineOption = OcrEngineName.rapidocr,
) -> None:
    """Extract every disclosure under INPUTS into one JSONL file, in parallel.

    A file that cannot be processed, or runs past --timeout or --max-memory, becomes a record
    with `error` set and the run goes on. A summary is printed at the end and written beside
    OUTPUT as OUTPUT.summary.json.

    Example:  budget-ie batch corpus/ -o records.jsonl --workers 2 --resume
    """
    from ie.batch import run_batch

    summary = run_batch(
        inputs,
        output,
        workers=workers,
        resume=resume,
        backend=backend.value,
        glob=glob,
        ordered=ordered,
        engine=engine.value,
        address=address,
        progress=progress,
        timeout_s=timeout,
        max_memory_mb=max_memory,
        ocr=ocr.value,
        ocr_engine=ocr_engine.value,
    )
    typer.echo(f"batch: {summary.line()}", err=True)


@app.command()
def evaluate(
    gold: Annotated[
        Path,
        typer.Option(
            "--gold",
            help="Gold: a <doc_id>.gold.json file or a folder of them, with optional "
            "<doc_id>.spans.jsonl and <doc_id>.txt beside each (like corpora/real).",
        ),
    ],
    pred: Annotated[
        Path | None,
        typer.Option(
            "--pred", help="Predictions: a .json record, a .jsonl (budget-ie batch) or a folder."
        ),
    ] = None,
    inputs: Annotated[
        Path | None,
        typer.Option(
            "--input",
            help="Instead of --pred: a folder of disclosures (.txt/.pdf) to extract first, "
            "with --backend; their file stems must be the gold doc_ids.",
        ),
    ] = None,
    backend: Annotated[
        Backend, typer.Option(help="Backend used to extract --input.")
    ] = DEFAULT_TAGGER,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the SCHEMA.md scoring object for scripts.")
    ] = False,
    report_dir: Annotated[
        Path | None,
        typer.Option("--report", help="Also write an HTML report (charts, error list) here."),
    ] = None,
) -> None:
    """Score predicted records and entity spans against gold, as SCHEMA.md "Scoring" defines.

    Example:  budget-ie extract corpora/real/*.txt --format jsonl -o pred.jsonl
              budget-ie evaluate --gold corpora/real --pred pred.jsonl --report report/
              budget-ie evaluate --gold corpora/real --input corpora/real --backend crf
    """
    import tempfile

    from rich.console import Console

    from ie.evaluate import evaluate_paths, render_rich, write_html_report

    if (pred is None) == (inputs is None):
        fail("give exactly one of --pred (records to score) or --input (documents to extract)")
    with tempfile.TemporaryDirectory() as tmp:
        if inputs is not None:
            from ie.batch import run_batch

            pred = Path(tmp) / "pred.jsonl"
            run_batch([inputs], pred, backend=backend.value, ordered=True, progress=False)
        report = evaluate_paths(gold, pred)
    for warning in report.warnings:
        typer.echo(f"budget-ie: warning: {warning}", err=True)
    if as_json:
        typer.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        Console().print(render_rich(report))
    if report_dir is not None:
        path = write_html_report(report, report_dir)
        typer.echo(f"budget-ie: HTML report written to {path}", err=True)


@app.command()
def normalize(
    path: Annotated[Path, typer.Argument(help="A .txt or .pdf disclosure.")],
    keep_furniture: Annotated[
        bool, typer.Option("--keep-furniture", help="Keep page numbers and repeated headers.")
    ] = False,
    changes: Annotated[
        bool, typer.Option("--changes", help="List every edit with its source offsets instead.")
    ] = False,
) -> None:
    """Print a document's normalized text, or with --changes the log of every edit made.

    Example:  budget-ie normalize report.pdf --changes | grep number
    """
    from ie.ingest import ingest
    from ie.normalize import normalize as run

    nt = run(ingest(path), drop_furniture=not keep_furniture)
    if changes:
        for c in nt.changes:
            typer.echo(f"{c.rule}\t{c.start}\t{c.end}\t{c.before!r}\t{c.after!r}")
    else:
        typer.echo(nt.text)


@app.command()
def synth(
    n: Annotated[int, typer.Option("-n", help="Number of documents.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same bytes.")] = 0,
    output: Annotated[Path, typer.Option("-o", "--output", help="Output folder.")] = Path(
        "corpora/synth"
    ),
    noise: Annotated[
        str,
        typer.Option(
            help="Noise of train/validation: none, low, medium, high or 0..1; the "
            "test split gets more."
        ),
    ] = "medium",
    layouts: Annotated[
        list[str] | None,
        typer.Option("--layouts", help="Text layouts to draw from: tab, cell, space (repeat)."),
    ] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="Also render some documents as PDF.")] = False,
    converters: Annotated[
        str,
        typer.Option(
            "--converters",
            help="Comma-separated tools that also extract every tenth document from its PDF, "
            "gold spans projected onto their text: pdfium, pdftotext, pdftotext-layout, "
            "pdfminer, pdfplumber, pdfplumber-layout, ocr (needs the ocr extra and a CJK font).",
        ),
    ] = "",
    final_share: Annotated[
        float,
        typer.Option(
            "--final-share",
            min=0.0,
            max=1.0,
            help="Share of 部门决算 (final accounts) among the documents, the rest budgets.",
        ),
    ] = 0.2,
) -> None:
    """Generate a synthetic labelled corpus: JSONL splits, a datasets DatasetDict, gold files.

    Every document comes with its SCHEMA.md record and character spans that stay exact through
    the noise; a fifth of them (--final-share) are 部门决算 rather than budgets.
    Example:  budget-ie synth -n 1000 --seed 7 -o corpora/synth --noise medium
              budget-ie synth -n 200 -o corpora/conv --converters pdftotext,pdfplumber,ocr
    """
    from rich.progress import Progress

    from training.synth import LAYOUTS, generate_corpus

    with Progress(transient=True) as bar:
        task = bar.add_task("generating", total=n)
        summary = generate_corpus(
            n,
            seed,
            output,
            noise=noise,
            layouts=tuple(layouts or LAYOUTS),
            pdf=pdf,
            progress=lambda k: bar.update(task, completed=k),
            converters=tuple(c.strip() for c in converters.split(",") if c.strip()),
            final_share=final_share,
        )
    typer.echo(json.dumps(summary, ensure_ascii=False))


@app.command()
def weak(
    paths: Annotated[
        list[Path], typer.Argument(help="Real disclosures: PDFs, .txt files or folders of them.")
    ],
    output: Annotated[Path, typer.Option("-o", "--output", help="The JSONL file to write.")],
    converters: Annotated[
        str,
        typer.Option(
            "--converters",
            help="Comma-separated tools that read each PDF (as for `synth`); a .txt is read "
            "as it is.",
        ),
    ] = "pdfium",
    min_score: Annotated[
        float,
        typer.Option(
            "--min-score",
            min=0.0,
            max=1.0,
            help="Rules spans scored lower are not trusted: the lines they touch are left out.",
        ),
    ] = 0.7,
    text_only: Annotated[
        bool,
        typer.Option(
            "--text-only",
            help="Write each text whole, without labels: unlabelled text for MLM pretraining "
            "(a `train:` file of configs/pretrain-mlm.yaml).",
        ),
    ] = False,
) -> None:
    """Label real, unlabelled disclosures with the rules backend, for training (weak
    supervision): one row per text, what the rules are unsure of left out.

    Mix the rows into a CRF recipe with `weak: [FILE]` and `weak_weight: W` (copies of each).
    Example:  budget-ie weak ../pdfs -o corpora/weak.jsonl --converters pdfium,pdftotext
    With --text-only the rows are the whole texts, unlabelled, for configs/pretrain-mlm.yaml.
    """
    from rich.progress import Progress

    from training.synth.convert import CONVERTERS, ConverterUnavailable
    from training.weak import sources, weak_rows

    names = tuple(c.strip() for c in converters.split(",") if c.strip())
    unknown = [n for n in names if n not in CONVERTERS]
    if unknown or not names:
        named = ", ".join(unknown) or "(none)"
        fail(f"unknown converter {named}; choose from {', '.join(CONVERTERS)}")
    try:  # every path checked before the output is opened
        files = sources(paths)
    except FileNotFoundError as exc:
        fail(str(exc))
    if not files:
        fail(f"no PDF or .txt file in {', '.join(map(str, paths))}")
    output.parent.mkdir(parents=True, exist_ok=True)
    written = left_out = 0
    skipped: list[str] = []

    def skip(path: Path, why: str) -> None:
        skipped.append(str(path))
        typer.echo(f"budget-ie: skipped {path}: {why}", err=True)

    try:
        with Progress(transient=True) as bar, output.open("w", encoding="utf-8") as out:
            task = bar.add_task("labelling", total=None)
            for row in weak_rows(
                files,
                names,
                min_score,
                lambda k, n: bar.update(task, completed=k, total=n),
                skip,
                text_only=text_only,
            ):
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
                written += 1
                left_out += row.get("lines_left_out", 0)
    except ConverterUnavailable as exc:
        fail(str(exc))
    summary = {"rows": written, "lines_left_out": left_out, "skipped": len(skipped)}
    typer.echo(json.dumps({**summary, "output": str(output)}, ensure_ascii=False))


@app.command()
def train(
    config: Annotated[
        Path,
        typer.Option(
            "--config",
            exists=True,
            dir_okay=False,
            help="A training recipe: configs/crf.yaml, configs/transformer-tiny.yaml or "
            "configs/pretrain-mlm.yaml.",
        ),
    ],
) -> None:
    """Train a tagger from a YAML recipe; writes the model, metrics.json and MODEL_CARD.md.

    The recipe fixes the seed, data, hyper-parameters and output folder; unknown keys are
    rejected. Example:  budget-ie train --config configs/crf.yaml
    """
    from training.train import train as run

    out = run(config, progress=lambda message: typer.echo(message, err=True))
    typer.echo(str(out))


class ExportTarget(StrEnum):
    csv = "csv"
    parquet = "parquet"
    label_studio = "label-studio"
    doccano = "doccano"


class LabelTool(StrEnum):
    label_studio = "label-studio"
    doccano = "doccano"


@app.command()
def export(
    records: Annotated[
        list[Path],
        typer.Argument(
            help="Records: a .jsonl as `budget-ie batch` writes, .json records, or folders of "
            "them. For label-studio/doccano also training-row JSONL ({doc_id, text, spans}); "
            "a record's text is read again from its source.path (the file extracted, unchanged).",
        ),
    ],
    to: Annotated[
        ExportTarget,
        typer.Option(
            "--to",
            help="csv/parquet: tidy tables for pandas/R (CSV is UTF-8 with BOM for Excel); "
            "label-studio/doccano: entities as pre-annotations to correct.",
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "-o",
            "--output",
            help="csv/parquet: a folder (one file per table); label-studio: the tasks .json "
            "(its labeling config is written beside it as <stem>.config.xml); doccano: a .jsonl.",
        ),
    ],
    model_version: Annotated[
        str, typer.Option(help="label-studio: the predictions' model_version.")
    ] = "budget-ie",
    utf16_offsets: Annotated[
        bool,
        typer.Option(
            "--utf16-offsets",
            help="Write UTF-16 code-unit offsets (for tool versions that count them) instead "
            "of code points.",
        ),
    ] = False,
    panel: Annotated[
        bool,
        typer.Option(
            "--panel",
            help="csv/parquet: instead of the tidy tables, join each department's budget and "
            "final accounts of a year: panel.<fmt> (department, year, key, budget value, final "
            "value, execution rate) and panel_unmatched.<fmt> (records left unpaired, and why).",
        ),
    ] = False,
) -> None:
    """Export records as tidy tables (CSV/Parquet) or as pre-annotations for a label tool.

    Example:  budget-ie export out.jsonl --to csv -o tables/
              budget-ie export out.jsonl --to parquet --panel -o panel/
              budget-ie export out.jsonl --to label-studio -o tasks.json
    """
    if panel:
        if to not in (ExportTarget.csv, ExportTarget.parquet):
            fail("--panel writes csv or parquet; use --to csv or --to parquet")
        from ie.panel import export_panel

        for path in export_panel(records, output, to.value):
            typer.echo(str(path))
        return
    if to in (ExportTarget.csv, ExportTarget.parquet):
        from ie.export import export_tidy

        paths = export_tidy(records, output, to.value)
    else:
        from ie.labeltools import export_labels, iter_label_rows

        paths = export_labels(
            iter_label_rows(records),
            output,
            to.value,
            offsets="utf16" if utf16_offsets else "code_points",
            model_version=model_version,
        )
    for path in paths:
        typer.echo(str(path))


@app.command("import")
def import_labels(
    file: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            help="A Label Studio JSON export (JSON or JSON-MIN) or a doccano JSONL export.",
        ),
    ],
    tool: Annotated[LabelTool, typer.Option("--from", help="The tool that exported FILE.")],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Training rows JSONL ({doc_id, text, spans}).")
    ],
    use_predictions: Annotated[
        bool,
        typer.Option(
            "--use-predictions",
            help="label-studio: take a task's latest prediction when no one annotated it "
            "(otherwise such tasks are skipped).",
        ),
    ] = False,
    utf16_offsets: Annotated[
        bool,
        typer.Option("--utf16-offsets", help="FILE counts offsets in UTF-16 code units."),
    ] = False,
) -> None:
    """Read corrected annotations back as training rows, every span checked against its text.

    Example:  budget-ie import project-1.json --from label-studio -o corrected.jsonl
    """
    from ie.labeltools import import_labels as run
    from ie.labeltools import write_rows

    rows = run(
        file,
        tool.value,
        use_predictions=use_predictions,
        offsets="utf16" if utf16_offsets else "code_points",
    )
    write_rows(rows, output)
    typer.echo(f"budget-ie: {len(rows)} labelled rows written to {output}", err=True)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the Disclosure record (validate your own records against it)."""
    from ie.schema import json_schema

    typer.echo(json.dumps(json_schema(), ensure_ascii=False, indent=2))


def main() -> None:
    """Console-script entry point: run the app, turning budget-ie errors into one line."""
    try:
        app()
    except BudgetIEError as exc:
        typer.echo(f"budget-ie: error: {exc}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
