"""Real PDFs through PDF-to-text tools: the record of each tool's text against the PDF's record.

    python benchmarks/text_vs_pdf.py [--tools pdfplumber pdftotext-layout ...] [--n N]
        [--only SUBSTR] [--out benchmarks/TEXT_VS_PDF.md] [--keep DIR] [--timeout 60]

For every Jiangsu PDF (../shared/corpora/jiangsu) and every available tool, the tool's text is
written to a .txt file and run through the same pipeline as `budget-ie extract` (shipped CRF).
Its record is scored against the record of the PDF itself with ie.evaluate's SCHEMA.md scorer,
the PDF record standing in for gold: the PDF path rebuilds every table of the 15 table
documents with all arithmetic checks passing (`python -m ie.tables.money --report`). A document
whose PDF record fails one of its own checks is marked, since there the "gold" is doubtful.

Each extraction runs in a forked child with a time and memory limit, so a text that sends the
pipeline into a combinatorial search is recorded as a timeout or MemoryError and the run goes
on. `--keep DIR` leaves, per tool, the text (`DIR/<tool>/<stem>.txt`), its record (`.json`) and
the disagreements with the line numbers of the text that hold each missed figure (`.diff.txt`),
with the PDF records in `DIR/pdf/` — the material behind the diagnosis in TEXT_VS_PDF.md.

`--out` rewrites the figures of the Markdown file and keeps its hand-written diagnosis (the part
after DIAGNOSIS_MARK).
"""

from __future__ import annotations

import argparse
import functools
import multiprocessing
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ie.evaluate import Counts, Outcome, score_fields
from ie.schema import Disclosure

ROOT = Path(__file__).resolve().parents[1]
JIANGSU = ROOT.parent / "shared" / "corpora" / "jiangsu"
#: The record fields compared, in report order (tables = coded-table cells, SCHEMA.md).
FIELDS: tuple[str, ...] = ("key_figures", "projects", "indicators", "redactions", "tables")
DIAGNOSIS_MARK = "<!-- diagnosis: hand-written below this line; text_vs_pdf.py keeps it -->"
MEMORY_LIMIT = 4 << 30  # bytes of address space a child may add to what the parent holds


# --- the tools --------------------------------------------------------------------------------
# Each writes what a user's script or command line would save: pages joined by "\n" for the
# Python libraries (the usual "\n".join(page texts)), the tool's own form feeds for the others.


def _pypdfium2(path: Path) -> str:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()


def _pdfplumber(path: Path, layout: bool = False) -> str:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text(layout=layout) or "" for page in pdf.pages)


def _pdfminer(path: Path) -> str:
    from pdfminer.high_level import extract_text

    return extract_text(str(path))


def _pdftotext(path: Path, layout: bool = False) -> str:
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, check=True, text=True).stdout


def _has_module(name: str) -> Callable[[], bool]:
    def check() -> bool:
        import importlib.util

        return importlib.util.find_spec(name) is not None

    return check


@dataclass(frozen=True)
class Tool:
    """A PDF-to-text tool: how to call it and whether it is installed."""

    name: str
    call: str
    run: Callable[[Path], str]
    available: Callable[[], bool]


TOOLS: dict[str, Tool] = {
    t.name: t
    for t in (
        Tool(
            "pypdfium2",
            "page.get_textpage().get_text_range()",
            _pypdfium2,
            _has_module("pypdfium2"),
        ),
        Tool("pdfplumber", "page.extract_text()", _pdfplumber, _has_module("pdfplumber")),
        Tool(
            "pdfplumber-layout",
            "page.extract_text(layout=True)",
            lambda p: _pdfplumber(p, layout=True),
            _has_module("pdfplumber"),
        ),
        Tool(
            "pdfminer", "pdfminer.high_level.extract_text(path)", _pdfminer, _has_module("pdfminer")
        ),
        Tool(
            "pdftotext",
            "pdftotext -enc UTF-8 FILE -",
            _pdftotext,
            lambda: bool(shutil.which("pdftotext")),
        ),
        Tool(
            "pdftotext-layout",
            "pdftotext -layout -enc UTF-8 FILE -",
            lambda p: _pdftotext(p, layout=True),
            lambda: bool(shutil.which("pdftotext")),
        ),
    )
}


