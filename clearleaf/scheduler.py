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
from clearleaf.formats.pagination import Pagination
from clearleaf.workers import Branch, Pool, Task, WorkerKilled

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


#: How much work each edition made from the leaflet's pages is, roughly, in
#: units of the web page's (1; writing the leaflet's PDF once its pages are
#: laid out is about 2): what :func:`_branch_share` balances. Large print is
#: laid out anew.
_WEIGHTS = {"large-print": 4.0, "epub": 2.0, "braille": 2.0}


class _Branched(BaseException):
    """Raised in the forked copy of a worker, from the leaflet's renderer, once the
    leaflet's pages are laid out: it unwinds the leaflet's render (its contexts
    restore what they changed) so that the copy renders its share instead.

    A ``BaseException``, so that no ``except Exception`` on the way stops it.
    """

    def __init__(self, pages: Pagination) -> None:
        super().__init__()
        self.pages = pages


def _branch_share(names: list[str]) -> list[str]:
    """The editions of a task a forked copy renders once the leaflet's pages are known.

    Those made only from the leaflet's pages, shared between the copy and
    this process (which still writes the leaflet's PDF, then renders what
    needs its bytes) by weight, heaviest first, each to the less loaded side.
    """
    ready = [
        name
        for name in names
        if editions.EDITIONS[name].pages_only and set(editions.EDITIONS[name].requires) == {"pdf"}
    ]
    if not ready:
        return []
    # Writing the leaflet's PDF (its fonts, tags and streams) is this process's first share.
    here = 2.0 + sum(0.1 for name in names if name not in ready and name != "pdf")
    there = 0.0
    share = []
    for name in sorted(ready, key=lambda name: -_WEIGHTS.get(name, 1.0)):
        weight = _WEIGHTS.get(name, 1.0)
        if there <= here:
            share.append(name)
            there += weight
        else:
            here += weight
    return [name for name in names if name in share]


def render_task(
    document: Document,
    context: Context,
    back: colophon.Colophon,
    names: list[str],
    wanted: frozenset[str],
    spare: int = 0,
) -> list[Made]:
    """Render ``names`` in order, each handed those it is made from; keep the ``wanted`` ones.

    One task, run in a worker process or here. With a ``spare`` core, the
    editions made only from the leaflet's pages (the web page, the e-book,
    large print...) are shared with a forked copy of this process as soon as
    the leaflet is laid out, while this process writes the leaflet's PDF.
    """
    made: dict[str, tuple[formats.Rendered, float]] = {}
    share = _branch_share(names) if spare > 0 and "pdf" in names else []
    branch: Branch | None = None

    def branch_off(pages: Pagination) -> None:
        nonlocal branch
        branch = Branch.fork()
        if branch is None:  # the copy
            raise _Branched(pages)

    def render(name: str, pagination: Pagination | None = None) -> None:
        edition = editions.EDITIONS[name]
        started = time.perf_counter()
        inputs = formats.Inputs(
            document,
            context,
            back,
            {} if pagination else {other: made[other][0].data for other in edition.requires},
            # The printed leaflet's pages, for the editions that mark them.
            pagination
            or next(
                (made[o][0].pagination for o in edition.requires if made[o][0].pagination),
                None,
            ),
            branch_off if name == "pdf" and share else None,
        )
        rendered = formats.render(edition, inputs)
        made[name] = (rendered, time.perf_counter() - started)

    with _few_collections():
        try:
            for name in names:
                if name in made or name in (share if branch is not None else ()):
                    continue
                if branch is not None and set(editions.EDITIONS[name].requires) & set(share):
                    made.update(branch.join())
                    branch = None
                try:
                    render(name)
                except _Branched as branched:
                    # The copy: render the share from the pages, send it back, end.
                    def mine(pages: Pagination = branched.pages) -> dict[str, Any]:
                        for other in share:
                            render(other, pages)
                        return {other: made[other] for other in share}

                    Branch.finish(mine)
            if branch is not None:
                made.update(branch.join())
                branch = None
        finally:
            if branch is not None:  # this process failed: the copy's work is not wanted
                branch.kill()
    return [
        Made(name, rendered.data, rendered.diagnostics, seconds, rendered.pages)
        for name in names
        if name in wanted
        for rendered, seconds in [made[name]]
    ]


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
        #: Cores the workers leave idle (one document, say): a worker may then
        #: share its task with a forked copy once the leaflet is laid out.
        self.spare = workers - count if count else 0
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
    ) -> tuple[list[Pending], colophon.Colophon]:
        """Every task of a document the checks passed, those :meth:`start` began included,
        and the back matter they print."""
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
        return results, back

    def _offload(
        self, document: Document, context: Context, back: colophon.Colophon
    ) -> list[Pending]:
        assert self.pool is not None
        if self.body:
            _ = document.body_html  # once, here, rather than in every worker
        found: list[Pending] = []
        for task in self.offloaded:
            self._announce(document, task)
            submitted = self.pool.submit(
                render_task, document, context, back, task, self.wanted, self.spare
            )
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
