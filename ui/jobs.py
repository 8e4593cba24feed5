"""Long work off the page's script thread: jobs in worker processes, with progress, cancel and dedupe.

A Streamlit server runs every session's script in threads of ONE Python process. A solve on the
script thread holds that session's page until it ends (no progress, no cancel), and its Python parts
(building the model, the baseline, the explanations: seconds at 2,500 projects) hold the interpreter
lock against every other session's rerun. So the Optimiser page hands its long, pure work to a
`JobRunner`: the function and its (picklable) arguments go to a worker process, the page polls the
job (`Job.state`, `Job.progress`, `Job.elapsed`) from an `st.fragment(run_every=...)`, and the result
comes back to the page's own thread, which writes it (DuckDB allows one writing process: workers
never open the database).

- **Workers** are spawned processes (not forked: no copy of the server's threads or open database),
  each in its own process group, reused from job to job; `workers` of them at most (queued jobs wait
  for one). One spare is started ahead, so a job does not wait for Python, pandas and the solver to
  import. Each worker talks to the server through its own pipe, so killing one corrupts nothing shared.
- **Progress**: the job's function is called with `progress=callback`; each `callback(step, values)`
  reaches `Job.progress` as `(step, values)`.
- **Cancel** kills the worker's whole process group (HiGHS in the worker, CBC's own child process),
  which stops the work at once wherever it is; a fresh spare takes its place. A cancelled job has no
  result, so the page stores nothing.
- **Errors** raised by the function come back as the same exception (a domain error keeps its message
  key, so the page shows the same translated text as before); a worker that dies gives
  `JobStopped` (translated, `jobs.error.stopped`). The worker's traceback goes to the server's log only.
- **Dedupe**: jobs are keyed by (owner, key), e.g. (a session's id, ("run", snapshot, parameters)):
  `start` with the key of a job that is still queued, running or finished but not yet collected
  returns that job instead of starting a second one. `forget` drops it once its result is collected.

`shared_runner(name, ...)` is the one runner of a kind per server process (`st.cache_resource`).
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import itertools
import logging
import multiprocessing
import os
import pickle
import signal
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import streamlit as st

from analytics.spawning import spawn_context
from i18n import TranslatableError

LOG = logging.getLogger(__name__)
State = Literal["queued", "running", "done", "failed", "cancelled"]
FINISHED: frozenset[str] = frozenset({"done", "failed", "cancelled"})
KEEP_FINISHED_SECONDS = 3600.0   # an uncollected result (its tab closed) is dropped after this long
OWNER_KEY = "jobs.owner"


class JobStopped(TranslatableError):
    """The worker process ended without an answer (killed from outside, out of memory)."""

    key = "jobs.error.stopped"


@dataclass(eq=False)
class Job:
    """One piece of work: its state, last progress message, result or error. Read it; the runner writes it."""

    owner: str
    key: Hashable
    submitted: float = field(default_factory=time.monotonic)
    state: State = "queued"
    started: float | None = None
    finished: float | None = None
    progress: tuple[str, Mapping[str, Any]] | None = None
    result: Any = None
    error: BaseException | None = None
    cancel_requested: bool = False
    _done: threading.Event = field(default_factory=threading.Event, repr=False)
    _worker: _Worker | None = field(default=None, repr=False)

    @property
    def active(self) -> bool:
        return self.state not in FINISHED

    @property
    def elapsed(self) -> float:
        """Seconds since it was started (queued time included), frozen when it finished."""
        return (self.finished or time.monotonic()) - self.submitted

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job has finished (True) or `timeout` passed (False)."""
        return self._done.wait(timeout)


def _serve(conn: Any, preload: Sequence[str]) -> None:
    """A worker process: run each task sent on `conn`, answering progress, the result or the error."""
    with contextlib.suppress(OSError):
        os.setpgrp()   # its own process group: cancel kills a solver's child processes with it
    threading.Thread(target=_orphan_watch, args=(os.getppid(),), daemon=True).start()
    for name in preload:
        importlib.import_module(name)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return   # the server went away
        if task is None:
            return
        fn, args, kwargs = task
        conn.send(("taken",))   # the task reached a live worker (see JobRunner._converse)

        def progress(step: str, values: Mapping[str, Any] | None = None) -> None:
            conn.send(("progress", step, dict(values or {})))

        try:
            answer: tuple = ("done", fn(*args, progress=progress, **kwargs))
        except Exception as e:  # noqa: BLE001 - every failure goes back to the page, which shows it
            answer = ("error", e, traceback.format_exc())
        try:
            conn.send(answer)
        except (pickle.PicklingError, TypeError, AttributeError) as e:   # an answer that cannot travel
            conn.send(("error", RuntimeError(f"{type(e).__name__}: {e}"), traceback.format_exc()))


