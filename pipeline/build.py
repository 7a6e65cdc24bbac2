"""Building documents: parse each source once, render each format, write outputs atomically."""

from __future__ import annotations

import concurrent.futures
import contextlib
import gc
import os
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import a11y, incremental
from pipeline import document as document_module
from pipeline.a11y import quality
from pipeline.context import Context
from pipeline.document import Document
from pipeline.errors import Diagnostic, Location, PipelineError, Severity, display_path
from pipeline.formats import FORMATS, Format


@dataclass(frozen=True)
class Output:
    """One file written by a build."""

    source: Path
    format: str
    path: Path
    size: int
    #: Seconds the format took to render.
    seconds: float = 0.0


@dataclass
class Report:
    """What a build or a check did: its outputs and every diagnostic; it decides the exit code."""

    outputs: list[Output] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: Every document that wrote nothing: it could not be read, or the checks failed it.
    failed: list[Path] = field(default_factory=list)
    #: The documents among :attr:`failed` that could not be read or rendered at
    #: all (a mistake in the front matter, a missing image): input errors.
    invalid: list[Path] = field(default_factory=list)
    #: The diagnostic that stopped each of :attr:`invalid` (also in :attr:`diagnostics`).
    input_errors: list[Diagnostic] = field(default_factory=list)
    #: Sources whose outputs were up to date: nothing was rendered for them.
    skipped: list[Path] = field(default_factory=list)
    #: Every source that could be read, for reports (readability figures).
    documents: dict[Path, Document] = field(default_factory=dict)
    #: Seconds each source spent in each stage ("read", "check", "write").
    timings: dict[Path, dict[str, float]] = field(default_factory=dict)

    @property
    def findings(self) -> list[Diagnostic]:
        """The diagnostics other than input errors: what the checks (and pandoc) found."""
        return [d for d in self.diagnostics if d not in self.input_errors]

    def reject(self, source: Path, error: PipelineError) -> None:
        """Record that ``source`` could not be read or rendered because of ``error``."""
        self.diagnostics.extend(error.diagnostics)
        self.input_errors.extend(error.diagnostics)
        self.failed.append(source)
        self.invalid.append(source)

    @property
    def errors(self) -> int:
        """How many error diagnostics were reported."""
        return sum(d.severity is Severity.ERROR for d in self.diagnostics)

    @property
    def warnings(self) -> int:
        """How many warning diagnostics were reported."""
        return sum(d.severity is Severity.WARNING for d in self.diagnostics)

    def exit_code(self, strict: bool = False) -> int:
        """0 for success, 2 when a source could not be read, 1 for findings.

        Findings are errors, or under ``strict`` warnings too.
        """
        if self.invalid:
            return 2
        if self.failed or self.errors or (strict and self.warnings):
            return 1
        return 0


@dataclass(frozen=True)
class Job:
    """One source to build, and the folder below the output folder its editions go to."""

    source: Path
    folder: Path = Path()


def discover(paths: Sequence[Path], default: Path) -> list[Path]:
    """The sources in ``paths`` (files, or folders searched recursively), by default ``default``."""
    return [job.source for job in plan(paths, default)]