# --- one extraction in a child with limits ---------------------------------------------------


@dataclass(frozen=True)
class Extraction:
    """A record (or why there is none) and the seconds the pipeline took."""

    record: Disclosure | None
    seconds: float
    error: str | None = None


def _child(conn, path: str, memory: int) -> None:  # pragma: no cover - runs in the child
    from ie.pipeline import get_extractor

    if memory:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (memory, hard))
    start = time.perf_counter()
    try:
        result = ("ok", get_extractor("crf").extract(path).to_json(indent=None))
    except MemoryError:
        result = ("MemoryError", "")
    except Exception as exc:
        result = (type(exc).__name__, str(exc)[:200])
    # Sent outside the handler, once the failed extraction's frames are freed, and without the
    # limit: pickling the message must not run out of memory itself.
    if memory:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    conn.send((*result, time.perf_counter() - start))


def _address_space() -> int:
    # VmSize of this process: a child's RLIMIT_AS counts what it inherits from the fork too.
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


@functools.cache
def _warm() -> None:
    """Load the model and jieba's dictionary once in the parent (jieba loads it on first use):
    every fork inherits them instead of loading them again (seconds per extraction)."""
    from ie.pipeline import get_extractor

    with tempfile.TemporaryDirectory() as tmp:
        sample = Path(tmp) / "warm.txt"
        sample.write_text("部门预算收入总计686.71万元，比上年增加12.50万元。\n", encoding="utf-8")
        get_extractor("crf").extract(sample)


def extract_isolated(path: Path, timeout: float, memory: int = MEMORY_LIMIT) -> Extraction:
    """`budget-ie extract path` in a forked child: a record, or a timeout / crash reason."""
    _warm()
    ctx = multiprocessing.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    limit = _address_space() + memory if memory else 0
    proc = ctx.Process(target=_child, args=(send, str(path), limit), daemon=True)
    start = time.perf_counter()
    proc.start()
    send.close()
    try:
        if not recv.poll(timeout):
            return Extraction(None, time.perf_counter() - start, f"timeout after {timeout:.0f} s")
        try:
            status, payload, seconds = recv.recv()
        except EOFError:  # the child died without a word (killed, or crashed in C code)
            status, payload, seconds = "worker died", "", time.perf_counter() - start
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        recv.close()
    if status == "worker died":
        payload = f"(exit code {proc.exitcode})"
    if status != "ok":
        return Extraction(None, seconds, f"{status} {payload}".strip())
    return Extraction(Disclosure.model_validate_json(payload), seconds)


# --- scoring ------------------------------------------------------------------------------------


def as_gold(record: Disclosure) -> Disclosure:
    """The PDF record as a gold record: every field set, so every field is scored."""
    return Disclosure.model_validate(record.model_dump(mode="json"))


def empty_record(doc_id: str) -> Disclosure:
    return Disclosure(doc_id=doc_id)


def failing_checks(record: Disclosure) -> list[str]:
    """The rules of the record's own checks that fail (the PDF "gold" is doubtful there)."""
    return [c.rule for c in record.checks if not c.ok]


@dataclass
class Row:
    """One (document, tool) comparison."""

    doc: str
    tool: str
    counts: dict[str, Counts]
    outcomes: tuple[Outcome, ...]
    text_seconds: float
    extract_seconds: float
    error: str | None = None


@dataclass
class Reference:
    """The PDF path's record of one document."""

    path: Path
    record: Disclosure | None
    seconds: float
    error: str | None = None
    failing: list[str] = field(default_factory=list)


def compare(
    reference: Disclosure, text_record: Disclosure
) -> tuple[dict[str, Counts], tuple[Outcome, ...]]:
    """Field counts and outcomes of a text-path record against the PDF-path record."""
    scores = score_fields(reference.doc_id, as_gold(reference), text_record)
    return {f: scores.counts.get(f, Counts()) for f in FIELDS}, scores.outcomes


