"""Batch extraction at corpus scale: many inputs in, one JSONL file of Disclosure records out.

`run_batch(inputs, out)` walks the inputs (files, or folders searched recursively for `.txt` and
`.pdf`), extracts every document in parallel worker processes (each worker builds its extractor
once) and appends one record per line to `out`, flushing after each line. A file that fails, with
any exception, becomes an error record (SCHEMA.md: `doc_id`, `source`, `error` with the
exception's class name and one-line message) and the run goes on; a worker process that dies on a
file gives that file a `WorkerCrash` error record. Only a ConfigError (a bad option or model, the
same for every file) stops the run. A summary (done, failed, skipped, throughput, peak RSS per
worker) is returned and written next to the output as `OUT.summary.json`.

doc_id rule: the file stem, as SCHEMA.md says, when no other input file has the same stem; when
two or more inputs share a stem, each of them gets `stem-XXXXXXXX`, the first 8 hex digits of the
SHA-1 of its POSIX path relative to the common ancestor of all input roots (16 digits in the
unlikely case that id is itself another file's stem). The rule depends only on the set of input
files, not on the order of processing or on how the inputs are spelled (relative, absolute), so
`--resume` with the same inputs recognises every doc.

Resume: the records already in `out` are read back; their doc_ids are skipped. A last line torn
by a kill (no newline, or not JSON) is cut off and its document redone; any other unreadable or
duplicated line is dropped the same way, so the file never holds a corrupt line. An exclusive
lock on `out` keeps two runs from writing it at once.

Memory: the directory walk is lazy (two passes: one counts stems, one feeds the workers), at most
2 x workers documents are in flight or waiting to be written, and records are never kept after
their line is written. What grows with the corpus is one counter entry per distinct stem and,
with `--resume`, the set of doc_ids already written.

`python -m ie.batch INPUT... -o OUT.jsonl` runs the same thing from a shell.
"""

from __future__ import annotations

import argparse
import contextlib
import fnmatch
import hashlib
import json
import os
import sys
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from pydantic import BaseModel, ConfigDict, Field

# The worker's types live in ie.batch_worker (shared with ie.batch_ray); re-exported here.
from ie.batch_worker import (  # noqa: F401
    Extractor,
    InOrder,
    Result,
    Task,
    WorkerCrash,
    WorkerState,
    _init_worker,
    _one_line,
    _work,
    crash_result,
    error_record,
    load_factory,
    peak_rss_mb,
)
from ie.errors import BudgetIEError, ConfigError
from ie.pipeline import DEFAULT_BACKEND

DEFAULT_PATTERNS: tuple[str, ...] = ("*.txt", "*.pdf")
ENGINES: tuple[str, ...] = ("local", "ray")
# A factory is "module:function"; function(backend) returns a callable path -> Disclosure.
DEFAULT_FACTORY = "ie.batch:default_extractor"


# --- inputs and doc_ids ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InputFile:
    """One document to extract: `path` as the user's input spells it, `key` its POSIX path
    relative to the common ancestor of all input roots (what a colliding doc_id hashes)."""

    path: Path
    key: str


@dataclass(frozen=True, slots=True)
class _Root:
    given: Path  # as the user wrote it
    resolved: Path
    is_dir: bool


def _roots(inputs: Sequence[Path]) -> list[_Root]:
    """Input roots without repeats: an input inside a folder that is also an input is dropped,
    so no file is walked twice."""
    roots: list[_Root] = []
    for given in map(Path, inputs):
        resolved = given.resolve()
        is_dir = resolved.is_dir()
        if any(r.resolved == resolved for r in roots):
            continue
        roots.append(_Root(given, resolved, is_dir))
    dirs = [r.resolved for r in roots if r.is_dir]
    return [
        r for r in roots if not any(d != r.resolved and r.resolved.is_relative_to(d) for d in dirs)
    ]


def _matches(rel: str, name: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(rel, p) or fnmatch.fnmatchcase(name, p) for p in patterns)


def _patterns(glob: str | None) -> tuple[str, ...]:
    if glob:
        return (glob,)
    # Suffixes are matched case-insensitively: scanned archives are full of .PDF.
    return DEFAULT_PATTERNS + tuple(p.upper() for p in DEFAULT_PATTERNS)