def plan(paths: Sequence[Path], default: Path) -> list[Job]:
    """The jobs for ``paths``: every ``**/*.md`` of a folder keeps its place below the output.

    A file inside ``default`` (``source/``) keeps its place too, so that
    ``build source/a/b.md`` writes where ``build`` does. Two sources that
    would write the same file are an error.
    """
    jobs: list[Job] = []
    for path in paths or [default]:
        if path.is_dir():
            for source in sorted(path.rglob("*.md")):
                if not any(part.startswith(".") for part in source.relative_to(path).parts):
                    jobs.append(Job(source, source.parent.relative_to(path)))
        elif path.is_file():
            folder = Path()
            if path.resolve().is_relative_to(default.resolve()):
                folder = path.resolve().parent.relative_to(default.resolve())
            jobs.append(Job(path, folder))
        else:
            raise PipelineError(
                Diagnostic(
                    Location(path),
                    Severity.ERROR,
                    "usage.no-such-source",
                    "no such file or folder; give a Markdown file or a folder of them",
                ),
                category="usage",
            )
    unique = list({job.source.resolve(): job for job in jobs}.values())
    # Compare every file each source would write: "leaflet.md" makes
    # "leaflet-large-print.pdf", which is also "leaflet-large-print.md"'s PDF.
    seen: dict[Path, Path] = {}
    for job in unique:
        for fmt in FORMATS.values():
            target = job.folder / (job.source.stem + fmt.suffix)
            if target in seen and seen[target] != job.source:
                raise PipelineError(
                    Diagnostic(
                        Location(job.source),
                        Severity.ERROR,
                        "usage.duplicate-output",
                        f"would write {target}, as {display_path(seen[target])} does; "
                        "rename one of them",
                    ),
                    category="usage",
                )
            seen[target] = job.source
    return unique


def shard(jobs: Sequence[Job], index: int, count: int) -> list[Job]:
    """The ``index``-th (1-based) of ``count`` slices of ``jobs``, the same on every machine.

    Sources are dealt round-robin in path order, so slices differ by at most one document.
    """
    ordered = sorted(jobs, key=lambda job: job.source.as_posix())
    return [job for number, job in enumerate(ordered) if number % count == index - 1]


def resolve_formats(names: Iterable[str]) -> list[Format]:
    """The formats called ``names`` in registry order; all of them when none is named."""
    wanted = set(names)
    return [fmt for name, fmt in FORMATS.items() if not wanted or name in wanted]


def read(source: Path, report: Report, html: bool = False) -> Document | None:
    """Load ``source``, or record why it cannot be read in ``report`` and return ``None``.

    ``html``: the caller will need the body's HTML (see :func:`pipeline.document.load`).
    """
    timings = report.timings.setdefault(source, {})
    started = time.perf_counter()
    try:
        document = document_module.load(source, html=html)
    except document_module.InvalidSource as error:
        timings["read"] = time.perf_counter() - started
        report.reject(source, error)
        if error.document is not None:
            # Not publishable, but what could be read is checked in the same
            # run, so that every problem of the source is known at once.
            verdict(error.document, report)
        return None
    except PipelineError as error:
        report.reject(source, error)
        return None
    finally:
        timings.setdefault("read", time.perf_counter() - started)
    report.documents[source] = document
    return document


def verdict(document: Document, report: Report, strict: bool = False) -> bool:
    """Run the source checks on ``document``, recording every diagnostic in ``report``.

    True when it may be published: no check found an error (nor, under
    ``strict``, a warning). Otherwise the source is added to ``report.failed``.
    """
    started = time.perf_counter()
    found = sorted(
        {*document.diagnostics, *a11y.run_checks(document)},
        key=lambda d: (d.location.line, d.location.column, d.code, d.message),
    )
    report.timings.setdefault(document.path, {})["check"] = time.perf_counter() - started
    report.diagnostics.extend(found)
    blocking = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    if any(diagnostic.severity in blocking for diagnostic in found):
        if document.path not in report.failed:
            report.failed.append(document.path)
        return False
    return True


def inspect(source: Path, report: Report, strict: bool = False) -> Document | None:
    """Load ``source`` and run the source checks (:func:`read`, then :func:`verdict`).

    Returns the document when it may be published, otherwise ``None``.
    """
    document = read(source, report)
    return document if document is not None and verdict(document, report, strict) else None


def check(sources: Sequence[Path], strict: bool = False) -> Report:
    """Run the source checks on every source, writing nothing."""
    report = Report()
    for source in sources:
        inspect(source, report, strict)
    return report


#: Formats rendered in one task because one is made from the other.
_GROUPS = (("pdf", "booklet"),)

#: Called as ``progress(event, source, format)`` with event "start", "done" or "skip".
Progress = Callable[[str, Path, str], None]


