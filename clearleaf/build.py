"""Building documents: the phases of a build (plan, read, check, render, write).

Each phase has its module: :mod:`clearleaf.plan` finds the sources,
:mod:`clearleaf.document` reads one, :mod:`clearleaf.verdict` checks it,
:mod:`clearleaf.scheduler` renders its editions, :mod:`clearleaf.outputs`
writes them, and :mod:`clearleaf.report` keeps what happened. This module
runs them in order, so that a source is read and checked once whatever
number of editions is made of it. A build also removes from the output
folder the editions its manifest recorded for sources that are gone (within
what the build stands for, :class:`clearleaf.plan.Scope`); :func:`clean`
removes everything the pipeline wrote there.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import hashlib
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clearleaf import catalogue, incremental, outputs, scheduler, verdict
from clearleaf import document as document_module
from clearleaf.a11y import quality
from clearleaf.colophon import Colophon
from clearleaf.context import Context
from clearleaf.document import Document
from clearleaf.editions import Edition
from clearleaf.errors import PipelineError, Severity, warning
from clearleaf.plan import Job, Scope
from clearleaf.report import CLEANED, GONE, MOVED, Output, Reading, Removed, Report
from clearleaf.scheduler import Made, Progress


def read(source: Path, report: Report, html: bool = False) -> Document | None:
    """Load ``source``, or record why it cannot be read in ``report`` and return ``None``.

    ``html``: the caller will need the body's HTML (see :func:`clearleaf.document.load`).
    """
    timings = report.timings.setdefault(source, {})
    started = time.perf_counter()
    try:
        return document_module.load(source, html=html)
    except document_module.InvalidSource as error:
        timings["read"] = time.perf_counter() - started
        report.reject(source, error)
        if error.document is not None:
            # Not publishable, but what could be read is checked in the same
            # run, so that every problem of the source is known at once.
            report.diagnostics.extend(verdict.judge(error.document).diagnostics)
        return None
    except PipelineError as error:
        report.reject(source, error)
        return None
    finally:
        timings.setdefault("read", time.perf_counter() - started)


def judge(document: Document, report: Report, strict: bool = False) -> verdict.Verdict:
    """Run the checks on ``document`` and record what they found in ``report``.

    A document the verdict does not let be published (an error, or under
    ``strict`` a warning) is added to ``report.failed``.
    """
    started = time.perf_counter()
    found = verdict.judge(document)
    report.timings.setdefault(document.path, {})["check"] = time.perf_counter() - started
    report.diagnostics.extend(found.diagnostics)
    meta = document.meta
    report.readings[document.path] = Reading(found.readability, meta.lang, meta.reading_age_target)
    if not found.publishable(strict):
        report.fail(document.path)
    return found


def check(sources: Sequence[Path], strict: bool = False) -> Report:
    """Run the checks on every source, writing nothing."""
    report = Report()
    for source in sources:
        document = read(source, report)
        if document is not None:
            judge(document, report, strict)
    return report


def build(
    sources: Sequence[Path | Job],
    formats: Sequence[Edition],
    out_dir: Path,
    context: Context | None = None,
    strict: bool = False,
    jobs: int = 1,
    force: bool = False,
    progress: Progress | None = None,
    scope: Scope | None = None,
    site: catalogue.Site | None = None,
    shard: tuple[int, int] | None = None,
) -> Report:
    """Check, then build every source in every edition of ``formats`` into ``out_dir``.

    Only sources whose outputs are out of date are rendered (``force``
    renders all); with ``jobs`` above 1, editions render in a pool of worker
    processes. A document that fails (it cannot be read, a check finds an
    error, or under ``strict`` a warning, its renders' included) leaves no
    output of its own behind and does not stop the others. Messages and the
    report keep the order of ``sources`` whatever order the work finishes in.

    The editions recorded for a source in ``scope`` that no longer exists are
    removed, and so are those a planned source no longer writes (its place
    below the output folder changed); by default the scope holds nothing.

    Then the catalogue of the output folder (:mod:`clearleaf.catalogue`, with
    the project's ``site`` settings) lists every document it holds; a build of
    ``shard`` (K, N) writes its part of it instead.
    """
    context = context or Context()
    report = Report()
    planned = [item if isinstance(item, Job) else Job(item) for item in sources]
    notify = progress or (lambda event, source, name: None)
    with outputs.held(out_dir, lambda: notify("wait", out_dir, "")):
        outputs.remove_stale_temporaries(out_dir)
        manifest = incremental.Manifest(out_dir)
        if manifest.damaged is not None:
            report.diagnostics.append(
                warning(
                    manifest.path,
                    "build.manifest-damaged",
                    f"the record of the last build cannot be trusted ({manifest.damaged}), "
                    "so everything is built again and the record written anew",
                )
            )
        env = incremental.environment(context, strict)
        # Up-to-date documents are known before any work starts, so that the
        # pool is sized to the work there is (and not started at all for none).
        today = quality.today()
        entries = {
            job.source: None
            if force
            else manifest.current(job.source, job.targets(out_dir, formats), env, today)
            for job in planned
        }
        stale = sum(entry is None for entry in entries.values())
        pending: collections.deque[tuple[Job, Document, _Started]]
        pending = collections.deque()
        staged: collections.deque[_Staged] = collections.deque()
        try:
            with scheduler.Scheduler(formats, jobs, stale, notify) as work:
                # Documents read ahead of the one being collected: enough to keep
                # every worker busy, few enough that memory does not grow with
                # the catalogue (each finished document's files wait on disk).
                ahead = 2 * max(1, jobs or 1) + 2
                for job in planned:
                    entry = entries[job.source]
                    if entry is not None:
                        # Up to date: say again what its last build said, render nothing.
                        report.diagnostics.extend(incremental.diagnostics(entry))
                        report.skipped.append(job.source)
                        notify("skip", job.source, "")
                        continue
                    started = _start(work, job, context, report, strict)
                    if started is not None:
                        pending.append((job, *started))
                    while len(pending) > ahead:
                        staged += _finish(
                            work, *pending.popleft(), formats, context, out_dir, report, strict
                        )
                while pending:
                    staged += _finish(
                        work, *pending.popleft(), formats, context, out_dir, report, strict
                    )
            # Put the files in place only once every document has rendered, so that
            # an interrupted or crashed build (Ctrl-C, kill, a bug) leaves the output
            # folder as it was; and let no signal cut the putting itself short.
            with outputs.signals_deferred():
                while staged:
                    _put(staged.popleft(), report, manifest, env)
                _prune(planned, scope or Scope(), out_dir, manifest, report)
                _list(planned, out_dir, manifest, context, report, site or catalogue.Site(), shard)
        except BaseException:
            for item in staged:  # rendered, never put in place
                item.discard()
            # What was written is recorded; a manifest that cannot be saved
            # stays as it was, and the next build renders those documents again.
            with contextlib.suppress(PipelineError):
                manifest.save()
            raise
        manifest.save()
    return report


@dataclass(frozen=True)
class _Started:
    """A document's renders under way, and what its catalogue record needs."""

    results: list[scheduler.Pending]
    back: Colophon
    reading_age: int | None


def _start(
    work: scheduler.Scheduler, job: Job, context: Context, report: Report, strict: bool
) -> tuple[Document, _Started] | None:
    """Read and check one source and set its editions rendering; None if it fails."""
    document = read(job.source, report, html=work.body)
    if document is None:
        return None
    try:
        started = work.start(document, context)
        found = judge(document, report, strict)
        if not found.publishable(strict):
            started.cancel()
            return None
        results, back = work.finish(document, context, found.claimed, started)
        figures = found.readability
        age = figures.reading_age if figures is not None and figures.stable else None
        return document, _Started(results, back, age)
    except PipelineError as error:  # the body's HTML could not be made
        report.reject(job.source, error)
        return None


def _collect(
    work: scheduler.Scheduler,
    job: Job,
    results: list[scheduler.Pending],
    report: Report,
    strict: bool,
) -> dict[str, Made] | None:
    """A document's renders, with what rendering found in ``report``; ``None`` if it failed.

    A render fails with an error; under ``strict``, a warning found while
    rendering fails the document as a check's would.
    """
    try:
        made = work.collect(job.source, results)
    except PipelineError as error:
        report.reject(job.source, error)
        return None
    found = list(dict.fromkeys(d for item in made.values() for d in item.diagnostics))
    report.diagnostics.extend(found)
    if strict and any(d.severity is Severity.WARNING for d in found):
        report.fail(job.source)
        return None
    return made


@dataclass(frozen=True)
class _File:
    """One rendered file waiting on disk beside its place (:func:`clearleaf.outputs.stage`)."""

    temporary: Path
    #: The SHA-256 of its bytes (hex), for the manifest.
    digest: str
    #: What the report says of it; its ``path`` is the file's place.
    output: Output


@dataclass
class _Staged:
    """A document's staged files, and what its manifest entry records."""

    job: Job
    #: Each file the document was made from, with the SHA-256 of what was read.
    dependencies: dict[Path, str]
    next_review: dt.date | None
    #: What the catalogue lists of the document (:func:`clearleaf.catalogue.describe`).
    listed: dict[str, Any] = field(default_factory=dict)
    files: list[_File] = field(default_factory=list)
    seconds: float = 0.0

    def discard(self) -> None:
        """Remove the staged files (the build stopped before putting them in place)."""
        for file in self.files:
            file.temporary.unlink(missing_ok=True)


def _finish(
    work: scheduler.Scheduler,
    job: Job,
    document: Document,
    rendering: _Started,
    formats: Sequence[Edition],
    context: Context,
    out_dir: Path,
    report: Report,
    strict: bool,
) -> list[_Staged]:
    """Collect a document's renders and stage its files; nothing if it failed."""
    made = _collect(work, job, rendering.results, report, strict)
    if made is None:
        return []
    started = time.perf_counter()
    staged = _Staged(job, dict(document.read_digests), document.meta.next_review)
    staged.listed = catalogue.describe(
        document,
        rendering.back,
        context,
        {
            job.target(Path(), edition).as_posix(): (edition.name, made[edition.name].data)
            for edition in formats
        },
        rendering.reading_age,
    )
    try:
        for edition in formats:  # registry order, whatever order the work finished in
            item = made.pop(edition.name)
            target = job.target(out_dir, edition)
            staged.files.append(
                _File(
                    outputs.stage(target, item.data),
                    hashlib.sha256(item.data).hexdigest(),
                    Output(
                        job.source, edition.name, target, len(item.data), item.seconds, item.pages
                    ),
                )
            )
    except BaseException:
        staged.discard()
        raise
    staged.seconds = time.perf_counter() - started
    return [staged]


def _put(staged: _Staged, report: Report, manifest: incremental.Manifest, env: str) -> None:
    """Put a document's staged files in place and record them in the manifest."""
    started = time.perf_counter()
    try:
        for file in staged.files:
            outputs.put(file.temporary, file.output.path)
            report.outputs.append(file.output)
    except BaseException:
        staged.discard()
        raise
    source = staged.job.source
    report.timings[source]["write"] = staged.seconds + time.perf_counter() - started
    manifest.record(
        source,
        [file.output.format for file in staged.files],
        env,
        staged.dependencies,
        {file.output.path: file.digest for file in staged.files},
        [d for d in report.diagnostics if d.location.path == source],
        staged.next_review,
        staged.listed,
    )


def _list(
    planned: Sequence[Job],
    out_dir: Path,
    manifest: incremental.Manifest,
    context: Context,
    report: Report,
    site: catalogue.Site,
    shard: tuple[int, int] | None,
) -> None:
    """Bring the catalogue of ``out_dir`` up to date, or write a shard's part of it."""
    if shard is not None:
        mine = [incremental.key(job.source) for job in planned]
        catalogue.write_part(out_dir, catalogue.listed(manifest, mine), shard)
        return
    catalogue.remove_parts(out_dir)
    found = catalogue.update(out_dir, manifest, catalogue.listed(manifest), site, context)
    report.diagnostics.extend(found)


def _prune(
    planned: Sequence[Job],
    scope: Scope,
    out_dir: Path,
    manifest: incremental.Manifest,
    report: Report,
) -> None:
    """Remove the recorded editions of sources in ``scope`` that are gone, and those a
    planned source no longer writes; only files the manifest recorded are touched."""
    by_name = {incremental.key(job.source): job for job in planned}
    wanted = {target for job in planned for target in job.targets(out_dir).values()}
    doomed: list[Removed] = []
    for name in list(manifest.entries):
        source, job = Path(name), by_name.get(name)
        if job is None:
            if source.exists() or not scope.holds(source):
                continue
            doomed.extend(Removed(path, GONE, source) for path in manifest.outputs(name))
            manifest.forget(name)
            continue
        mine = set(job.targets(out_dir).values())
        for path in manifest.outputs(name):
            if path not in mine:
                doomed.append(Removed(path, MOVED, job.source, out_dir / job.folder))
                manifest.forget(name, path)
    # A file another source writes now, or still records, is that source's.
    kept = wanted | manifest.recorded()
    for item in doomed:
        if item.path not in kept and _remove(item.path, out_dir):
            report.removed.append(item)


def _remove(path: Path, out_dir: Path) -> bool:
    """Delete the output ``path`` and the folders it leaves empty below ``out_dir``;
    whether there was a file to delete."""
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as error:
        raise outputs.output_error(path, error) from None
    for folder in path.parents:
        if folder == out_dir or not folder.is_relative_to(out_dir):
            break
        try:
            folder.rmdir()
        except OSError:
            break  # not empty: something else lives there
    return True


def index(
    out_dir: Path, site: catalogue.Site | None = None, context: Context | None = None
) -> tuple[int, Report]:
    """Write the catalogue of ``out_dir`` from the parts its shards wrote (or from its
    manifest); how many documents it lists, and what writing it found."""
    report = Report()
    with outputs.held(out_dir, lambda: None):
        manifest = incremental.Manifest(out_dir)
        documents = catalogue.join(out_dir, manifest)
        with outputs.signals_deferred():
            report.diagnostics.extend(
                catalogue.update(
                    out_dir,
                    manifest,
                    documents,
                    site or catalogue.Site(),
                    context or Context(),
                    force=True,
                )
            )
            manifest.save()
    return len(documents), report


def clean(out_dir: Path, progress: Progress | None = None) -> Report:
    """Remove everything the pipeline wrote into ``out_dir`` and nothing else.

    That is every output its manifest records, the manifest's folder and the
    temporary files of builds that were killed; then the folders left empty,
    ``out_dir`` itself included. A folder that does not exist is already clean.
    The output folder is held as a build holds it, so that a build running
    meanwhile finishes first.
    """
    report = Report()
    if not out_dir.is_dir() or out_dir.is_symlink():
        return report
    notify = progress or (lambda event, source, name: None)
    with outputs.held(out_dir, lambda: notify("wait", out_dir, "")):
        for stale in outputs.remove_stale_temporaries(out_dir):
            report.removed.append(Removed(stale, CLEANED))
        manifest = incremental.Manifest(out_dir)
        with outputs.signals_deferred():
            for name in manifest.entries:
                for path in manifest.outputs(name):
                    if _remove(path, out_dir):
                        report.removed.append(Removed(path, CLEANED, Path(name)))
            for name in manifest.catalogue:
                if _remove(out_dir / name, out_dir):
                    report.removed.append(Removed(out_dir / name, CLEANED))
            records = out_dir / incremental.RECORDS
            if records.is_dir() and not records.is_symlink():
                shutil.rmtree(records)
                report.removed.append(Removed(records, CLEANED))
            with contextlib.suppress(OSError):
                out_dir.rmdir()  # only if nothing else lives there
    return report
