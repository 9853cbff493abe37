"""Batch extraction at corpus scale: many inputs in, one JSONL file of Disclosure records out.

`run_batch(inputs, out)` walks the inputs (files, or folders searched recursively for `.txt` and
`.pdf`), extracts every document in parallel worker processes (each worker builds its extractor
once) and appends one record per line to `out`, flushing after each line. A file that fails, with
any exception, becomes an error record (SCHEMA.md: `doc_id`, `source`, `error` with the
exception's class name and one-line message) and the run goes on; a worker process that dies on a
file gives that file a `WorkerCrash` error record. Per-document limits (local engine): a file
still extracting after `timeout_s` (default 120 s) gets a `Timeout` error record, one that takes
its worker past `max_memory_mb` of resident memory (default 4000 MiB) a `MemoryLimit` one; the
worker is killed and replaced, and 0 means no limit. Only a ConfigError (a bad option or model, the
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
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import wait as mp_wait
from pathlib import Path
from typing import Any, BinaryIO

from pydantic import BaseModel, ConfigDict, Field

# The worker's types live in ie.batch_worker (shared with ie.batch_ray); re-exported here.
from ie.batch_worker import (  # noqa: F401
    READY,
    Extractor,
    InOrder,
    MemoryLimit,
    Result,
    Task,
    Timeout,
    WorkerCrash,
    WorkerState,
    crash_result,
    error_record,
    failed_result,
    load_factory,
    peak_rss_mb,
    serve,
)
from ie.errors import BudgetIEError, ConfigError
from ie.ingest import IMAGE_SUFFIXES
from ie.pipeline import DEFAULT_BACKEND

DEFAULT_PATTERNS: tuple[str, ...] = ("*.txt", "*.pdf", *(f"*{s}" for s in sorted(IMAGE_SUFFIXES)))
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


def default_extractor(backend: str, ocr: str = "auto", ocr_engine: str = "") -> Extractor:
    """The pipeline's extractor for `backend`, built once per worker (its model loads once);
    `ocr` and `ocr_engine` as for `ie.ingest.ingest`."""
    from ie.pipeline import get_extractor

    return get_extractor(backend, ocr=ocr, ocr_engine=ocr_engine or None).extract


# --- the local engine ------------------------------------------------------------------------


# Per-document limits (local engine). 0 means no limit.
DEFAULT_TIMEOUT_S = 120.0
# With the default limit, a long document gets this many seconds per page if that is more:
# an OCR'd page takes 1-2 s, so a 100-page scan is not cut off at 120 s.
DEFAULT_PER_PAGE_S = 10.0
DEFAULT_MAX_MEMORY_MB = 4000
# How often the memory of busy workers is read.
_POLL_S = 0.1


@dataclass(frozen=True, slots=True)
class Limits:
    """What one document may take: `timeout_s` seconds of wall time (or `per_page_s` for each
    of its pages, if that is more) and `max_memory_mb` MiB of its worker's resident memory; 0
    means no limit."""

    timeout_s: float = DEFAULT_TIMEOUT_S
    max_memory_mb: int = DEFAULT_MAX_MEMORY_MB
    per_page_s: float = 0.0

    def seconds_for(self, task: Task) -> float:
        """The time limit of `task` (0: none)."""
        if not self.timeout_s:
            return 0.0
        return max(self.timeout_s, self.per_page_s * task.pages)

    def __post_init__(self) -> None:
        if self.timeout_s < 0:
            raise ConfigError(
                f"--timeout must be 0 (no limit) or more seconds, got {self.timeout_s}"
            )
        if self.max_memory_mb < 0:
            raise ConfigError(
                f"--max-memory must be 0 (no limit) or more MB, got {self.max_memory_mb}"
            )


def rss_mb(pid: int) -> float | None:
    """The resident memory of process `pid` in MiB, from /proc/PID/statm (None without /proc)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            pages = int(fh.read().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE") / (1 << 20)


def _context() -> Any:
    import multiprocessing as mp

    # forkserver: workers fork from a clean, single-threaded server (never from this process,
    # whose progress bar runs a thread), with the pipeline imported and the default extractor
    # built and loaded (ie.batch_warm).
    if "forkserver" not in mp.get_all_start_methods():  # Windows
        return mp.get_context("spawn")
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["ie.pipeline", "ie.batch_warm"])
    return ctx