def run_tool(tool: Tool, ref: Reference, work: Path, timeout: float) -> Row:
    """Render `ref.path` with `tool`, extract the text's record and score it against the PDF's
    (a failed tool or extraction scores as an empty record)."""
    assert ref.record is not None, "only documents with a PDF record are compared"
    stem = ref.path.stem
    out = work / tool.name / f"{stem}.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    try:
        text = tool.run(ref.path)
    except Exception as exc:
        counts, outcomes = compare(ref.record, empty_record(stem))
        seconds = time.perf_counter() - start
        return Row(stem, tool.name, counts, outcomes, seconds, 0.0, f"tool: {exc}"[:200])
    text_seconds = time.perf_counter() - start
    # newline="" writes the tool's own line ends (pypdfium2 gives \r\n) as a user's file has them
    with out.open("w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    got = extract_isolated(out, timeout)
    pred = got.record or empty_record(stem)
    pred = pred.model_copy(update={"doc_id": stem})
    counts, outcomes = compare(ref.record, pred)
    if got.record is not None:
        out.with_suffix(".json").write_text(got.record.to_json(), encoding="utf-8")
    out.with_suffix(".diff.txt").write_text(disagreements(outcomes, text), encoding="utf-8")
    return Row(stem, tool.name, counts, outcomes, text_seconds, got.seconds, got.error)


# --- where a missed figure sits in the text -----------------------------------------------------


def _renderings(value: float) -> list[str]:
    """How a figure in 万元 may be printed: 13377.11, 13,377.11, and in 元 (133771100.00)."""
    out = []
    for v in (value, value * 10000):
        for fmt in ("{:.2f}", "{:,.2f}"):
            s = fmt.format(v)
            out.append(s)
            if s.endswith(".00"):
                out.append(s[:-3])
    return list(dict.fromkeys(out))


def lines_holding(text: str, value: float, limit: int = 4) -> list[int]:
    """1-based numbers of the text lines that print `value` as a whole token, counted as
    `sed -n Np` counts them (only "\\n" ends a line; a form feed does not)."""
    found = []
    pats = [re.compile(rf"(?<![\d.,]){re.escape(s)}(?![\d])") for s in _renderings(value)]
    for n, line in enumerate(text.split("\n"), 1):
        if any(p.search(line) for p in pats):
            found.append(n)
            if len(found) >= limit:
                break
    return found


_NUMBER = re.compile(r"= (-?[\d.]+)$")


def disagreements(outcomes: Sequence[Outcome], text: str) -> str:
    """The missed and spurious items, a missed figure with the text lines that print it."""
    out = []
    for o in outcomes:
        if o.status == "correct":
            continue
        line = f"{o.field:12s} {o.status:8s} gold={o.gold!s:50s} pred={o.pred}"
        m = _NUMBER.search(o.gold or "")
        if o.status == "missed" and m:
            line += f"  [text lines {lines_holding(text, float(m.group(1)))}]"
        out.append(line)
    return "\n".join(out) + "\n"


# --- report -------------------------------------------------------------------------------------


def _f1(c: Counts | None) -> str:
    if c is None or c.pred + c.gold == 0:
        return "—"
    return f"{c.f1:.2f}"


def _sum(rows: Sequence[Row], name: str) -> Counts:
    total = Counts()
    for r in rows:
        total += r.counts.get(name, Counts())
    return total


def tool_version(tool: Tool) -> str:
    """The installed version of the library or program behind `tool`, for the report."""
    from importlib import metadata

    if tool.name.startswith("pdftotext"):
        out = subprocess.run(["pdftotext", "-v"], capture_output=True, text=True)
        found = re.search(r"version ([\d.]+)", out.stderr + out.stdout)
        return f"poppler {found.group(1)}" if found else "poppler"
    package = {"pdfminer": "pdfminer.six"}.get(tool.name, tool.name.split("-")[0])
    try:
        return f"{package} {metadata.version(package)}"
    except metadata.PackageNotFoundError:
        return package


def code_state() -> str:
    """Which pipeline code was measured: the commit, and whether ie/ had uncommitted edits."""
    try:
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--", "ie"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "code state unknown (no git)"
    edited = len(dirty.splitlines())
    return f"commit {head}" + (
        f" with uncommitted edits to {edited} files under ie/" if edited else ""
    )


def _doc_cells(name: str, ref: Reference, rows: Sequence[Row], tools: Sequence[Tool]) -> list:
    out = []
    for t in tools:
        r = next((r for r in rows if r.tool == t.name and r.doc == ref.path.stem), None)
        if r is None:
            out.append("")
        elif r.error:
            out.append(f"✗ {r.error.split()[0]}")
        else:
            out.append(_f1(r.counts.get(name)))
    return out


def render(
    refs: Sequence[Reference],
    rows: Sequence[Row],
    tools: Sequence[Tool],
    command: str = "python benchmarks/text_vs_pdf.py --out benchmarks/TEXT_VS_PDF.md",
    timeout: float = 0.0,
    code: str | None = None,
) -> str:
    """The Markdown report: micro F1 per tool and field, per-document tables, times."""
    by_tool = {t.name: [r for r in rows if r.tool == t.name] for t in tools}
    limit = f"{timeout:.0f} s" if timeout else "a time limit"
    lines = [
        "# Text path vs PDF path on the Jiangsu PDFs",
        "",
        f"{len(refs)} real PDFs (../shared/corpora/jiangsu), each rendered to text by every tool "
        "below, the text run through `budget-ie extract` (shipped CRF) and its record scored "
        "with ie.evaluate's SCHEMA.md scorer against the record of the PDF itself as gold. "
        f"Measured {date.today().isoformat()} on {platform.machine()} / Python "
        f"{platform.python_version()}, one extraction at a time in a forked child "
        f"({limit} and 4 GiB of memory per extraction); pipeline code: {code or code_state()}.",
        "",
        f"Command: `{command}`",
        "",
        "## F1 micro over documents (PDF record = gold)",
        "",
        "| tool | call | " + " | ".join(FIELDS) + " | failed docs | text s | pipeline s |",
        "|---|---|" + "---:|" * (len(FIELDS) + 3),
    ]
    for t in tools:
        rs = by_tool[t.name]
        cells = []
        for f in FIELDS:
            c = _sum(rs, f)
            cells.append(f"{_f1(c)} ({c.tp}/{c.gold}/{c.pred})" if c.pred + c.gold else "—")
        failed = sum(1 for r in rs if r.error)
        lines.append(
            f"| {t.name} ({tool_version(t)}) | `{t.call}` | "
            + " | ".join(cells)
            + f" | {failed} | "
            f"{sum(r.text_seconds for r in rs):.1f} | {sum(r.extract_seconds for r in rs):.1f} |"
        )
    pdf_s = sum(r.seconds for r in refs)
    lines += [
        "",
        "Cells: F1 (tp/gold/pred), counts summed over documents before F1; — where neither "
        "side has an item. tables = cells (kind, code, column, value) of the coded tables "
        "(expense_by_function, basic_expense_by_economic). failed docs: the pipeline crashed "
        "or ran out of time or memory on the text (scored as an empty record). text s: the "
        "tool's own time; pipeline s: `budget-ie extract` on the text (the PDF path takes "
        f"{pdf_s:.1f} s for the {len(refs)} PDFs).",
        "",
    ]
    for name in FIELDS:
        if not any(r.counts.get(name, Counts()).gold for r in rows):
            continue
        shown = []
        for ref in refs:
            counts = [r.counts[name] for r in rows if r.doc == ref.path.stem and name in r.counts]
            gold = counts[0].gold if counts else 0
            if name in ("key_figures", "tables") or gold or any(c.pred for c in counts):
                shown.append((ref, gold))
        lines += [f"## Per document: {name} F1", ""]
        lines.append("| document | gold | " + " | ".join(t.name for t in tools) + " |")
        lines.append("|---|---:|" + "---:|" * len(tools))
        for ref, gold in shown:
            mark = " ⚠" if ref.failing else ""
            lines.append(
                f"| {ref.path.parent.name}/{ref.path.name}{mark} | {gold} | "
                + " | ".join(_doc_cells(name, ref, rows, tools))
                + " |"
            )
        lines.append("")
    failing = [ref for ref in refs if ref.failing or ref.error]
    if failing:
        lines += ["⚠ the PDF record fails one of its own checks (or could not be built):", ""]
        for ref in failing:
            lines.append(f"- {ref.path.name}: " + (ref.error or "; ".join(ref.failing)))
        lines.append("")
    else:
        lines += ["Every PDF record passes all of its own checks (no row marked ⚠).", ""]
    errors = [r for r in rows if r.error]
    if errors:
        lines += ["Failed extractions (✗):", ""]
        lines += [f"- {r.tool} / {r.doc}: {r.error} ({r.extract_seconds:.0f} s)" for r in errors]
        lines.append("")
    return "\n".join(lines)


def _keep_diagnosis(out: Path) -> str:
    if out.exists():
        old = out.read_text(encoding="utf-8")
        if DIAGNOSIS_MARK in old:
            return old[old.index(DIAGNOSIS_MARK) :]
    return DIAGNOSIS_MARK + "\n"


def references(pdfs: Sequence[Path], work: Path, timeout: float) -> list[Reference]:
    """The PDF path's record of every PDF (kept under work/pdf/)."""
    refs = []
    (work / "pdf").mkdir(parents=True, exist_ok=True)
    for path in pdfs:
        got = extract_isolated(path, timeout)
        ref = Reference(path, got.record, got.seconds, got.error)
        if got.record is not None:
            ref.failing = failing_checks(got.record)
            (work / "pdf" / f"{path.stem}.json").write_text(got.record.to_json(), encoding="utf-8")
        refs.append(ref)
        print(f"pdf  {path.name}: {got.seconds:.1f} s {got.error or ''}", file=sys.stderr)
    return refs


def run(
    pdfs: Sequence[Path], tools: Sequence[Tool], work: Path, timeout: float = 60.0
) -> tuple[list[Reference], list[Row]]:
    """The PDF record of every PDF, then every tool's text record scored against it; texts,
    records and disagreements are written under `work`."""
    refs = references(pdfs, work, timeout)
    rows = []
    for ref in refs:
        if ref.record is None:
            continue
        for tool in tools:
            row = run_tool(tool, ref, work, timeout)
            rows.append(row)
            summary = " ".join(f"{f}={_f1(row.counts.get(f))}" for f in FIELDS)
            print(
                f"{tool.name:18s} {ref.path.name}: {summary} "
                f"({row.extract_seconds:.1f} s) {row.error or ''}",
                file=sys.stderr,
            )
    return refs, rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", nargs="+", choices=list(TOOLS), default=None)
    parser.add_argument("--n", type=int, default=None, help="first N PDFs only (sorted by path)")
    parser.add_argument("--only", default=None, help="PDFs whose path contains this")
    parser.add_argument("--out", type=Path, default=None, help="write the Markdown report here")
    parser.add_argument("--keep", type=Path, default=None, help="keep texts, records, diffs here")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per extraction")
    parser.add_argument("--root", type=Path, default=JIANGSU, help="folder of PDFs")
    args = parser.parse_args(argv)

    pdfs = sorted(args.root.glob("**/*.pdf"))
    if args.only:
        pdfs = [p for p in pdfs if args.only in str(p)]
    if args.n:
        pdfs = pdfs[: args.n]
    if not pdfs:
        print(f"no PDFs under {args.root}; this benchmark needs ../shared", file=sys.stderr)
        return 2
    names = args.tools or list(TOOLS)
    tools = [TOOLS[n] for n in names if TOOLS[n].available()]
    for n in names:
        if not TOOLS[n].available():
            print(f"skipping {n}: not installed", file=sys.stderr)
    work = args.keep or Path(tempfile.mkdtemp(prefix="text_vs_pdf_"))
    given = [str(a) for a in (sys.argv[1:] if argv is None else argv)]
    # The command as run, less --keep DIR (a scratch folder of this machine).
    shown = [a for k, a in enumerate(given) if a != "--keep" and given[k - 1 : k] != ["--keep"]]
    command = " ".join(["python benchmarks/text_vs_pdf.py", *shown])
    code = code_state()  # now: the modules are imported (and forked) from this state
    try:
        refs, rows = run(pdfs, tools, work, args.timeout)
        text = render(refs, rows, tools, command, args.timeout, code)
        print(text)
        if args.out:
            args.out.write_text(text + "\n" + _keep_diagnosis(args.out), encoding="utf-8")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
