"""Batch extraction: every good doc extracted, every bad one an error record, none lost or
duplicated; resume after SIGKILL; torn lines; doc_id collisions; ordered output; per-document
time and memory limits; the Ray engine.

The extractor factories below are loaded by name in the worker processes ("test_batch:...").
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import JIANGSU, REAL_DIR, jiangsu_pdfs

from ie.batch import (
    DocIds,
    Limits,
    Task,
    open_output,
    recover_output,
    run_batch,
    run_local,
    summary_path,
    walk_inputs,
)
from ie.errors import ConfigError
from ie.pipeline import extract

TESTS = Path(__file__).resolve().parent


# --- extractor factories used by name in workers --------------------------------------------


def slow_factory(backend: str):
    """The pipeline, slowed down so that a run can be killed half-way."""

    def run(path: Path):
        time.sleep(0.12)
        return extract(path, backend=backend)

    return run


def flaky_factory(backend: str):
    """Raises ValueError on files named *boom*, kills its process on files named *crash*."""

    def run(path: Path):
        name = Path(path).name
        if "boom" in name:
            raise ValueError("cannot reconcile the totals\nsecond line of detail")
        if "crash" in name:
            os._exit(3)  # a worker dying outright, as a segfault or OOM kill would
        return extract(path, backend=backend)

    return run


def limits_factory(backend: str):
    """A quick stand-in record for most files; sleeps a minute on files named *slow*, and on
    files named *hog* takes memory 40 MB at a time (up to 2 GB, then sleeps)."""
    from ie.schema import Disclosure, Source

    def run(path: Path):
        name = Path(path).name
        if "slow" in name:
            time.sleep(60)
        if "hog" in name:
            hoard = []
            for _ in range(50):
                hoard.append(b"x" * (40 << 20))  # written, so resident
                time.sleep(0.02)
            time.sleep(60)
        return Disclosure(doc_id=path.stem, source=Source(path=str(path), format="txt", sha256=""))

    return run


def broken_factory(backend: str):
    raise ConfigError(f"no model for backend {backend!r}")


def misconfigured_factory(backend: str):
    """Builds, but every extraction finds the configuration wrong."""

    def run(path: Path):
        raise ConfigError("the crf backend needs a model directory")

    return run


# --- corpora ---------------------------------------------------------------------------------


def _real_text() -> str:
    return next(iter(sorted(REAL_DIR.glob("*.txt")))).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    """Text variants of the real example (a GBK twin with the same stem in another folder),
    and four corrupt files. Returns name -> path; the folder is corpus["root"]."""
    from reportlab.pdfgen import canvas

    root = tmp_path_factory.mktemp("corpus")
    text = _real_text()
    lines = text.split("\n")
    files: dict[str, Path] = {"root": root}

    def put(rel: str, data: bytes) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        files[rel] = path

    put("texts/utf8/budget.txt", text.encode("utf-8"))
    put("texts/gbk/budget.txt", text.encode("gbk"))  # same stem: doc_ids must not collide
    put("texts/first_part.txt", "\n".join(lines[: len(lines) * 3 // 5]).encode("utf-8"))
    put("texts/spaces.txt", text.replace("\t", "  ").encode("utf-8"))
    put("texts/crlf.TXT", text.replace("\n", "\r\n").encode("utf-8"))
    put("notes/readme.md", b"# not a disclosure, not matched by the default patterns\n")
    put("bad/empty.txt", b"")
    put("bad/garbage.txt", bytes(range(256)) * 64)
    c = canvas.Canvas(str(root / "bad" / "encrypted.pdf"), encrypt="pw")
    c.drawString(72, 720, "budget")
    c.save()
    files["bad/encrypted.pdf"] = root / "bad" / "encrypted.pdf"
    good = jiangsu_pdfs()[0].read_bytes() if jiangsu_pdfs() else _reportlab_pdf(root)
    put("bad/truncated.pdf", good[: len(good) // 3])
    return files


def _reportlab_pdf(root: Path) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = root / "whole.pdf.tmp"
    c = canvas.Canvas(str(path))
    c.setFont("STSong-Light", 12)
    for i in range(40):
        c.drawString(72, 780 - i * 18, f"部门预算支出总表 第{i}行 合计 {i}.5")
    c.save()
    data = path.read_bytes()
    path.unlink()
    return data


CORRUPT = {
    "bad/empty.txt": "empty file",
    "bad/garbage.txt": "binary data",
    "bad/encrypted.pdf": "encrypted PDF",
    "bad/truncated.pdf": "damaged or truncated PDF",
}
GOOD_TEXTS = (
    "texts/utf8/budget.txt",
    "texts/gbk/budget.txt",
    "texts/first_part.txt",
    "texts/spaces.txt",
    "texts/crlf.TXT",
)


def read_jsonl(path: Path) -> list[dict]:
    raw = path.read_bytes()
    assert raw == b"" or raw.endswith(b"\n"), "the output ends with a torn line"
    return [json.loads(line) for line in raw.decode("utf-8").splitlines()]


def by_path(records: list[dict]) -> dict[str, dict]:
    return {str(Path(r["source"]["path"]).resolve()): r for r in records}


def canonical(path: Path) -> list[str]:
    return sorted(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in read_jsonl(path))


# --- acceptance ------------------------------------------------------------------------------


def test_text_corpus_good_and_corrupt(corpus, tmp_path):
    out = tmp_path / "out.jsonl"
    summary = run_batch([corpus["root"]], out, workers=2, progress=False)
    records = read_jsonl(out)
    paths = by_path(records)
    assert len(records) == len(paths) == len(GOOD_TEXTS) + len(CORRUPT)  # none lost or repeated
    assert len({r["doc_id"] for r in records}) == len(records)
    for rel in GOOD_TEXTS:
        record = paths[str(corpus[rel].resolve())]
        assert "error" not in record, record.get("error")
        assert record["source"]["format"] == "txt" and len(record["source"]["sha256"]) == 64
    for rel, needle in CORRUPT.items():
        record = paths[str(corpus[rel].resolve())]
        assert record["error"]["type"] == "IngestError"
        assert needle in record["error"]["message"] and "\n" not in record["error"]["message"]
        assert record["doc_id"] == corpus[rel].stem
        assert record["source"]["path"] == str(corpus[rel])
        assert record["key_figures"] == {} and record["projects"] == []
    assert (summary.found, summary.done, summary.failed, summary.skipped) == (9, 5, 4, 0)
    assert summary.errors == {"IngestError": 4}
    assert json.loads(summary_path(out).read_text(encoding="utf-8")) == summary.model_dump()
    assert summary_path(out).name == "out.summary.json"


def test_gbk_twin_gives_the_same_record(corpus, tmp_path):
    out = tmp_path / "out.jsonl"
    run_batch([corpus["root"] / "texts"], out, workers=1, progress=False)
    paths = by_path(read_jsonl(out))
    utf8 = paths[str(corpus["texts/utf8/budget.txt"].resolve())]
    gbk = paths[str(corpus["texts/gbk/budget.txt"].resolve())]
    assert utf8["doc_id"] != gbk["doc_id"]
    assert utf8["doc_id"].startswith("budget-") and gbk["doc_id"].startswith("budget-")
    assert utf8["source"]["sha256"] != gbk["source"]["sha256"]
    for record in (utf8, gbk):
        record.pop("doc_id")
        record["source"].pop("path")
        record["source"].pop("sha256")
    assert utf8 == gbk


@pytest.mark.skipif(not jiangsu_pdfs(), reason="../shared/corpora/jiangsu is absent")
def test_jiangsu_pdfs_with_text_and_corrupt_docs(corpus, tmp_path):
    out = tmp_path / "all.jsonl"
    summary = run_batch([JIANGSU, corpus["root"]], out, workers=2, progress=False)
    records = read_jsonl(out)
    paths = by_path(records)
    pdfs = jiangsu_pdfs()
    assert len(records) == len(paths) == len(pdfs) + len(GOOD_TEXTS) + len(CORRUPT)
    assert len({r["doc_id"] for r in records}) == len(records)
    for pdf in pdfs:
        record = paths[str(pdf.resolve())]
        assert "error" not in record, record.get("error")
        assert record["source"]["format"] == "pdf" and record["source"]["pages"] >= 1
    assert summary.done == len(pdfs) + len(GOOD_TEXTS) and summary.failed == len(CORRUPT)
    assert summary.pages >= sum(paths[str(p.resolve())]["source"]["pages"] for p in pdfs)
    assert summary.peak_rss_mb and all(mb > 0 for mb in summary.peak_rss_mb.values())


# --- failures inside workers -----------------------------------------------------------------


def test_exceptions_and_dead_workers_become_error_records(corpus, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    text = corpus["texts/first_part.txt"].read_bytes()
    for name in ("a", "b_boom", "c", "d_crash", "e", "f", "g"):
        (src / f"{name}.txt").write_bytes(text)
    out = tmp_path / "out.jsonl"
    summary = run_batch(
        [src], out, workers=2, progress=False, factory="test_batch:flaky_factory", ordered=True
    )
    records = read_jsonl(out)
    assert [r["doc_id"] for r in records] == ["a", "b_boom", "c", "d_crash", "e", "f", "g"]
    errors = {r["doc_id"]: r["error"] for r in records if "error" in r}
    assert set(errors) == {"b_boom", "d_crash"}  # the crash is pinned on its own document
    assert errors["b_boom"] == {
        "type": "ValueError",
        "message": "cannot reconcile the totals second line of detail",
    }
    assert (
        errors["d_crash"]["type"] == "WorkerCrash" and "d_crash.txt" in errors["d_crash"]["message"]
    )
    assert summary.errors == {"ValueError": 1, "WorkerCrash": 1} and summary.done == 5


def test_an_extractor_that_cannot_be_built_stops_the_run(corpus, tmp_path):
    with pytest.raises(ConfigError, match="no model for backend 'crf'"):
        run_batch(
            [corpus["root"] / "texts"],
            tmp_path / "out.jsonl",
            workers=1,
            progress=False,
            factory="test_batch:broken_factory",
        )


def test_a_config_error_while_extracting_stops_the_run(corpus, tmp_path):
    out = tmp_path / "out.jsonl"
    with pytest.raises(ConfigError, match="needs a model directory"):
        run_batch(
            [corpus["root"]],
            out,
            workers=2,
            progress=False,
            factory="test_batch:misconfigured_factory",
        )
    assert read_jsonl(out) == []  # not one error record per file


def test_the_output_inside_an_input_folder_is_not_read_back(corpus, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "doc.txt").write_bytes(corpus["texts/first_part.txt"].read_bytes())
    summary = run_batch([src], src / "out.jsonl", workers=1, progress=False, glob="*")
    assert summary.found == 1 and [r["doc_id"] for r in read_jsonl(src / "out.jsonl")] == ["doc"]
    again = run_batch([src], src / "out.jsonl", workers=1, progress=False, glob="*", resume=True)
    assert (again.found, again.skipped, again.done) == (1, 1, 0)


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"engine": "spark"}, "valid engines: local, ray"),
        ({"workers": 0}, "at least 1"),
        ({"factory": "no_such_module:f"}, "module:function"),
        ({"timeout_s": -1}, "--timeout must be 0 .no limit. or more"),
        ({"max_memory_mb": -5}, "--max-memory must be 0 .no limit. or more"),
        ({"engine": "ray", "timeout_s": 30}, "engine local only"),
    ],
)
def test_bad_options_are_config_errors(corpus, tmp_path, kwargs, needle):
    with pytest.raises(ConfigError, match=needle):
        run_batch([corpus["root"]], tmp_path / "out.jsonl", progress=False, **kwargs)


def test_a_second_writer_is_refused(tmp_path):
    out = tmp_path / "out.jsonl"
    with open_output(out), pytest.raises(ConfigError, match="another batch"):
        run_batch([tmp_path], out, workers=1, progress=False)


# --- per-document limits --------------------------------------------------------------------


def _folder(root: Path, names: list[str]) -> Path:
    root.mkdir()
    for name in names:
        (root / f"{name}.txt").write_text("预算", encoding="utf-8")
    return root


def test_a_document_past_the_timeout_becomes_a_timeout_record(tmp_path):
    names = ["a", "b", "c_slow", "d", "e", "f"]
    src = _folder(tmp_path / "in", names)
    out = tmp_path / "out.jsonl"
    start = time.monotonic()
    summary = run_batch(
        [src],
        out,
        workers=2,
        progress=False,
        ordered=True,
        factory="test_batch:limits_factory",
        timeout_s=1.5,
    )
    assert time.monotonic() - start < 20  # not the 60 s the slow document asks for
    records = read_jsonl(out)
    assert [r["doc_id"] for r in records] == names  # each once, in order
    errors = {r["doc_id"]: r["error"] for r in records if "error" in r}
    assert list(errors) == ["c_slow"]
    assert errors["c_slow"]["type"] == "Timeout"
    message = errors["c_slow"]["message"]
    assert "c_slow.txt" in message and "1.5 s" in message and "--timeout" in message
    assert "\n" not in message
    assert records[2]["source"]["path"] == str(src / "c_slow.txt")
    assert (summary.done, summary.failed, summary.errors) == (5, 1, {"Timeout": 1})
    assert summary.timeout_s == 1.5 and summary.max_memory_mb == 4000
    # The timed-out document's record is written like any other: a resume skips it.
    again = run_batch(
        [src], out, workers=1, progress=False, resume=True, factory="test_batch:limits_factory"
    )
    assert (again.skipped, again.done, again.failed) == (6, 0, 0)
    assert len(read_jsonl(out)) == 6


def test_a_document_over_the_memory_ceiling_becomes_a_memory_limit_record(tmp_path):
    src = _folder(tmp_path / "in", ["a", "b_hog", "c", "d"])
    out = tmp_path / "out.jsonl"
    summary = run_batch(
        [src],
        out,
        workers=1,
        progress=False,
        ordered=True,
        factory="test_batch:limits_factory",
        max_memory_mb=400,
        timeout_s=15,  # were the ceiling not enforced, the hog would still end
    )
    records = read_jsonl(out)
    assert [r["doc_id"] for r in records] == ["a", "b_hog", "c", "d"]
    (hog,) = [r for r in records if "error" in r]
    assert hog["doc_id"] == "b_hog" and hog["error"]["type"] == "MemoryLimit"
    assert "400 MB" in hog["error"]["message"] and "--max-memory" in hog["error"]["message"]
    assert (summary.done, summary.failed, summary.errors) == (3, 1, {"MemoryLimit": 1})
    # One worker did a, another (its replacement, with the extractor built again) c and d.
    assert len(summary.peak_rss_mb) == 2 and all(mb < 400 for mb in summary.peak_rss_mb.values())


def test_zero_means_no_limit(tmp_path):
    src = _folder(tmp_path / "in", ["a", "b"])
    summary = run_batch(
        [src],
        tmp_path / "out.jsonl",
        workers=1,
        progress=False,
        factory="test_batch:limits_factory",
        timeout_s=0,
        max_memory_mb=0,
    )
    assert (summary.done, summary.timeout_s, summary.max_memory_mb) == (2, 0, 0)
    assert Limits(0, 0) == Limits(timeout_s=0.0, max_memory_mb=0)


def test_cli_batch_timeout_on_a_real_document(tmp_path):
    """The real pipeline on 120 copies of the sample takes far more than 5 s (about 0.3 s a
    copy once the pipeline remembers the first copy's words and cells); one copy of its first
    part, far less."""
    src = tmp_path / "in"
    src.mkdir()
    lines = _real_text().split("\n")
    (src / "small.txt").write_text("\n".join(lines[: len(lines) * 3 // 5]), encoding="utf-8")
    (src / "huge.txt").write_text(_real_text() * 120, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    args = [sys.executable, "-m", "ie.cli", "batch", str(src), "-o", str(out)]
    args += ["--workers", "2", "--timeout", "5", "--no-progress"]
    result = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    records = {r["doc_id"]: r for r in read_jsonl(out)}
    assert set(records) == {"small", "huge"}
    assert "error" not in records["small"] and records["small"]["department"]["name"]
    assert records["huge"]["error"]["type"] == "Timeout"
    assert "1 done, 1 failed" in result.stderr


def test_cli_batch_help_describes_the_limits():
    result = subprocess.run(
        [sys.executable, "-m", "ie.cli", "batch", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert result.returncode == 0, result.stderr
    assert "--timeout" in result.stdout and "--max-memory" in result.stdout
    flat = " ".join(result.stdout.replace("│", " ").split())  # rich wraps in a box
    assert "(default 120, or 10 s a page if that is more, for scans; 0: no limit)" in flat
    assert "(default 4000; 0: no limit)" in flat


# --- doc_ids and the walk --------------------------------------------------------------------


def test_doc_ids_hash_only_colliding_stems_and_do_not_depend_on_spelling(corpus, monkeypatch):
    root = corpus["root"]
    ids = DocIds.scan(walk_inputs([root]))
    got = {f.key: ids.doc_id(f) for f in walk_inputs([root])}
    assert got["texts/spaces.txt"] == "spaces"
    assert got["bad/empty.txt"] == "empty"
    twins = [got["texts/utf8/budget.txt"], got["texts/gbk/budget.txt"]]
    assert len(set(twins)) == 2 and all(len(t) == len("budget-") + 8 for t in twins)
    # The same files named another way (relative, folders listed separately) get the same ids.
    monkeypatch.chdir(root)
    parts = [Path("texts"), Path("bad"), Path("notes")]
    ids2 = DocIds.scan(walk_inputs(parts))
    again = {f.key: ids2.doc_id(f) for f in walk_inputs(parts)}
    assert again == got


def test_walk_is_sorted_filtered_and_without_repeats(corpus):
    root = corpus["root"]
    # Inputs inside another input folder are not walked twice; files come before subfolders.
    keys = [f.key for f in walk_inputs([root, root / "texts", corpus["bad/empty.txt"]])]
    assert keys == [
        "bad/empty.txt",
        "bad/encrypted.pdf",
        "bad/garbage.txt",
        "bad/truncated.pdf",
        "texts/crlf.TXT",
        "texts/first_part.txt",
        "texts/spaces.txt",
        "texts/gbk/budget.txt",
        "texts/utf8/budget.txt",
    ]
    assert [f.key for f in walk_inputs([root], glob="*.pdf")] == [
        "bad/encrypted.pdf",
        "bad/truncated.pdf",
    ]
    assert [f.key for f in walk_inputs([root], glob="texts/*/*.txt")] == [
        "texts/gbk/budget.txt",
        "texts/utf8/budget.txt",
    ]


def test_a_missing_input_becomes_an_error_record(tmp_path):
    out = tmp_path / "out.jsonl"
    summary = run_batch([tmp_path / "nowhere.txt"], out, workers=1, progress=False)
    (record,) = read_jsonl(out)
    assert record["doc_id"] == "nowhere" and "no such file" in record["error"]["message"]
    assert summary.failed == 1


def test_tasks_are_pulled_lazily():
    pulled = 0

    def endless() -> Iterator[Task]:
        nonlocal pulled
        while True:
            pulled += 1
            yield Task(pulled - 1, Path(f"/nonexistent/{pulled}.txt"), str(pulled))

    results = run_local(
        endless(), workers=1, backend="rules", factory="ie.batch:default_extractor", ordered=True
    )
    first = next(results)
    results.close()
    assert first.index == 0 and first.error_type == "IngestError"
    assert pulled <= 4  # a bounded window, not the whole (endless) corpus


# --- ordered output --------------------------------------------------------------------------


def test_ordered_output_follows_the_walk(corpus, tmp_path):
    out = tmp_path / "ordered.jsonl"
    run_batch([corpus["root"]], out, workers=2, progress=False, ordered=True)
    paths = [str(Path(r["source"]["path"]).resolve()) for r in read_jsonl(out)]
    walked = [str((corpus["root"] / f.key).resolve()) for f in walk_inputs([corpus["root"]])]
    assert paths == walked


# --- resume ----------------------------------------------------------------------------------


def _lines(n: int) -> list[bytes]:
    return [json.dumps({"doc_id": f"d{i}", "source": None}).encode() + b"\n" for i in range(n)]


def test_a_torn_last_line_is_cut_and_redone(tmp_path):
    out = tmp_path / "out.jsonl"
    good = _lines(3)
    out.write_bytes(b"".join(good) + good[0][:-9])  # killed half-way through a 4th line
    recovered = recover_output(out)
    assert recovered.doc_ids == {"d0", "d1", "d2"} and recovered.dropped == 1
    assert out.read_bytes() == b"".join(good)


def test_a_last_line_without_its_newline_is_redone(tmp_path):
    out = tmp_path / "out.jsonl"
    good = _lines(2)
    out.write_bytes(good[0] + good[1][:-1])  # valid JSON, but the newline never made it
    assert recover_output(out).doc_ids == {"d0"}
    assert out.read_bytes() == good[0]


def test_bad_and_duplicate_lines_inside_the_file_are_removed(tmp_path):
    out = tmp_path / "out.jsonl"
    good = _lines(3)
    out.write_bytes(good[0] + b"{not json\n" + good[1] + good[0] + good[2])
    recovered = recover_output(out)
    assert recovered.doc_ids == {"d0", "d1", "d2"} and recovered.dropped == 2
    assert out.read_bytes() == b"".join(good)


def _live_in_group(pgid: int) -> list[int]:
    """Processes of process group `pgid` that are running (not zombies); [] without /proc."""
    live = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_bytes().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != b"Z":
            live.append(int(stat.parent.name))
    return live


def test_resume_after_sigkill_completes_without_duplicates(corpus, tmp_path):
    src = tmp_path / "in"
    for i in range(24):
        sub = src / f"part{i % 3}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"doc{i:02d}.txt").write_bytes(corpus["texts/first_part.txt"].read_bytes())
    (src / "part0" / "empty.txt").write_bytes(b"")
    out = tmp_path / "out.jsonl"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]),
    }
    args = [sys.executable, "-m", "ie.batch", str(src), "-o", str(out), "--workers", "2"]
    args += ["--no-progress", "--factory", "test_batch:slow_factory"]
    proc = subprocess.Popen(args, env=env, start_new_session=True, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (not out.exists() or out.read_bytes().count(b"\n") < 6):
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)  # the batch process only, mid-run
    proc.wait(timeout=10)
    try:  # its workers notice and exit instead of waiting forever for work
        deadline = time.monotonic() + 10
        while _live_in_group(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _live_in_group(proc.pid), "worker processes outlived the killed batch"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    written = out.read_bytes()
    before = written.count(b"\n")
    assert 6 <= before < 25, "the run was not killed mid-way"
    # Make the kill land mid-write, whatever the timing: a torn copy of a line at the end.
    out.write_bytes(written + written.splitlines(keepends=True)[0][:40])

    resumed = subprocess.run(
        [*args[:-2], "--resume"], env=env, capture_output=True, text=True, timeout=60
    )
    assert resumed.returncode == 0, resumed.stderr
    records = read_jsonl(out)
    doc_ids = [r["doc_id"] for r in records]
    assert len(doc_ids) == len(set(doc_ids)) == 25
    summary = json.loads(summary_path(out).read_text(encoding="utf-8"))
    assert summary["skipped"] == before and summary["repaired_lines"] == 1
    assert summary["done"] + summary["failed"] == 25 - before

    clean = tmp_path / "clean.jsonl"
    run_batch([src], clean, workers=2, progress=False)
    assert canonical(out) == canonical(clean)


# --- the Ray engine --------------------------------------------------------------------------


def test_ray_engine_writes_what_the_local_engine_writes(corpus, tmp_path, monkeypatch):
    ray = pytest.importorskip("ray")
    small = [corpus["root"] / "texts", corpus["root"] / "bad"]
    local = tmp_path / "local.jsonl"
    run_batch(small, local, workers=2, progress=False, ordered=True)
    flaky = tmp_path / "flaky"
    flaky.mkdir()
    for name in ("a", "b_boom", "c_crash", "d"):
        (flaky / f"{name}.txt").write_bytes(corpus["texts/first_part.txt"].read_bytes())
    monkeypatch.setenv("PYTHONPATH", str(TESTS))  # Ray workers import the factories here
    ray.init(num_cpus=2, include_dashboard=False)
    try:
        remote = tmp_path / "ray.jsonl"
        summary = run_batch(small, remote, workers=2, progress=False, ordered=True, engine="ray")
        crashed = run_batch(
            [flaky],
            tmp_path / "flaky.jsonl",
            workers=2,
            progress=False,
            engine="ray",
            factory="test_batch:flaky_factory",
        )
    finally:
        ray.shutdown()
    assert remote.read_bytes() == local.read_bytes()
    assert summary.engine == "ray" and (summary.done, summary.failed) == (5, 4)
    errors = {
        r["doc_id"]: r["error"]["type"]
        for r in read_jsonl(tmp_path / "flaky.jsonl")
        if "error" in r
    }
    assert errors == {"b_boom": "ValueError", "c_crash": "WorkerCrash"}
    assert crashed.done == 2


def test_default_time_limit_grows_with_the_pages_of_a_long_scan():
    from ie.batch import DEFAULT_PER_PAGE_S, DEFAULT_TIMEOUT_S, Limits
    from ie.batch_worker import Task

    default = Limits(DEFAULT_TIMEOUT_S, 4000, DEFAULT_PER_PAGE_S)
    short, long = Task(0, Path("a.pdf"), "a", 3), Task(1, Path("b.pdf"), "b", 60)
    assert default.seconds_for(short) == DEFAULT_TIMEOUT_S
    assert default.seconds_for(long) == 60 * DEFAULT_PER_PAGE_S
    explicit = Limits(5.0, 4000)  # --timeout given: exactly that, whatever the pages
    assert explicit.seconds_for(long) == 5.0
    assert Limits(0, 4000, DEFAULT_PER_PAGE_S).seconds_for(long) == 0.0
