"""Imported by the local batch engine's forkserver (`ie.batch._context`), before any worker is
forked from it: builds the default extractor (`ie.batch.default_extractor` on the default
backend, the call a worker makes for the default job) and runs it once on a two-line text, so
that the model, jieba's dictionary and the lexicons are loaded once, in the server, and every
worker (and every replacement of a killed one) starts with them instead of loading its own
(~1.4 s of CPU each). A batch on another backend or factory builds its own, as before. Nothing
here starts a thread of its own (the server forks; numpy's OpenBLAS pool, which the pipeline
starts, is fork-safe), and a failure is left for the worker to meet and report."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

_TEXT = "2024年部门预算信息公开\n一般公共预算财政拨款收入100.00万元，项目支出绩效目标表。\n"


def _warm() -> None:
    from ie.batch import default_extractor
    from ie.pipeline import DEFAULT_BACKEND

    extract = default_extractor(DEFAULT_BACKEND)
    with tempfile.TemporaryDirectory(prefix="ie-warm-") as tmp:
        path = Path(tmp) / "warm.txt"
        path.write_text(_TEXT, encoding="utf-8")
        extract(path)


with contextlib.suppress(Exception):
    _warm()