def walk_inputs(
    inputs: Sequence[Path], glob: str | None = None, exclude: Iterable[Path] = ()
) -> Iterator[InputFile]:
    """Yield the documents under `inputs`, lazily, in a deterministic order.

    Files named directly are always taken; folders are searched recursively (sorted, symlinked
    folders not followed) for files matching `glob` (fnmatch on the path relative to the folder
    or on the file name; default `*.txt` and `*.pdf`). A missing input is yielded too, so that
    it becomes an error record rather than silently disappearing. Files in `exclude` (the
    batch's own output) are left out.
    """
    skip = {p.resolve() for p in exclude}
    roots = _roots(inputs)
    if not roots:
        return
    anchors = [r.resolved if r.is_dir else r.resolved.parent for r in roots]
    common = Path(os.path.commonpath([str(a) for a in anchors]))
    patterns = _patterns(glob)
    for root in roots:
        if not root.is_dir:
            yield InputFile(root.given, root.resolved.relative_to(common).as_posix())
            continue
        for dirpath, dirnames, filenames in os.walk(root.resolved):
            dirnames.sort()  # in place: os.walk then descends in sorted order
            rel_dir = Path(dirpath).relative_to(root.resolved)
            for name in sorted(filenames):
                rel = (rel_dir / name).as_posix()
                if _matches(rel, name, patterns) and Path(dirpath, name) not in skip:
                    yield InputFile(
                        root.given / rel_dir / name,
                        (Path(dirpath) / name).relative_to(common).as_posix(),
                    )


class DocIds:
    """The doc_id rule (module docstring): stem, or stem + hash of the relative path when
    several inputs share the stem. Built by `DocIds.scan`, which counts stems in one lazy pass."""

    def __init__(self, stem_counts: Counter[str]) -> None:
        self._counts = stem_counts

    @classmethod
    def scan(cls, files: Iterable[InputFile]) -> DocIds:
        """Count the stems of `files` (only the stems are kept, not the files)."""
        return cls(Counter(f.path.stem for f in files))

    @property
    def total(self) -> int:
        """How many input files were counted."""
        return sum(self._counts.values())

    def doc_id(self, file: InputFile) -> str:
        """The doc_id of `file`."""
        stem = file.path.stem
        if self._counts[stem] <= 1:
            return stem
        digest = hashlib.sha1(file.key.encode("utf-8")).hexdigest()
        doc_id = f"{stem}-{digest[:8]}"
        return f"{stem}-{digest[:16]}" if doc_id in self._counts else doc_id


# --- the extractor a worker builds by default ------------------------------------------------


def default_extractor(backend: str) -> Extractor:
    """The pipeline's extractor for `backend`, built once per worker (its model loads once)."""
    from ie.pipeline import get_extractor

    return get_extractor(backend).extract


# --- the local engine ------------------------------------------------------------------------


def _pool(workers: int, factory: str, backend: str) -> ProcessPoolExecutor:
    import multiprocessing as mp

    # forkserver: workers fork from a clean, single-threaded server (never from this process,
    # whose progress bar runs a thread), with the pipeline already imported.
    if "forkserver" not in mp.get_all_start_methods():  # Windows
        ctx = mp.get_context("spawn")
    else:
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["ie.pipeline"])
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=ctx,
        initializer=_init_worker,
        initargs=(factory, backend, os.getpid()),
    )