class _Worker:
    """One local worker process (`ie.batch_worker.serve`) and the pipe to it. `task` is the
    document it holds, sent at `started` (monotonic seconds); `ready` once its extractor is built,
    `dead` once it died or was killed (it is then replaced)."""

    def __init__(self, ctx: Any, factory: str, backend: str) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(
            target=serve, args=(child, factory, backend, os.getpid()), name="ie-batch-worker"
        )
        self.proc.start()
        child.close()
        self.ready = self.dead = False
        self.task: Task | None = None
        self.started = 0.0

    def give(self, task: Task) -> None:
        self.conn.send(task)
        self.task, self.started = task, time.monotonic()

    def ask_to_stop(self) -> None:
        """Tell an idle worker to exit (it finishes its loop instead of being killed)."""
        with contextlib.suppress(OSError):
            self.conn.send(None)

    def stop(self, wait_s: float = 0.0) -> None:
        """Wait up to `wait_s` for the process to exit, kill it if it has not, and reap it."""
        self.proc.join(wait_s)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()
        self.dead = True


def _check(worker: _Worker, limits: Limits, now: float) -> Result | None:
    """What `worker` has to say, if anything: the Result it sent, or the error Result of the
    document it held when it died or ran past `limits`; in those cases it is killed and marked
    dead, for the caller to replace. Marks it ready on READY. Raises ConfigError when the worker
    sent one, or died before it was ready."""
    task = worker.task
    if worker.conn.poll():
        try:
            message = worker.conn.recv()
        except (EOFError, OSError):
            message = None  # the pipe closed with nothing in it: the worker died
        if isinstance(message, ConfigError):
            raise message  # a bad option or model, not a bad file: stop the run
        if isinstance(message, Result):
            worker.task = None
            return message
        if message == READY:
            worker.ready = True
            used = rss_mb(worker.proc.pid)
            if limits.max_memory_mb and used is not None and used > limits.max_memory_mb:
                raise ConfigError(
                    f"a worker takes {used:.0f} MB with the extractor loaded, before any "
                    f"document, over --max-memory {limits.max_memory_mb}; raise --max-memory"
                )
            return None
    if not worker.proc.is_alive():
        code = worker.proc.exitcode
        worker.stop()
        if not worker.ready:
            raise ConfigError(
                f"a worker process died while building the extractor (exit {code}); "
                f"run budget-ie extract on one file to see why"
            )
        return crash_result(task, f"exit code {code}") if task else None
    if task is None:
        return None
    error: Exception | None = None
    used = rss_mb(worker.proc.pid) if limits.max_memory_mb else None
    seconds = limits.seconds_for(task)
    if seconds and now - worker.started > seconds:
        error = Timeout(
            f"{task.path}: still extracting after the {seconds:g} s limit, so its worker "
            f"was killed and replaced; raise the limit with --timeout SECONDS (0: no limit)"
        )
    elif used is not None and used > limits.max_memory_mb:
        error = MemoryLimit(
            f"{task.path}: its worker took {used:.0f} MB, over the {limits.max_memory_mb} MB "
            f"limit, so it was killed and replaced; raise the limit with --max-memory MB "
            f"(0: no limit)"
        )
    if error is None:
        return None
    worker.stop()
    return failed_result(task, error)


def _wait_s(workers: list[_Worker], limits: Limits, now: float) -> float | None:
    """How long the loop may sleep: until the next deadline, or the next memory reading."""
    busy = [w for w in workers if w.task is not None]
    waits = [
        w.started + limits.seconds_for(w.task) - now
        for w in busy
        if w.task is not None and limits.seconds_for(w.task)
    ]
    if busy and limits.max_memory_mb:
        waits.append(_POLL_S)
    return max(0.0, min(waits)) if waits else None


