"""The Ray engine of `ie.batch`: the same tasks and Results, run by Ray actors.

Each actor builds the extractor once (like a local worker's initializer) and holds one document
at a time, so a dead actor costs exactly the document it held (a WorkerCrash error record) and is
replaced. The records come back to this process, which writes the JSONL as the local engine does.
On a cluster (`address`), every node must see the input paths (a shared file system).

Ray is optional: `pip install 'budget-ie[ray]'`.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

from ie.batch_worker import InOrder, Result, Task, WorkerState, crash_result
from ie.errors import ConfigError


def _ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise ConfigError(
            "the ray engine needs Ray: pip install 'budget-ie[ray]' (or use --engine local)"
        ) from exc
    return ray


class ExtractorActor:
    """A Ray actor holding one WorkerState: the extractor, built once."""

    def __init__(self, factory: str, backend: str) -> None:
        self.state = WorkerState(factory, backend)

    def run(self, task: Task) -> Result:
        """Extract one document (errors become error records, as in a local worker)."""
        return self.state.run(task)


def run_ray(
    tasks: Iterator[Task],
    *,
    workers: int,
    backend: str,
    factory: str,
    ordered: bool,
    address: str | None = None,
) -> Iterator[Result]:
    """Run `tasks` on `workers` Ray actors, yielding Results as they finish (in task order when
    `ordered`). Uses the Ray runtime already initialised, else connects to `address`, else starts
    a local one (shut down again at the end). At most 2×workers documents are in flight or
    buffered, so the task iterator is consumed lazily."""
    ray = _ray()
    started = False
    if not ray.is_initialized():
        if address:
            ray.init(address=address, logging_level=logging.WARNING)
        else:
            ray.init(num_cpus=workers, include_dashboard=False, logging_level=logging.WARNING)
        started = True
    actor_class = ray.remote(num_cpus=1)(ExtractorActor)
    actors = [actor_class.remote(factory, backend) for _ in range(workers)]
    idle = list(actors)  # actors holding no document
    inflight: dict[Any, tuple[Task, Any]] = {}  # object ref -> (task, actor)
    buffer = InOrder(ordered)
    exhausted = False
    window = max(2, 2 * workers)
    try:
        while True:
            while idle and not exhausted and len(inflight) + len(buffer) < window:
                task = next(tasks, None)
                if task is None:
                    exhausted = True
                    break
                actor = idle.pop()
                inflight[actor.run.remote(task)] = (task, actor)
            if not inflight:
                break
            ready, _ = ray.wait(list(inflight), num_returns=1)
            for ref in ready:
                task, actor = inflight.pop(ref)
                try:
                    result = ray.get(ref)
                except ray.exceptions.RayTaskError as exc:
                    cause = getattr(exc, "cause", None)
                    if isinstance(cause, ConfigError):
                        raise cause from None  # a bad option or model, as in run_local: stop
                    raise
                except ray.exceptions.RayActorError as exc:
                    result = crash_result(task, type(exc).__name__)
                    ray.kill(actor, no_restart=True)
                    actor = actor_class.remote(factory, backend)
                    actors.append(actor)
                idle.append(actor)
                yield from buffer.release(result)
    finally:
        for actor in actors:
            with contextlib.suppress(Exception):  # already dead: nothing to release
                ray.kill(actor, no_restart=True)
        if started:
            ray.shutdown()
