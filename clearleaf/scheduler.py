"""Where and when editions render: in worker processes or here, and in what groups.

An edition made from another (the booklet from the leaflet) renders in the
same task, after it, and is handed its bytes (:attr:`Edition.made_from`);
every other edition is a task of its own. Paged editions (WeasyPrint, slow
and CPU-bound) go to a pool of worker processes, which start loading
WeasyPrint at once, while this process reads and checks the next sources and
renders the rest; without paged editions, the workers take everything.

Work for a document may start before its checks end, when the conformance
claim it prints is known without them
(:func:`clearleaf.verdict.claim_before_checks`); if the checks then fail the
document, its renders are dropped unwritten.
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

from clearleaf import colophon, editions, formats, verdict
from clearleaf.context import Context
from clearleaf.document import Document
from clearleaf.editions import BODY, Edition
from clearleaf.errors import Diagnostic, Location, PipelineError, Severity
from clearleaf.workers import Pool, Task, WorkerKilled

#: Called as ``progress(event, source, edition)`` with event "start", "done" or "skip".
Progress = Callable[[str, Path, str], None]


@dataclass(frozen=True)
class Made:
    """One rendered edition: its bytes, what rendering it found, and how long it took."""

    name: str
    data: bytes
    diagnostics: tuple[Diagnostic, ...]
    seconds: float
    #: Its page count, where the edition gives one (braille).
    pages: int | None = None


class Pending(Protocol):
    """A render task under way: a future of the pool's, or one done here."""

    def result(self) -> list[Made]: ...

    def cancel(self) -> bool: ...


def closure(name: str) -> list[str]:
    """``name`` after every edition it is made from, directly or not, in making order."""
    found: list[str] = []
    for required in editions.EDITIONS[name].requires:
        found.extend(other for other in closure(required) if other not in found)
    return [*found, name]


def tasks(wanted: Sequence[Edition]) -> list[list[str]]:
    """The render tasks of one document: each edition with those it is made from.

    Tasks that share an edition are one, so that it renders once.
    """
    found: list[list[str]] = []
    for edition in wanted:
        task = closure(edition.name)
        shared = [index for index, other in enumerate(found) if set(other) & set(task)]
        if not shared:
            found.append(task)
            continue
        merged = [name for index in shared for name in found[index]]
        found[shared[0]] = list(dict.fromkeys([*merged, *task]))
        for index in reversed(shared[1:]):
            del found[index]
    return found


@contextlib.contextmanager
def _few_collections() -> Iterator[None]:
    """Let the garbage collector run rarely while editions render.

    Laying out pages allocates millions of short-lived objects; with Python's
    default thresholds the collector runs thousands of times and each full
    pass walks every object alive, the document and the libraries included
    (a tenth of a long document's render time). Objects that exist before the
    render are frozen out of its passes; cycles made during it are still
    collected, in larger batches.
    """
    previous = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 20, 50)
    try:
        yield
    finally:
        gc.set_threshold(*previous)
        gc.unfreeze()


def render_task(
    document: Document,
    context: Context,
    back: colophon.Colophon,
    names: list[str],
    wanted: frozenset[str],
) -> list[Made]:
    """Render ``names`` in order, each handed those it is made from; keep the ``wanted`` ones.

    One task, run in a worker process or here.
    """
    made: dict[str, formats.Rendered] = {}
    kept: list[Made] = []
    with _few_collections():
        for name in names:
            edition = editions.EDITIONS[name]
            started = time.perf_counter()
            inputs = formats.Inputs(
                document,
                context,
                back,
                {other: made[other].data for other in edition.requires},
                # The printed leaflet's pages, for the editions that mark them.
                next((made[o].pagination for o in edition.requires if made[o].pagination), None),
            )
            rendered = formats.render(edition, inputs)
            made[name] = rendered
            if name in wanted:
                seconds = time.perf_counter() - started
                kept.append(
                    Made(name, rendered.data, rendered.diagnostics, seconds, rendered.pages)
                )
    return kept


@dataclass(frozen=True)
class _Offloaded:
    """A task given to the worker pool, and the editions it renders."""

    task: Task
    names: list[str]

    def result(self) -> list[Made]:
        made: list[Made] = self.task.result()
        return made

    def cancel(self) -> bool:
        return self.task.cancel()


class _Done:
    """A finished result with the interface of a future (for the in-process path)."""

    def __init__(
        self,
        run: Callable[
            [Document, Context, colophon.Colophon, list[str], frozenset[str]], list[Made]
        ],
        *args: Any,
    ) -> None:
        self.value: list[Made] = []
        self.error: PipelineError | None = None
        try:
            self.value = run(*args)
        except PipelineError as error:
            self.error = error

    def result(self) -> list[Made]:
        if self.error is not None:
            raise self.error
        return self.value

    def cancel(self) -> bool:
        return False