def _groups(formats: Sequence[Format]) -> list[list[str]]:
    """The render tasks of one document: formats that feed each other share a task."""
    names = [fmt.name for fmt in formats]
    tasks: list[list[str]] = []
    for name in names:
        group = next((g for g in _GROUPS if name in g), (name,))
        task = [n for n in group if n in names]
        if task not in tasks:
            tasks.append(task)
    return tasks


@contextlib.contextmanager
def _few_collections() -> Iterator[None]:
    """Let the garbage collector run rarely while formats render.

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
    document: Document, names: list[str], context: Context
) -> list[tuple[str, bytes, float]]:
    """Render ``document`` in the formats ``names``: one task, run in a worker process."""
    rendered = []
    with _few_collections():
        for name in names:
            started = time.perf_counter()
            data = FORMATS[name].render(document, context)
            rendered.append((name, data, time.perf_counter() - started))
    return rendered


def build(
    sources: Sequence[Path | Job],
    formats: Sequence[Format],
    out_dir: Path,
    context: Context | None = None,
    strict: bool = False,
    jobs: int = 1,
    force: bool = False,
    progress: Progress | None = None,
) -> Report:
    """Check, then build every source in every format into ``out_dir``.

    Only sources whose outputs are out of date are rendered (``force``
    renders all); with ``jobs`` above 1, formats and documents render in a
    pool of worker processes. A document that fails (it cannot be read, a
    check finds an error, or under ``strict`` a warning) leaves no output of
    its own behind and does not stop the others. Messages and the report keep
    the order of ``sources`` whatever order the work finishes in.
    """
    context = context or Context()
    report = Report()
    planned = [item if isinstance(item, Job) else Job(item) for item in sources]
    names = [fmt.name for fmt in formats]
    remove_stale_temporaries(out_dir)
    manifest = incremental.Manifest(out_dir)
    env = incremental.environment(context, strict)
    notify = progress or (lambda event, source, name: None)
    # Up-to-date documents are known before any work starts, so that the pool
    # is sized to the work there is (and not started at all for none).
    today = quality.today()
    entries = {
        job.source: None if force else manifest.current(job.source, names, env, today)
        for job in planned
    }
    stale = sum(entry is None for entry in entries.values())
    groups = _groups(formats)
    from_html = any(fmt.from_html for fmt in formats)
    paged = [task for task in groups if any(FORMATS[name].paged for name in task)]
    # With paged formats, the workers lay out pages (the slow part) and this
    # process reads, checks and renders the rest meanwhile; without, the
    # workers take everything.
    offloaded = paged or groups
    pool = _pool(min(jobs, stale * len(offloaded)) if jobs > 1 else 0, warm=bool(paged))
    pending: list[tuple[Job, Document, list[Any]]] = []
    try:
        for job in planned:
            entry = entries[job.source]
            if entry is not None:
                # Up to date: say again what its last build said, render nothing.
                report.diagnostics.extend(incremental.diagnostics(entry))
                report.skipped.append(job.source)
                notify("skip", job.source, "")
                continue
            document = read(job.source, report, html=from_html)
            if document is None:
                continue
            tasks: list[Any] = []
            if pool is not None:
                try:
                    if from_html:
                        _ = document.body_html  # once, here, rather than in every worker
                except PipelineError as error:
                    report.reject(job.source, error)
                    continue
                # Started before the checks, which run here meanwhile; if
                # they fail the document, its renders are dropped unwritten.
                for task in offloaded:
                    for name in task:
                        notify("start", job.source, name)
                    tasks.append(pool.submit(render_task, document, task, context))
            if not verdict(document, report, strict):
                for future in tasks:
                    future.cancel()
                continue
            for task in groups:
                if pool is None or task not in offloaded:
                    for name in task:
                        notify("start", job.source, name)
                    tasks.append(_Done(_run(render_task, document, task, context)))
            pending.append((job, document, tasks))
        collected = [
            (job, document, _collect(job, tasks, report, notify))
            for job, document, tasks in pending
        ]
        # Write only once every document has rendered, so that an interrupted
        # or crashed build (Ctrl-C, kill, a bug) leaves the output folder as it
        # was; and let no signal cut the writing itself short.
        with _signals_deferred():
            for job, document, rendered in collected:
                if rendered is not None:
                    _write(job, document, rendered, formats, out_dir, report, manifest, env)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        manifest.save()
    return report


class _Done:
    """A finished result with the interface of a future (for the in-process path)."""

    def __init__(self, outcome: tuple[Any, BaseException | None]) -> None:
        self.value, self.error = outcome

    def result(self) -> Any:
        if self.error is not None:
            raise self.error
        return self.value


def _run(function: Callable[..., Any], *args: Any) -> tuple[Any, BaseException | None]:
    try:
        return function(*args), None
    except PipelineError as error:
        return None, error


def _pool(workers: int, warm: bool) -> concurrent.futures.ProcessPoolExecutor | None:
    """``workers`` worker processes (none for 0), started at once.

    With ``warm``, each worker loads WeasyPrint as it starts, while this
    process reads and checks the sources, so that the slowest start-up costs
    overlap.
    """
    if workers < 1:
        return None
    import multiprocessing

    pool = concurrent.futures.ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_warm_up if warm else None,
    )
    for _ in range(workers):
        pool.submit(int)  # start every worker now, not at the first real task
    return pool


def _warm_up() -> None:
    """Load the page renderer (WeasyPrint and its libraries) in a fresh worker."""
    from pipeline.formats import pdf  # noqa: F401


def _collect(
    job: Job, tasks: list[Any], report: Report, notify: Progress
) -> dict[str, tuple[bytes, float]] | None:
    """A document's renders by format, or ``None`` (and the error reported) if one failed."""
    rendered: dict[str, tuple[bytes, float]] = {}
    try:
        for task in tasks:
            for name, data, seconds in task.result():
                rendered[name] = (data, seconds)
                notify("done", job.source, name)
    except PipelineError as error:
        report.reject(job.source, error)
        return None
    return rendered