def _orphan_watch(parent: int) -> None:
    """End the worker's whole group (a solve, CBC) once the server is gone, not at the solver's limit."""
    while os.getppid() == parent:
        time.sleep(1.0)
    if os.getpgrp() == os.getpid():   # never the server's group (setpgrp may have failed)
        with contextlib.suppress(OSError):
            os.killpg(os.getpgrp(), signal.SIGKILL)
    os._exit(1)


class _Worker:
    def __init__(self, context: Any, preload: Sequence[str]) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, tuple(preload)), daemon=True,
                                       name="lodestar-job-worker")
        self.process.start()
        child.close()

    def alive(self) -> bool:
        return self.process.is_alive()

    def kill(self) -> None:
        pid = self.process.pid
        if pid is not None:
            with contextlib.suppress(OSError):
                if os.getpgid(pid) == pid:   # its own group (set first thing): CBC's child goes too
                    os.killpg(pid, signal.SIGKILL)
        with contextlib.suppress(OSError, ValueError):
            self.process.kill()
        self.process.join(5)
        with contextlib.suppress(OSError):
            self.conn.close()

    def stop(self) -> None:
        with contextlib.suppress(OSError, BrokenPipeError):
            self.conn.send(None)
        self.process.join(5)
        if self.process.is_alive():
            self.kill()


