"""The work of one batch worker, shared by both engines (`ie.batch` local, `ie.batch_ray`).

A `Task` (a document, numbered in input order) goes in; a `Result` (its record as one JSON line,
plus what the summary needs) comes out. `WorkerState` holds the extractor a worker built once;
any exception but ConfigError becomes an error record. `serve` is a local worker process's loop
over its pipe. `InOrder` releases results in task order.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import os
import resource
import signal
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from ie.errors import ConfigError
from ie.ingest import IMAGE_SUFFIXES
from ie.schema import Disclosure, ErrorInfo, Source

_MAX_MESSAGE = 500

Extractor = Callable[[Path], Disclosure]


# --- records ---------------------------------------------------------------------------------


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return ""
    return digest.hexdigest()


def _format_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        return "image"
    if suffix == ".pdf":
        return "pdf"
    try:
        with path.open("rb") as fh:
            return "pdf" if fh.read(1024).lstrip().startswith(b"%PDF-") else "txt"
    except OSError:
        return "txt"


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 1] + "…"


def error_record(path: Path, doc_id: str, exc: BaseException) -> Disclosure:
    """The record of a document that could not be processed: doc_id, source and error
    (type = the exception's class name, message = its text on one line), other fields empty."""
    source = Source(path=str(path), format=_format_of(path), sha256=_sha256_of(path))
    error = ErrorInfo(type=type(exc).__name__, message=_one_line(exc))
    return Disclosure(doc_id=doc_id, source=source, error=error)


def load_factory(spec: str) -> Callable[[str], Extractor]:
    """Import a "module:function" extractor factory. Options for it may follow a "?" as
    "key=value&key=value" (e.g. "ie.batch:default_extractor?ocr=always"), passed to it as
    keyword arguments. Raises ConfigError when it is missing."""
    target, _, query = spec.partition("?")
    module_name, _, attr = target.partition(":")
    try:
        factory = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError, ValueError) as exc:
        raise ConfigError(
            f"cannot load extractor factory {spec!r} ({exc}); give it as module:function"
        ) from exc
    options = dict(part.split("=", 1) for part in query.split("&") if "=" in part)
    return functools.partial(factory, **options) if options else factory


# --- the work done in a worker ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Task:
    """A document to extract, numbered in input order (`index` orders `--ordered` output)."""

    index: int
    path: Path
    doc_id: str
    pages: int = 1  # estimated up front (PDF page tree, image frames); sets the default limit


@dataclass(frozen=True, slots=True)
class Result:
    """What a worker sends back: the record as one JSON line, and what the summary needs."""

    index: int
    doc_id: str
    line: str
    pages: int
    error_type: str | None
    worker: str
    peak_rss_mb: float
    cpu_s: float = 0.0


class WorkerState:
    """The extractor a worker built once (or why it could not), and the work on one task."""

    def __init__(self, factory: str, backend: str) -> None:
        self.extract: Extractor | None = None
        self.init_error: str | None = None
        try:
            self.extract = load_factory(factory)(backend)
        except Exception as exc:  # reported on the first task, in the parent, as ConfigError
            self.init_error = f"{type(exc).__name__}: {_one_line(exc)}"

    def run(self, task: Task) -> Result:
        """Extract one document; any exception but ConfigError becomes an error record."""
        if self.extract is None:
            raise ConfigError(f"the extractor could not be built: {self.init_error}")
        cpu = time.process_time()
        try:
            record = self.extract(task.path)
            if not isinstance(record, Disclosure):
                raise TypeError(f"extractor returned {type(record).__name__}, not a Disclosure")
            record = record.model_copy(update={"doc_id": task.doc_id})
            line = record.to_json(indent=None)
        except ConfigError:
            raise  # a bad option or model, not a bad file: stop the run instead of failing all
        except Exception as exc:
            record = error_record(task.path, task.doc_id, exc)
            line = record.to_json(indent=None)
        error_type = record.error.type if record.error else None
        pages = 0 if error_type else (record.source.pages if record.source else None) or 1
        return Result(
            task.index,
            task.doc_id,
            line,
            pages,
            error_type,
            worker=str(os.getpid()),
            peak_rss_mb=peak_rss_mb(),
            cpu_s=time.process_time() - cpu,
        )


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1 << 20 if sys.platform == "darwin" else 1 << 10), 1)


# What a local worker sends once its extractor is built, before it takes any task.
READY = "ready"


def serve(conn: Connection, factory: str, backend: str, parent: int) -> None:
    """A local worker process: build the extractor, send READY on `conn`, then answer each Task
    received with its Result (or the ConfigError it raised), until it receives None or the pipe
    closes. Exits by itself when the batch process `parent` is gone."""
    # Ctrl-C reaches the whole process group; the batch process decides when workers stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _start_orphan_watch(parent)
    state = WorkerState(factory, backend)
    conn.send(READY)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        reply: Result | ConfigError
        try:
            reply = state.run(task)
        except ConfigError as exc:
            reply = exc
        conn.send(reply)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed parent not yet reaped by its own parent is a zombie: dead for us
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True


def _start_orphan_watch(parent: int, every_s: float = 1.0) -> None:
    """Exit this worker when the batch process is gone. Workers are children of the
    forkserver, not of the batch, and would otherwise wait forever after a SIGKILL."""
    import threading

    def watch() -> None:
        while _alive(parent):
            time.sleep(every_s)
        os._exit(1)

    threading.Thread(target=watch, name="ie-batch-orphan-watch", daemon=True).start()


class WorkerCrash(Exception):
    """A worker process died (segfault, out of memory) while extracting one document."""


class Timeout(Exception):
    """A document ran past the per-document time limit (`--timeout`); its worker was replaced."""


class MemoryLimit(Exception):
    """A document took its worker past the memory ceiling (`--max-memory`); the worker was
    replaced."""


def failed_result(task: Task, exc: Exception) -> Result:
    """The error record of a document whose worker never answered (type = `exc`'s class)."""
    record = error_record(task.path, task.doc_id, exc)
    line = record.to_json(indent=None)
    return Result(task.index, task.doc_id, line, 0, type(exc).__name__, "", 0.0)


def crash_result(task: Task, detail: str) -> Result:
    """The error record of a document whose worker process died while extracting it."""
    exc = WorkerCrash(f"{task.path}: the worker process died while extracting it ({detail})")
    return failed_result(task, exc)


# --- results in task order ---------------------------------------------------------------------


class InOrder:
    """Releases results in task order when `ordered` (holding the early ones), else at once."""

    def __init__(self, ordered: bool) -> None:
        self.ordered = ordered
        self.held: dict[int, Result] = {}
        self.next_index = 0

    def __len__(self) -> int:
        return len(self.held)

    def release(self, result: Result) -> Iterator[Result]:
        if not self.ordered:
            yield result
            return
        self.held[result.index] = result
        while self.next_index in self.held:
            yield self.held.pop(self.next_index)
            self.next_index += 1