def run_local(
    tasks: Iterator[Task], *, workers: int, backend: str, factory: str, ordered: bool
) -> Iterator[Result]:
    """Run `tasks` over a pool of `workers` processes, yielding Results as they finish (or in
    task order when `ordered`). At most 2×workers documents are in flight or buffered.

    When a worker dies (segfault, OOM kill), every document then in flight is retried alone in
    a fresh pool; one that kills its worker again becomes a WorkerCrash error record.
    """
    window = max(2, 2 * workers)
    pool = _pool(workers, factory, backend)
    inflight: dict[Future[Result], tuple[Task, bool]] = {}
    suspects: deque[Task] = deque()
    buffer = InOrder(ordered)
    exhausted = False
    try:
        while True:
            while True:
                if suspects:
                    if inflight:
                        break
                    task, alone = suspects.popleft(), True
                elif exhausted or len(inflight) + len(buffer) >= window:
                    break
                else:
                    task, alone = next(tasks, None), False
                    if task is None:
                        exhausted = True
                        break
                inflight[pool.submit(_work, task)] = (task, alone)
            if not inflight:
                break
            done, _ = wait(inflight, return_when=FIRST_COMPLETED)
            finished: list[Result] = []
            broken = False
            for future in done:
                task, alone = inflight.pop(future)
                try:
                    finished.append(future.result())
                except BrokenProcessPool as exc:
                    broken = True
                    if alone:
                        finished.append(crash_result(task, _one_line(exc)))
                    else:
                        suspects.append(task)
            if broken:
                # Every other document in flight died with the pool: retry each alone.
                for future, (task, _alone) in list(inflight.items()):
                    try:
                        finished.append(future.result())
                    except BrokenProcessPool:
                        suspects.append(task)
                inflight.clear()
                suspects = deque(sorted(suspects, key=lambda t: t.index))
                pool.shutdown(wait=True, cancel_futures=True)
                pool = _pool(workers, factory, backend)
            for result in finished:
                yield from buffer.release(result)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


# --- output ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Recovered:
    """What an existing output file holds: the doc_ids of its complete records, and how many
    torn, unreadable or duplicate lines were cut from it."""

    doc_ids: frozenset[str]
    dropped: int


def _doc_id_of(line: bytes) -> str | None:
    if not line.endswith(b"\n"):
        return None  # torn: the writer was killed before the newline
    try:
        data = json.loads(line)
    except ValueError:
        return None
    doc_id = data.get("doc_id") if isinstance(data, dict) else None
    return doc_id if isinstance(doc_id, str) and doc_id else None


def recover_output(out: Path) -> Recovered:
    """Read back `out` for `--resume` and repair it in place (see `recover`)."""
    if not out.exists():
        return Recovered(frozenset(), 0)
    with out.open("r+b") as fh:
        return recover(fh)


def recover(fh: BinaryIO) -> Recovered:
    """Scan the open output `fh` (readable, writable) and repair it: a torn last line is cut
    off; any other unreadable or duplicate line is removed by rewriting the file in place. A
    kill during that rewrite only loses good lines, which the next resume redoes."""
    seen: set[str] = set()
    dropped = 0
    good_end = 0  # end of the clean prefix: the lines kept before the first bad one
    bad_lines_after = 0
    fh.seek(0)
    for line in fh:
        doc_id = _doc_id_of(line)
        if doc_id is None or doc_id in seen:
            dropped += 1
        else:
            seen.add(doc_id)
        if dropped == 0:
            good_end += len(line)
        else:
            bad_lines_after += 1
    if dropped == 1 and bad_lines_after == 1:
        fh.truncate(good_end)  # the common case: only the last line is torn
    elif dropped:
        _rewrite_good_lines(fh)
    fh.seek(0, os.SEEK_END)
    return Recovered(frozenset(seen), dropped)


def _rewrite_good_lines(fh: BinaryIO) -> None:
    import tempfile

    seen: set[str] = set()
    with tempfile.TemporaryFile() as tmp:
        fh.seek(0)
        for line in fh:
            doc_id = _doc_id_of(line)
            if doc_id is not None and doc_id not in seen:
                seen.add(doc_id)
                tmp.write(line)
        tmp.seek(0)
        fh.truncate(0)
        fh.seek(0)  # a handle opened without O_APPEND would write at its old position
        for block in iter(lambda: tmp.read(1 << 20), b""):
            fh.write(block)
        fh.flush()


def summary_path(out: Path) -> Path:
    """Where the summary of a batch writing `out` goes: OUT.jsonl -> OUT.summary.json."""
    return out.with_suffix(".summary.json")