class JobRunner:
    """Runs jobs in up to `workers` worker processes (see the module docstring)."""

    def __init__(self, workers: int = 1, preload: Sequence[str] = (), *, start_method: str = "spawn",
                 keep_finished: float = KEEP_FINISHED_SECONDS) -> None:
        self._context = spawn_context() if start_method == "spawn" else multiprocessing.get_context(start_method)
        self._preload = tuple(preload)
        self._keep = keep_finished
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(max(1, int(workers)))
        self._jobs: dict[tuple[str, Hashable], Job] = {}
        self._idle: list[_Worker] = []
        self._closed = False
        self._names = itertools.count(1)
        atexit.register(self.shutdown)   # no spare spawned while the server exits
        self._spare()

    # --- the page's side ---------------------------------------------------------------------------

    def start(self, owner: str, key: Hashable, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Job:
        """Run `fn(*args, progress=..., **kwargs)` in a worker; the live job of (owner, key) if there is one.

        A job of the same key that failed or was cancelled is replaced by a new one (trying again).
        """
        with self._lock:
            if self._closed:
                raise RuntimeError("job runner shut down")
            self._sweep()
            existing = self._jobs.get((owner, key))
            if existing is not None and existing.state in ("queued", "running", "done"):
                return existing
            job = Job(owner, key)
            self._jobs[(owner, key)] = job
        threading.Thread(target=self._run, args=(job, fn, args, kwargs), daemon=True,
                         name=f"lodestar-job-{next(self._names)}").start()
        return job

    def get(self, owner: str, key: Hashable) -> Job | None:
        with self._lock:
            return self._jobs.get((owner, key))

    def jobs(self, owner: str | None = None) -> list[Job]:
        """The owner's (None: everyone's) jobs the runner still holds, oldest first."""
        with self._lock:
            return sorted((j for (o, _), j in self._jobs.items() if owner is None or o == owner),
                          key=lambda j: j.submitted)

    def forget(self, job: Job) -> None:
        """Drop a job (its result collected, or no longer wanted); a running one is cancelled first."""
        if job.active:
            self.cancel(job)
        with self._lock:
            if self._jobs.get((job.owner, job.key)) is job:
                del self._jobs[(job.owner, job.key)]

    def cancel(self, job: Job) -> None:
        """Stop the job now: a queued one never starts, a running one's worker process group is killed."""
        with self._lock:
            if not job.active:
                return
            job.cancel_requested = True
            worker = job._worker
            if worker is None:   # still queued: its thread sees the flag and ends it
                self._finish(job, "cancelled")
                return
        worker.kill()   # the job's thread sees the pipe close and marks it cancelled

    def shutdown(self) -> None:
        """Cancel every job and stop the workers (tests, server exit)."""
        with self._lock:
            self._closed = True
            jobs = list(self._jobs.values())
            idle, self._idle = self._idle, []
        for job in jobs:
            self.cancel(job)
        for worker in idle:
            worker.stop()

    # --- the runner's side -------------------------------------------------------------------------

    def _spare(self) -> None:
        """Start a worker ahead of need, so the next job does not wait for the imports."""
        with self._lock:
            if self._closed or self._idle:
                return
            self._idle.append(_Worker(self._context, self._preload))

    def _take_worker(self) -> _Worker:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.alive():
                    return worker
                worker.kill()
        return _Worker(self._context, self._preload)

    def _give_back(self, worker: _Worker) -> None:
        with self._lock:
            if not self._closed and worker.alive() and len(self._idle) < 1:
                self._idle.append(worker)
                return
        worker.stop()

    def _finish(self, job: Job, state: State, result: Any = None, error: BaseException | None = None) -> None:
        """Called with the lock held."""
        job.state, job.result, job.error = state, result, error
        job.finished = time.monotonic()
        job._worker = None
        job._done.set()

    def _sweep(self) -> None:
        """Drop finished jobs nobody collected for `keep_finished` seconds (lock held)."""
        now = time.monotonic()
        for k, job in list(self._jobs.items()):
            if not job.active and job.finished is not None and now - job.finished > self._keep:
                del self._jobs[k]

    def _run(self, job: Job, fn: Callable[..., Any], args: tuple, kwargs: dict) -> None:
        while not self._slots.acquire(timeout=0.2):   # wait for a free worker, or a cancel
            if not job.active:
                return
        worker: _Worker | None = None
        try:
            with self._lock:
                if not job.active:
                    return
            for attempt in range(1, TASK_ATTEMPTS + 1):
                worker = self._take_worker()
                with self._lock:
                    if not job.active:   # cancelled while the worker was being found
                        raise _Cancelled
                    job._worker, job.state, job.started = worker, "running", time.monotonic()
                worker = self._converse(job, worker, fn, args, kwargs, last=attempt == TASK_ATTEMPTS)
                if worker is not _UNTAKEN:
                    break
                worker = None
        except _Cancelled:
            pass
        finally:
            if worker is not None:
                self._give_back(worker)
            self._slots.release()
            self._spare()

    def _converse(self, job: Job, worker: _Worker, fn: Callable[..., Any], args: tuple,
                  kwargs: dict, *, last: bool = True) -> Any:
        """Send the task and read its messages until the answer; returns the worker if it can be reused.

        A worker that ends before it took the task (a spare killed while idle: the kernel's
        out-of-memory killer, an operator) returns `_UNTAKEN` unless this is the `last` attempt, so
        the task goes to a fresh worker instead of failing the job.
        """
        taken = False
        try:
            worker.conn.send((fn, args, kwargs))
        except (pickle.PicklingError, TypeError, AttributeError) as e:   # arguments that cannot travel
            worker.kill()   # the pipe may hold half a message
            with self._lock:
                self._finish(job, "failed", error=e)
            return None
        except OSError:
            pass   # killed already (a cancel): read below ends at once
        while True:
            try:
                message = worker.conn.recv()
            except (EOFError, OSError):
                worker.process.join(1)   # its exit code (a negative one: the signal) for the log
                with self._lock:
                    if job.cancel_requested:
                        self._finish(job, "cancelled")
                    elif not taken and not last:
                        LOG.warning("job worker %s ended before it took a task (exit code %s); trying a fresh one",
                                    worker.process.pid, worker.process.exitcode)
                        worker.kill()
                        return _UNTAKEN
                    else:
                        LOG.error("job worker %s ended without an answer (exit code %s)", worker.process.pid,
                                  worker.process.exitcode)
                        self._finish(job, "failed", error=JobStopped("worker process stopped"))
                worker.kill()
                return None
            kind = message[0]
            if kind == "taken":
                taken = True
                continue
            with self._lock:
                if kind == "progress":
                    job.progress = (message[1], message[2])
                    continue
                if job.cancel_requested:   # an answer that crossed the cancel: nothing is kept
                    self._finish(job, "cancelled")
                elif kind == "done":
                    self._finish(job, "done", result=message[1])
                else:
                    LOG.warning("job %r failed in its worker:\n%s", job.key, message[2])
                    self._finish(job, "failed", error=message[1])
            return worker


class _Cancelled(Exception):
    pass


_UNTAKEN = object()   # _converse: the worker ended before it took the task
TASK_ATTEMPTS = 2     # workers a task is offered to when the first ends before taking it


# --- Streamlit: one runner per kind per server process, one owner id per browser session ----------------


@st.cache_resource(show_spinner=False)
def shared_runner(name: str, workers: int = 1, preload: tuple[str, ...] = ()) -> JobRunner:
    """The server's runner called `name` (shared by every session: `workers` bounds the processes)."""
    return JobRunner(workers, preload)


def session_owner() -> str:
    """This browser session's owner id for `JobRunner` keys (kept in its session state)."""
    owner = st.session_state.get(OWNER_KEY)
    if not isinstance(owner, str):
        owner = st.session_state[OWNER_KEY] = uuid.uuid4().hex
    return owner