def _write(
    job: Job,
    document: Document,
    rendered: dict[str, tuple[bytes, float]],
    formats: Sequence[Format],
    out_dir: Path,
    report: Report,
    manifest: incremental.Manifest,
    env: str,
) -> None:
    """Write a document's renders, each atomically, and record them in the manifest."""
    started = time.perf_counter()
    written: dict[Path, bytes] = {}
    for fmt in formats:  # registry order, whatever order the work finished in
        data, seconds = rendered[fmt.name]
        target = out_dir / job.folder / fmt.output_name(document)
        write_atomic(target, data)
        written[target] = data
        report.outputs.append(Output(job.source, fmt.name, target, len(data), seconds))
    report.timings[job.source]["write"] = time.perf_counter() - started
    manifest.record(
        job.source,
        [fmt.name for fmt in formats],
        env,
        [job.source, *document.images.values()],
        written,
        [d for d in report.diagnostics if d.location.path == job.source],
        document.meta.next_review,
    )


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold back Ctrl-C and ``kill`` (SIGINT, SIGTERM) until the block is done, then deliver them.

    Writing the outputs takes milliseconds; cut short, it would leave some
    documents new and some old. Only the main thread can set handlers.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    deferred = (signal.SIGINT, signal.SIGTERM)
    previous = {
        number: signal.signal(number, lambda n, _f: received.append(n)) for number in deferred
    }
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        for held in dict.fromkeys(received):
            signal.raise_signal(held)


TEMPORARY_PREFIX = ".clearleaf-tmp-"


def remove_stale_temporaries(out_dir: Path) -> None:
    """Delete temporary files a killed build left behind (they were never complete outputs)."""
    if out_dir.is_dir():
        for stale in out_dir.rglob(f"{TEMPORARY_PREFIX}*"):
            stale.unlink(missing_ok=True)


def write_atomic(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` so that readers see the old file or the whole new one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        prefix=f"{TEMPORARY_PREFIX}{target.name}.", dir=target.parent
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