def run_local(
    tasks: Iterator[Task],
    *,
    workers: int,
    backend: str,
    factory: str,
    ordered: bool,
    limits: Limits | None = None,
) -> Iterator[Result]:
    """Run `tasks` on `workers` processes, yielding Results as they finish (or in task order
    when `ordered`). At most 2×workers documents are in flight or buffered.

    Each worker holds one document at a time, so the document of a worker that dies (segfault,
    OOM kill) gets a WorkerCrash error record, one that runs past `limits` (default `Limits()`)
    a Timeout or MemoryLimit one, and only that worker is replaced: a new process builds its
    extractor again.
    """
    # Not a ProcessPoolExecutor: it cannot kill the one worker whose document overran. Here
    # each worker has its own pipe, so killing it breaks no other worker's channel (a shared
    # multiprocessing.Queue can be left locked by a killed writer).
    # Memory: this process reads each busy worker's RSS every _POLL_S rather than the worker
    # setting RLIMIT_AS. RLIMIT_AS caps address space, which model runtimes (BLAS/torch
    # arenas, mmapped weights) reserve far beyond what they use, so it would fail normal
    # documents; and a MemoryError raised inside C code may not be recoverable. RSS is what
    # the machine runs out of, and SIGKILL always ends the worker. The cost: an allocation
    # faster than the poll can overshoot briefly, and there is no ceiling without /proc (macOS).
    limits = limits or Limits()
    window = max(2, 2 * workers)
    ctx = _context()
    pool = [_Worker(ctx, factory, backend) for _ in range(workers)]
    buffer = InOrder(ordered)
    exhausted = False
    try:
        while True:
            for worker in pool:
                busy = sum(w.task is not None for w in pool)
                if exhausted or busy + len(buffer) >= window:
                    break
                if worker.ready and worker.task is None:
                    task = next(tasks, None)
                    if task is None:
                        exhausted = True
                        break
                    worker.give(task)
            if exhausted and all(w.task is None for w in pool):
                break
            handles = [w.conn for w in pool] + [w.proc.sentinel for w in pool]
            mp_wait(handles, _wait_s(pool, limits, time.monotonic()))
            now = time.monotonic()
            finished: list[Result] = []
            for i, worker in enumerate(pool):
                result = _check(worker, limits, now)
                if result is not None:
                    finished.append(result)
                if worker.dead and not exhausted:
                    pool[i] = _Worker(ctx, factory, backend)
            pool = [w for w in pool if not w.dead]  # with no documents left, none is replaced
            for result in finished:
                yield from buffer.release(result)
    finally:
        live = [w for w in pool if not w.dead]
        for worker in live:
            if worker.task is None:
                worker.ask_to_stop()
        deadline = time.monotonic() + 1.0
        for worker in live:  # a busy worker is killed at once: its document is not written
            idle = worker.task is None
            worker.stop(max(0.0, deadline - time.monotonic()) if idle else 0.0)


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
    timeout_s: float | None = None  # the per-document limits applied (None: not enforced)
    max_memory_mb: int | None = None

    def line(self) -> str:
        """One human line: counts and throughput."""
        text = (
            f"{self.done} done, {self.failed} failed, {self.skipped} skipped "
            f"in {self.elapsed_s:.1f} s ({self.files_per_s:.1f} files/s, "
            f"{self.pages_per_s:.1f} pages/s) -> {self.output}"
        )
        return text + (" [interrupted]" if self.interrupted else "")