class Scheduler:
    """Renders the editions ``wanted`` of each document given, in ``workers`` processes or here.

    Use it as a context manager: the pool stops when the block ends.
    """

    def __init__(
        self, wanted: Sequence[Edition], workers: int, documents: int, progress: Progress
    ) -> None:
        self.wanted = frozenset(edition.name for edition in wanted)
        self.tasks = tasks(wanted)
        self.notify = progress
        paged = [task for task in self.tasks if any(editions.EDITIONS[n].paged for n in task)]
        # With paged editions, the workers lay out pages (the slow part) and
        # this process reads, checks and renders the rest meanwhile; without,
        # the workers take everything.
        self.offloaded = paged or self.tasks
        count = min(workers, documents * len(self.offloaded)) if workers > 1 else 0
        # Workers load the page renderer as they start, by name, as
        # clearleaf.formats.render does: this process never loads it.
        warm = editions.EDITIONS["pdf"].module if paged else None
        self.pool = Pool(count, warm) if count else None
        #: Whether the editions need the body's HTML (one pandoc run, made here).
        self.body = any(
            BODY in editions.EDITIONS[name].made_from for task in self.tasks for name in task
        )

    def __enter__(self) -> Scheduler:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.pool is not None:
            self.pool.shutdown(interrupted=error is not None)

    def start(self, document: Document, context: Context) -> Started:
        """Start the worker tasks that need not wait for the checks (see the module)."""
        claimed = verdict.claim_before_checks(document)
        if self.pool is None or claimed is None:
            return Started()
        back = colophon.of(document, claimed, _messages(document, context))
        return Started(self._offload(document, context, back), back)

    def finish(
        self, document: Document, context: Context, claimed: bool, started: Started
    ) -> list[Pending]:
        """Every task of a document the checks passed, those :meth:`start` began included."""
        if started.back is not None:
            assert started.back.claimed == claimed, "a claim made before the checks held"
        back = started.back or colophon.of(document, claimed, _messages(document, context))
        results = list(started.results)
        if self.pool is not None and not started.results:
            results += self._offload(document, context, back)
        for task in self.tasks:
            if self.pool is None or task not in self.offloaded:
                self._announce(document, task)
                results.append(_Done(render_task, document, context, back, task, self.wanted))
        return results

    def _offload(
        self, document: Document, context: Context, back: colophon.Colophon
    ) -> list[Pending]:
        assert self.pool is not None
        if self.body:
            _ = document.body_html  # once, here, rather than in every worker
        found: list[Pending] = []
        for task in self.offloaded:
            self._announce(document, task)
            submitted = self.pool.submit(render_task, document, context, back, task, self.wanted)
            found.append(_Offloaded(submitted, task))
        return found

    def _announce(self, document: Document, task: list[str]) -> None:
        for name in task:
            if name in self.wanted:
                self.notify("start", document.path, name)

    def collect(self, source: Path, results: list[Pending]) -> dict[str, Made]:
        """A document's renders by edition, waiting for them; raises the first failure.

        A task whose worker was killed, and its process again when run alone,
        fails the document with a :class:`PipelineError` that says so.
        """
        made: dict[str, Made] = {}
        for result in results:
            try:
                items = result.result()
            except WorkerKilled as killed:
                assert isinstance(result, _Offloaded)
                raise _killed(source, result.names, killed) from None
            for item in items:
                made[item.name] = item
                self.notify("done", source, item.name)
        return made


@dataclass(frozen=True)
class Started:
    """The tasks begun before a document's checks ended, and the back matter they print."""

    results: list[Pending] = field(default_factory=list)
    back: colophon.Colophon | None = None

    def cancel(self) -> None:
        """Drop the tasks not yet running (a document the checks failed)."""
        for result in self.results:
            result.cancel()


def _killed(source: Path, names: list[str], killed: WorkerKilled) -> PipelineError:
    """The error for a document whose rendering process was killed twice."""
    what = " and ".join(names)
    return PipelineError(
        Diagnostic(
            Location(source),
            Severity.ERROR,
            "render.killed",
            f"the process rendering the {what} edition of this document was killed "
            f"({killed.signal_name}), and again when it was tried alone; this usually means "
            "it ran out of memory (a very long document, or very large images): split the "
            "document or shrink its images, or give the build more memory",
        ),
        category="tool",
    )


def _messages(document: Document, context: Context) -> dict[str, Mapping[str, str]]:
    """The wording of the pipeline's messages: the project's ``[messages]`` over the context's."""
    return {**context.messages, **document.settings.messages}


def render_one(document: Document, name: str, context: Context | None = None) -> Made:
    """Edition ``name`` of ``document`` outside a build: checked for its claim, then rendered
    with the editions it is made from. For tools and tests that want one file's bytes."""
    claimed = verdict.judge(document).claimed
    context = context or Context()
    back = colophon.of(document, claimed, _messages(document, context))
    (made,) = render_task(document, context, back, closure(name), frozenset([name]))
    return made