@contextlib.contextmanager
def open_output(out: Path) -> Iterator[BinaryIO]:
    """Open `out` for appending and reading, refusing when another batch holds it (an
    exclusive lock, POSIX only). Nothing is truncated before the lock is held."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("a+b") as fh:
        try:
            import fcntl

            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:
            pass
        except OSError as exc:
            raise ConfigError(f"{out}: another batch run is writing this file") from exc
        yield fh


# --- summary and progress --------------------------------------------------------------------


class BatchSummary(BaseModel):
    """What a batch run did. `done` and `failed` count records written by this run;
    `skipped` counts inputs already in the output (`--resume`); `cpu_s` is the CPU time the
    workers spent extracting, `peak_rss_mb` each worker's peak resident memory (MiB)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    output: str
    engine: str
    backend: str
    workers: int
    ordered: bool
    resumed: bool
    found: int
    done: int
    failed: int
    skipped: int
    repaired_lines: int = 0
    pages: int
    elapsed_s: float
    files_per_s: float
    pages_per_s: float
    errors: dict[str, int] = Field(default_factory=dict)
    peak_rss_mb: dict[str, float] = Field(default_factory=dict)
    cpu_s: float = 0.0
    interrupted: bool = False

    def line(self) -> str:
        """One human line: counts and throughput."""
        text = (
            f"{self.done} done, {self.failed} failed, {self.skipped} skipped "
            f"in {self.elapsed_s:.1f} s ({self.files_per_s:.1f} files/s, "
            f"{self.pages_per_s:.1f} pages/s) -> {self.output}"
        )
        return text + (" [interrupted]" if self.interrupted else "")


