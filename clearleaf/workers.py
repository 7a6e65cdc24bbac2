"""Worker processes that end with their build, leave Ctrl-C to it, and survive one's death.

A build renders in a pool of forked worker processes (:class:`Pool`). Each
worker is killed by the system the moment the build's process ends, however
it ends (``kill -9`` included), so that no worker lays out pages for nobody;
each ignores Ctrl-C, which the build handles once, for all of them.

When a worker dies (the out-of-memory killer, say) the pool breaks and every
task in it fails. Each of those tasks is then run once more, alone in a fresh
process, so that the others are built; a task whose process dies again
raises :class:`WorkerKilled`, for the caller to report as that document's
failure.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import ctypes
import importlib
import multiprocessing
import multiprocessing.connection
import os
import pickle
import signal
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

#: Linux's prctl option that sends a signal to a process when its parent ends.
_PR_SET_PDEATHSIG = 1
_CONTEXT = multiprocessing.get_context("fork")


class WorkerKilled(Exception):
    """A task's process was killed twice (first in the pool, then alone)."""

    def __init__(self, signal_number: int | None) -> None:
        super().__init__(signal_number)
        self.signal_number = signal_number

    @property
    def signal_name(self) -> str:
        """The signal's name (SIGKILL), or what is known of the death."""
        if self.signal_number is None:
            return "an unknown cause"
        try:
            return signal.Signals(self.signal_number).name
        except ValueError:
            return f"signal {self.signal_number}"


def end_with_parent(parent: int) -> None:
    """Have the system kill this process when ``parent`` (the build) ends.

    On Linux a parent-death signal; elsewhere a thread that watches the
    parent. If the parent is gone already, this process ends now.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl")
    except (AttributeError, OSError):
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:
        os._exit(1)


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _as_helper(parent: int) -> None:
    """Make this process a helper of ``parent``: it ends with it and leaves Ctrl-C to it."""
    end_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _outcome(work: Callable[[], Any]) -> tuple[str, Any]:
    """What ``work()`` gave, to send to the process that wants it: ("ok", value), or
    ("error", exception), to be raised there; an exception that cannot be pickled
    is sent as its text."""
    try:
        return ("ok", work())
    except Exception as error:
        try:
            pickle.dumps(error)
        except Exception:
            return ("error", RuntimeError("".join(traceback.format_exception(error))))
        return ("error", error)


def start_worker(parent: int, warm: str | None) -> None:
    """Set up a fresh worker: it ends with ``parent``, ignores Ctrl-C, and imports ``warm``.

    ``warm`` names a module to load now (WeasyPrint's renderer), while the
    build reads and checks its sources, so that the start-up costs overlap.
    """
    _as_helper(parent)
    if warm is not None:
        importlib.import_module(warm)


class Task:
    """A task submitted to a :class:`Pool`: its future, and what to run again if it breaks."""

    def __init__(
        self, pool: Pool, future: concurrent.futures.Future[Any], call: tuple[Any, ...]
    ) -> None:
        self.pool = pool
        self.future = future
        self.call = call
        #: What running it again alone gave: ("ok", value), ("error", exception),
        #: or ("killed", signal number).
        self.retried: tuple[str, Any] | None = None

    def broken(self) -> bool:
        """Whether the task failed because its pool broke (a worker died)."""
        return (
            self.future.done()
            and not self.future.cancelled()
            and isinstance(self.future.exception(), BrokenProcessPool)
        )

    def result(self) -> Any:
        """The task's value, waiting for it; run again alone if its worker died."""
        try:
            return self.future.result()
        except BrokenProcessPool:
            if self.retried is None:
                self.pool.recover()
        assert self.retried is not None
        kind, value = self.retried
        if kind == "ok":
            return value
        if kind == "error":
            raise value
        raise WorkerKilled(value)

    def cancel(self) -> bool:
        """Drop the task if it has not started."""
        return self.future.cancel()


#: How many tasks each worker runs before the pool starts fresh workers for the
#: next ones. A worker's memory grows a little with every document it lays out
#: (font and shaping caches in the C libraries, a fragmented heap), about 1 MiB a
#: leaflet: renewed, a catalogue of any size needs the memory of a small one.
RENEW_AFTER = 25


class Pool:
    """``workers`` worker processes, started at once, renewed if one dies and
    after every :data:`RENEW_AFTER` tasks each."""

    def __init__(self, workers: int, warm: str | None) -> None:
        self.workers = workers
        self.warm = warm
        self.tasks: list[Task] = []
        self.executor = self._start()
        #: Tasks given to the current executor, and the executors renewed before it.
        self.submitted = 0
        self.retired: list[concurrent.futures.ProcessPoolExecutor] = []

    def _start(self) -> concurrent.futures.ProcessPoolExecutor:
        executor = concurrent.futures.ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=_CONTEXT,
            initializer=start_worker,
            initargs=(os.getpid(), self.warm),
        )
        for _ in range(self.workers):
            executor.submit(int)  # start every worker now, not at the first real task
        return executor

    def submit(self, function: Callable[..., Any], *args: Any) -> Task:
        """Run ``function(*args)`` in a worker."""
        if self.submitted >= self.workers * RENEW_AFTER:
            # Fresh workers for the next tasks; the others finish theirs and end.
            self.executor.shutdown(wait=False)
            self.retired.append(self.executor)
            self.executor = self._start()
            self.submitted = 0
        self.submitted += 1
        try:
            future = self.executor.submit(function, *args)
        except BrokenProcessPool:
            # A worker died since the last task: a fresh pool for the rest.
            self.executor.shutdown(wait=False, cancel_futures=True)
            self.executor = self._start()
            future = self.executor.submit(function, *args)
        task = Task(self, future, (function, *args))
        # Only a broken pool's tasks are run again: finished ones are dropped, so
        # that the pool does not hold every document of a catalogue to the end.
        self.tasks = [other for other in self.tasks if not other.future.done() or other.broken()]
        self.tasks.append(task)
        return task

    def recover(self) -> None:
        """Run every task the broken pool failed once more, each alone, ``workers`` at a time."""
        waiting = [task for task in self.tasks if task.broken() and task.retried is None]
        running: dict[Connection, tuple[Task, Any]] = {}
        while waiting or running:
            while waiting and len(running) < self.workers:
                task = waiting.pop(0)
                receiver, sender = _CONTEXT.Pipe(duplex=False)
                process = _CONTEXT.Process(target=_alone, args=(sender, os.getpid(), task.call))
                process.start()
                sender.close()
                running[receiver] = (task, process)
            for ready in multiprocessing.connection.wait(list(running)):
                assert isinstance(ready, Connection)
                task, process = running.pop(ready)
                try:
                    task.retried = ready.recv()
                except EOFError:  # it died before it could say anything
                    process.join()
                    code = process.exitcode
                    task.retried = ("killed", -code if code is not None and code < 0 else None)
                ready.close()
                process.join()

    def shutdown(self, interrupted: bool) -> None:
        """Stop the workers: after their tasks, or at once when the build was interrupted."""
        for executor in [*self.retired, self.executor]:
            if not interrupted:
                executor.shutdown(wait=True, cancel_futures=True)
                continue
            executor.shutdown(wait=False, cancel_futures=True)
            # The executor keeps its processes to itself; a worker laying out a
            # long document would otherwise finish it for nobody.
            processes: dict[int, BaseProcess] = getattr(executor, "_processes", None) or {}
            for process in list(processes.values()):
                process.kill()


