"""A small process pool that knows which task each worker runs.

``concurrent.futures.ProcessPoolExecutor`` breaks as a whole when one worker dies and cannot stop a
task that runs too long. A batch needs both: a worker killed mid-variant (out of memory, a crash in
a native library, ``kill -9``) must cost that variant one retry, not the run; a variant over its
time limit must be stopped. Here every worker runs one task at a time and tells the parent when it
starts one, so the parent knows whom to blame, replaces the dead worker and goes on.

Workers come from a forkserver that has imported the task's module once (warm workers in a few
milliseconds, none of the parent's threads or locks inherited); they ignore Ctrl-C, which the parent
handles by stopping them all.
"""

from __future__ import annotations

import importlib
import multiprocessing as mp
import os
import signal
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any


@dataclass(frozen=True)
class Event:
    """What became of one task: ``kind`` is ``"done"`` (with ``result``), ``"died"`` (its worker process
    ended during every attempt; ``exitcode`` says how the last one ended) or ``"timeout"`` (stopped at
    the limit; not retried). ``attempts`` counts the runs it took."""

    kind: str
    key: Any
    result: Any = None
    exitcode: int | None = None
    seconds: float = 0.0
    attempts: int = 1


def _resolve(target: str):
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def _worker_main(conn: Connection, target: str) -> None:
    """A worker's loop: receive ``(key, args)``, run ``target(*args)``, send the result; ``None`` stops it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    fn = _resolve(target)
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        key, args = job
        conn.send(("start", key, os.getpid()))
        conn.send(("done", key, fn(*args)))


class _Worker:
    def __init__(self, ctx, target: str):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, target), daemon=True)
        self.process.start()
        child.close()
        self.key: Any = None
        self.started = 0.0
        self.busy = False

    def give(self, key: Any, args: tuple) -> None:
        self.key, self.args, self.busy, self.started = key, args, True, time.monotonic()
        self.conn.send((key, args))

    def stop(self, *, kill: bool = False) -> None:
        if kill and self.process.is_alive():
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except (OSError, ValueError):
                pass
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


def context(preload: Iterable[str] = ()) -> mp.context.BaseContext:
    """The multiprocessing context for workers: a forkserver preloading ``preload`` where the platform
    has one, else spawn."""
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(list(preload))
        return ctx
    return mp.get_context("spawn")


class WorkerPool:
    """Run ``target(*args)`` for many tasks on ``workers`` processes (see the module docstring).

    Args:
        target: ``"module:function"``, imported in each worker.
        workers: number of processes.
        time_limit: seconds a task may run before its worker is killed (None: no limit).
        preload: modules the forkserver imports once, so workers start warm.
        retries: how many times a task whose worker died is run again (on a fresh worker).
    """

    def __init__(self, target: str, workers: int, *, time_limit: float | None = None,
                 preload: Iterable[str] = (), retries: int = 1):
        if workers < 1:
            raise ValueError("a pool needs at least one worker")
        self.target, self.size, self.time_limit, self.retries = target, workers, time_limit, retries
        self.attempts: dict[Any, int] = {}
        self.ctx = context(preload)
        self.workers: list[_Worker] = []

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close(kill=exc[0] is not None)

    def close(self, *, kill: bool = False) -> None:
        """Stop every worker (``kill``: at once, e.g. on Ctrl-C)."""
        for w in self.workers:
            w.stop(kill=kill or w.busy)
        self.workers = []

    def run(self, tasks: Iterable[tuple[Any, tuple]]) -> Iterator[Event]:
        """Run ``(key, args)`` tasks (keys unique), yielding one :class:`Event` per task as it ends, in
        completion order; a task whose worker dies is run again up to ``retries`` times first."""
        self.queue: deque[tuple[Any, tuple]] = deque(tasks)
        while len(self.workers) < min(self.size, max(1, len(self.queue))):
            self.workers.append(_Worker(self.ctx, self.target))
        while self.queue or any(w.busy for w in self.workers):
            for w in list(self.workers):
                if not w.busy and self.queue:
                    if not w.process.is_alive():  # ended between tasks: nobody to blame
                        w = self._replace(w)
                    key, args = self.queue.popleft()
                    self.attempts[key] = self.attempts.get(key, 0) + 1
                    w.give(key, args)
            yield from self._wait()

    def _wait(self) -> Iterator[Event]:
        busy = [w for w in self.workers if w.busy]
        timeout = None
        if self.time_limit is not None:
            timeout = max(0.0, min(w.started + self.time_limit for w in busy) - time.monotonic())
        wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout)
        for w in busy:
            try:
                while w.busy and w.conn.poll():
                    kind, key, payload = w.conn.recv()
                    if kind == "done":
                        w.busy = False
                        yield Event("done", key, payload, seconds=time.monotonic() - w.started,
                                    attempts=self.attempts[key])
            except (EOFError, OSError):
                pass  # the worker died: its sentinel says so below
            if not w.busy:
                continue
            if not w.process.is_alive():
                w.process.join()
                key, args, code = w.key, w.args, w.process.exitcode
                self._replace(w)
                if self.attempts[key] <= self.retries:
                    self.queue.appendleft((key, args))
                    continue
                yield Event("died", key, exitcode=code, seconds=time.monotonic() - w.started,
                            attempts=self.attempts[key])
            elif self.time_limit is not None and time.monotonic() - w.started >= self.time_limit:
                event = Event("timeout", w.key, seconds=time.monotonic() - w.started, attempts=self.attempts[w.key])
                w.stop(kill=True)
                self._replace(w)
                yield event

    def _replace(self, worker: _Worker) -> _Worker:
        worker.busy = False
        try:
            worker.conn.close()
        except OSError:
            pass
        fresh = _Worker(self.ctx, self.target)
        self.workers[self.workers.index(worker)] = fresh
        return fresh