class _Progress:
    """A rich progress bar on stderr (files, pages/s, ETA, errors), or nothing."""

    def __init__(self, enabled: bool, total: int) -> None:
        self._bar = None
        if not enabled:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._bar = Progress(
            TextColumn("[bold]batch"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("files"),
            TextColumn("{task.fields[rate]} pages/s"),
            TextColumn("[red]{task.fields[errors]} errors"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
        )
        self._task = self._bar.add_task("batch", total=total, rate="-", errors=0)
        self._bar.start()

    def advance(self, tally: _Tally) -> None:
        """Show one more file finished (or skipped), with the running page rate and errors."""
        if self._bar is not None:
            elapsed = tally.elapsed
            rate = f"{tally.pages / elapsed:.1f}" if elapsed > 0 else "-"
            self._bar.update(self._task, advance=1, rate=rate, errors=tally.failed)

    def close(self, summary: BatchSummary | None) -> None:
        if self._bar is None:
            return
        self._bar.stop()
        if summary is not None:
            self._bar.console.print(f"batch: {summary.line()}", highlight=False, soft_wrap=True)


# --- the batch -------------------------------------------------------------------------------


def run_batch(
    inputs: Sequence[Path],
    out: Path,
    *,
    workers: int = os.cpu_count() or 1,
    resume: bool = False,
    backend: str = DEFAULT_BACKEND,
    glob: str | None = None,
    ordered: bool = False,
    engine: str = "local",
    address: str | None = None,
    progress: bool = True,
    factory: str = DEFAULT_FACTORY,
) -> BatchSummary:
    """Extract every document under `inputs` into `out` (JSONL, one record per line).

    `workers` processes (or Ray actors with `engine="ray"`, on the cluster at `address` or a
    local one) each build the extractor for `backend` once; `factory` ("module:function")
    replaces the pipeline's extractor. Without `resume` the output is started afresh; with it,
    doc_ids already in `out` are skipped. `ordered` writes records in input order. Returns the
    summary, also written to `OUT.summary.json`. Raises ConfigError for bad options.
    """
    if engine not in ENGINES:
        raise ConfigError(f"unknown engine {engine!r}; valid engines: {', '.join(ENGINES)}")
    if workers < 1:
        raise ConfigError(f"workers must be at least 1, got {workers}")
    if not inputs:
        raise ConfigError("no inputs given; name files or folders to extract")
    out = Path(out)
    if engine == "local":
        load_factory(factory)  # fail here, with a clear message, rather than in every worker
    own = (out, summary_path(out))
    ids = DocIds.scan(walk_inputs(inputs, glob, own))
    with open_output(out) as fh:
        recovered = recover(fh) if resume else Recovered(frozenset(), 0)
        if not resume:
            fh.truncate(0)  # only now, under the lock
        tally = _Tally()
        bar = _Progress(progress, ids.total)

        def tasks() -> Iterator[Task]:
            index = 0
            for file in walk_inputs(inputs, glob, own):
                doc_id = ids.doc_id(file)
                if doc_id in recovered.doc_ids:
                    tally.skipped += 1
                    bar.advance(tally)
                    continue
                yield Task(index, file.path, doc_id)
                index += 1

        if engine == "ray":
            from ie.batch_ray import run_ray

            results = run_ray(
                tasks(),
                workers=workers,
                backend=backend,
                factory=factory,
                ordered=ordered,
                address=address,
            )
        else:
            results = run_local(
                tasks(), workers=workers, backend=backend, factory=factory, ordered=ordered
            )
        try:
            with contextlib.closing(results):  # closing stops the workers, also on Ctrl-C
                for result in results:
                    fh.write(result.line.encode("utf-8") + b"\n")
                    fh.flush()  # a killed run loses at most the line being written
                    tally.add(result)
                    bar.advance(tally)
        except KeyboardInterrupt:
            tally.interrupted = True
            raise
        finally:
            summary = BatchSummary(
                output=str(out),
                engine=engine,
                backend=backend,
                workers=workers,
                ordered=ordered,
                resumed=resume,
                found=ids.total,
                repaired_lines=recovered.dropped,
                **tally.figures(),
            )
            _write_summary(summary_path(out), summary)
            bar.close(summary)
    return summary


class _Tally:
    """Running counts of a batch, turned into the summary's figures at the end."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.done = self.failed = self.skipped = self.pages = 0
        self.cpu = 0.0
        self.errors: Counter[str] = Counter()
        self.peaks: dict[str, float] = {}
        self.interrupted = False

    def add(self, result: Result) -> None:
        if result.error_type:
            self.failed += 1
            self.errors[result.error_type] += 1
        else:
            self.done += 1
        self.pages += result.pages
        self.cpu += result.cpu_s
        if result.worker:
            self.peaks[result.worker] = max(self.peaks.get(result.worker, 0.0), result.peak_rss_mb)

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def figures(self) -> dict[str, Any]:
        elapsed = self.elapsed
        return {
            "done": self.done,
            "failed": self.failed,
            "skipped": self.skipped,
            "pages": self.pages,
            "elapsed_s": round(elapsed, 3),
            "files_per_s": round((self.done + self.failed) / elapsed, 2) if elapsed else 0.0,
            "pages_per_s": round(self.pages / elapsed, 2) if elapsed else 0.0,
            "errors": dict(self.errors),
            "peak_rss_mb": self.peaks,
            "cpu_s": round(self.cpu, 3),
            "interrupted": self.interrupted,
        }


def _write_summary(path: Path, summary: BatchSummary) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(summary.model_dump_json(indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


# --- python -m ie.batch ----------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m ie.batch",
        description="Extract every .txt/.pdf disclosure under INPUT... into one JSONL file.",
    )
    p.add_argument("inputs", nargs="+", type=Path, metavar="INPUT")
    p.add_argument("-o", "--output", type=Path, required=True, help="JSONL file to write")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    p.add_argument("--resume", action="store_true", help="skip doc_ids already in OUT")
    p.add_argument("--backend", default=DEFAULT_BACKEND)
    p.add_argument("--glob", default=None, help="pattern inside folders (default *.txt, *.pdf)")
    p.add_argument("--ordered", action="store_true", help="write records in input order")
    p.add_argument("--engine", choices=ENGINES, default="local")
    p.add_argument("--address", default=None, help="Ray cluster address (engine ray)")
    p.add_argument("--no-progress", action="store_true")
    p.add_argument("--factory", default=DEFAULT_FACTORY, help=argparse.SUPPRESS)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status (2 for budget-ie errors)."""
    args = _parser().parse_args(argv)
    try:
        summary = run_batch(
            args.inputs,
            args.output,
            workers=args.workers,
            resume=args.resume,
            backend=args.backend,
            glob=args.glob,
            ordered=args.ordered,
            engine=args.engine,
            address=args.address,
            progress=not args.no_progress,
            factory=args.factory,
        )
    except BudgetIEError as exc:
        print(f"budget-ie: error: {exc}", file=sys.stderr)
        return 2
    if args.no_progress:
        print(f"batch: {summary.line()}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    # Run through the imported module, so workers unpickle ie.batch names, not __main__ ones.
    from ie.batch import main as _main

    sys.exit(_main())