def page_count(path: Path) -> int:
    """How many pages `path` has, read cheaply (PDF page tree, image frames; text: 1), so that
    the progress bar and its ETA count pages: a scanned page costs seconds of OCR, a text file
    a few milliseconds. 1 for anything unreadable."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".pdf":
            from ie.ingest import pdfium_with_box_font

            pdf = pdfium_with_box_font().PdfDocument(str(path))
            try:
                return max(1, len(pdf))
            finally:
                pdf.close()
        if suffix in IMAGE_SUFFIXES:
            from PIL import Image

            with Image.open(path) as image:
                return max(1, getattr(image, "n_frames", 1))
    except Exception:  # a damaged file is reported by its worker; here it is one page
        return 1
    return 1


class _Progress:
    """A rich progress bar on stderr (pages done of the estimated total, pages/s, ETA, files,
    errors), or nothing."""

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
            TextColumn("pages"),
            TextColumn("{task.fields[files]} files"),
            TextColumn("{task.fields[rate]} pages/s"),
            TextColumn("[red]{task.fields[errors]} errors"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
        )
        self._task = self._bar.add_task("batch", total=total, rate="-", errors=0, files=0)
        self._bar.start()

    def advance(self, tally: _Tally, pages: int) -> None:
        """Show one more file finished (or skipped), `pages` of the estimate, with the running
        page rate and errors."""
        if self._bar is not None:
            elapsed = tally.elapsed
            rate = f"{tally.pages / elapsed:.1f}" if elapsed > 0 else "-"
            files = tally.done + tally.failed + tally.skipped
            self._bar.update(self._task, advance=pages, rate=rate, errors=tally.failed, files=files)

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
    timeout_s: float | None = None,
    max_memory_mb: int | None = None,
    ocr: str = "auto",
    ocr_engine: str | None = None,
) -> BatchSummary:
    """Extract every document under `inputs` into `out` (JSONL, one record per line).

    `workers` processes (or Ray actors with `engine="ray"`, on the cluster at `address` or a
    local one) each build the extractor for `backend` once; `factory` ("module:function")
    replaces the pipeline's extractor. Without `resume` the output is started afresh; with it,
    doc_ids already in `out` are skipped. `ordered` writes records in input order. `timeout_s`
    and `max_memory_mb` limit each document (local engine; None: the defaults, 0: no limit).
    `ocr` and `ocr_engine` say how scans are read (`ie.ingest.ingest`); they are passed to
    the default factory. Returns the summary, also written to `OUT.summary.json`. Raises
    ConfigError for bad options.
    """
    if engine not in ENGINES:
        raise ConfigError(f"unknown engine {engine!r}; valid engines: {', '.join(ENGINES)}")
    limits: Limits | None = None
    if engine == "local":
        limits = Limits(
            DEFAULT_TIMEOUT_S if timeout_s is None else timeout_s,
            DEFAULT_MAX_MEMORY_MB if max_memory_mb is None else max_memory_mb,
            DEFAULT_PER_PAGE_S if timeout_s is None else 0.0,
        )
    elif timeout_s is not None or max_memory_mb is not None:
        # Ray has no kill-on-overrun for an actor's call, and a worker's memory on another node
        # is not ours to read; Ray's own memory monitor guards its nodes.
        raise ConfigError("--timeout and --max-memory apply to --engine local only")
    if workers < 1:
        raise ConfigError(f"workers must be at least 1, got {workers}")
    if not inputs:
        raise ConfigError("no inputs given; name files or folders to extract")
    out = Path(out)
    options = {"ocr": ocr} if ocr != "auto" else {}
    if ocr_engine and ocr_engine != "rapidocr":
        options["ocr_engine"] = ocr_engine
    if options:
        if factory != DEFAULT_FACTORY:
            raise ConfigError("OCR options apply to the default extractor factory only")
        factory += "?" + "&".join(f"{k}={v}" for k, v in options.items())
    if engine == "local":
        load_factory(factory)  # fail here, with a clear message, rather than in every worker
    own = (out, summary_path(out))
    ids = DocIds.scan(walk_inputs(inputs, glob, own))
    with open_output(out) as fh:
        recovered = recover(fh) if resume else Recovered(frozenset(), 0)
        if not resume:
            fh.truncate(0)  # only now, under the lock
        tally = _Tally()
        # Pages per file, estimated up front only for the progress bar.
        estimate: dict[Path, int] = {}
        if progress:
            estimate = {f.path: page_count(f.path) for f in walk_inputs(inputs, glob, own)}
        bar = _Progress(progress, sum(estimate.values()))
        pages_of: dict[int, int] = {}

        def tasks() -> Iterator[Task]:
            index = 0
            for file in walk_inputs(inputs, glob, own):
                doc_id = ids.doc_id(file)
                if doc_id in recovered.doc_ids:
                    tally.skipped += 1
                    bar.advance(tally, estimate.get(file.path, 1))
                    continue
                # Counted here only when the time limit depends on it.
                pages = estimate.get(file.path) or (
                    page_count(file.path) if limits and limits.per_page_s else 1
                )
                pages_of[index] = pages
                yield Task(index, file.path, doc_id, pages)
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
                tasks(),
                workers=workers,
                backend=backend,
                factory=factory,
                ordered=ordered,
                limits=limits,
            )
        try:
            with contextlib.closing(results):  # closing stops the workers, also on Ctrl-C
                for result in results:
                    fh.write(result.line.encode("utf-8") + b"\n")
                    fh.flush()  # a killed run loses at most the line being written
                    tally.add(result)
                    bar.advance(tally, pages_of.pop(result.index, 1))
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
                timeout_s=limits.timeout_s if limits else None,
                max_memory_mb=limits.max_memory_mb if limits else None,
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
    p.add_argument(
        "--timeout",
        type=float,
        default=None,
        help=f"seconds per document (default {DEFAULT_TIMEOUT_S:g}; 0: no limit)",
    )
    p.add_argument(
        "--max-memory",
        type=int,
        default=None,
        help=f"MB of memory per worker (default {DEFAULT_MAX_MEMORY_MB}; 0: no limit)",
    )
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
            timeout_s=args.timeout,
            max_memory_mb=args.max_memory,
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