def _alone(sender: Connection, parent: int, call: tuple[Any, ...]) -> None:
    """Run one task in a process of its own and send back what it gave."""
    _as_helper(parent)
    function, *args = call
    sender.send(_outcome(lambda: function(*args)))


class Branch:
    """A forked copy of this process that does part of a task and sends back what it gave.

    :meth:`fork` returns a ``Branch`` in this process and ``None`` in the copy,
    which does its part, hands the outcome to :meth:`finish` and ends there.
    The copy shares everything loaded so far (WeasyPrint, the document, the
    leaflet's layout) without copying it, and ends with this process. Its
    outcome comes back through a pipe: :meth:`join` returns its value or raises
    its exception, or :class:`WorkerKilled` if it died.
    """

    def __init__(self, pid: int, reader: int) -> None:
        self.pid = pid
        self.reader = reader

    @classmethod
    def fork(cls) -> Branch | None:
        """Start the copy: a ``Branch`` here, ``None`` in the copy (see :meth:`finish`)."""
        reader, writer = os.pipe()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:
            os.close(reader)
            Branch._writer = writer
            _as_helper(parent)
            return None
        os.close(writer)
        return cls(pid, reader)

    #: In the copy: where its outcome goes.
    _writer: int | None = None

    @staticmethod
    def finish(work: Callable[[], Any]) -> None:
        """In the copy: run ``work``, send its value or exception back, and end the process."""
        assert Branch._writer is not None, "finish() is for the forked copy"
        try:
            data = pickle.dumps(_outcome(work))
            with os.fdopen(Branch._writer, "wb") as stream:
                stream.write(data)
        finally:
            os._exit(0)

    def join(self) -> Any:
        """The copy's value, waiting for it; its exception is raised here."""
        with os.fdopen(self.reader, "rb") as stream:
            data = stream.read()
        _, status = os.waitpid(self.pid, 0)
        if not data:
            raise WorkerKilled(-os.waitstatus_to_exitcode(status) or None)
        kind, value = pickle.loads(data)
        if kind == "error":
            raise value
        return value

    def kill(self) -> None:
        """Stop the copy and wait for it (its part is no longer wanted)."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        with contextlib.suppress(OSError):
            os.close(self.reader)
