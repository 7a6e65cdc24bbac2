"""Rebuild what a saved change affects, for an editor working on a leaflet (``watch``, ``serve``).

The file system says what changed (watchdog: inotify on Linux, FSEvents on
macOS), so an idle watch costs nothing and a save is seen at once. An
editor's save is a burst of events (a temporary file, a rename, a change of
mode), gathered into one rebuild once the burst settles (:class:`Changes`).
Each rebuild is an ordinary build (:func:`clearleaf.build.build`, with its
lock on the output folder), whose up-to-date check renders only what the
change affects; it says what changed and what was rebuilt in one
timestamped line and repeats only the findings of the documents it
concerns, not every document's (:class:`Rebuild`).
"""

from __future__ import annotations

import datetime as dt
import errno
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from clearleaf import build as builder
from clearleaf import catalogue, config, plan
from clearleaf.context import STYLES_DIR
from clearleaf.editions import Edition
from clearleaf.errors import Diagnostic, Location, PipelineError, Severity, display_path
from clearleaf.report import Report
from clearleaf.scheduler import Progress

#: The events that change a file's contents or its presence. Opening and
#: closing without writing are left out: a build reads every source, and
#: counting its reads as changes would rebuild for ever.
_CHANGES = frozenset({"created", "modified", "deleted", "moved", "closed"})

#: How long a burst of events may go on before the rebuild starts anyway
#: (a program writing for minutes, a folder being copied in).
LONGEST_BURST = 2.0


def ignored(path: Path, root: Path) -> bool:
    """Whether a change of ``path`` (below the watched folder ``root``) never needs a rebuild.

    Hidden files and folders (``.git``, the manifest's ``.clearleaf``, vim's
    ``.leaflet.md.swp``, emacs's ``.#leaflet.md``, the pipeline's own
    temporary files) are no source's input, nor are editors' backup and
    autosave files (``leaflet.md~``, ``#leaflet.md#``) or the file vim writes
    to test a folder (``4913``).
    """
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        parts = path.parts
    name = path.name
    return (
        any(part.startswith(".") or part == "__pycache__" for part in parts)
        or name.endswith("~")
        or (name.startswith("#") and name.endswith("#"))
        or name == "4913"
    )


class Changes(FileSystemEventHandler):
    """The files changed below some folders, gathered into one batch a burst of saves.

    Use as a context manager: the folders are watched from ``__enter__`` to
    ``__exit__``, and :meth:`wait` hands over each batch. Changes below
    ``ignore`` (the output folder, which every build writes) never count.
    """

    def __init__(
        self,
        roots: Sequence[Path],
        ignore: Sequence[Path] = (),
        settle: float = 0.2,
        files: Sequence[Path] = (),
    ) -> None:
        super().__init__()
        self.roots = _outermost(root.resolve() for root in roots)
        #: Single files watched besides the folders (the project's clearleaf.toml),
        #: through their folders, watched alone (not what is below them).
        self.files = {path.resolve() for path in files}
        self.file_folders = sorted(
            {
                path.parent
                for path in self.files
                if not any(path.is_relative_to(root) for root in self.roots)
            }
        )
        self.ignore = [path.resolve() for path in ignore]
        self.settle = settle
        self._pending: set[Path] = set()
        self._first = self._last = 0.0
        self._ready = threading.Condition()
        self._observer = Observer()

    def __enter__(self) -> Changes:
        root = self.roots[0] if self.roots else Path()
        try:
            for root in self.roots:
                self._observer.schedule(self, str(root), recursive=True)
            for root in self.file_folders:
                self._observer.schedule(self, str(root), recursive=False)
            self._observer.start()  # where inotify sets its watches up, folder by folder
        except OSError as error:
            raise _cannot_watch(root, error) from None
        return self

    def __exit__(self, *exc: object) -> None:
        self._observer.stop()
        self._observer.join(timeout=5)

    def on_any_event(self, event: FileSystemEvent) -> None:
        """Note the files an event changed (watchdog calls this from its own thread)."""
        if event.is_directory or event.event_type not in _CHANGES:
            return
        paths = [event.src_path, event.dest_path] if event.dest_path else [event.src_path]
        relevant = {path for path in (Path(_text(p)) for p in paths) if not self._ignored(path)}
        if relevant:
            with self._ready:
                now = time.monotonic()
                self._first = self._first if self._pending else now
                self._last = now
                self._pending |= relevant
                self._ready.notify_all()

    def _ignored(self, path: Path) -> bool:
        if path.resolve() in self.files:
            return False
        if any(path.is_relative_to(folder) for folder in self.ignore):
            return True
        if not any(path.is_relative_to(root) for root in self.roots):
            return True  # in a single file's folder: another file
        root = next((root for root in self.roots if path.is_relative_to(root)), path.parent)
        return ignored(path, root)

    def wait(self, timeout: float | None = None) -> list[Path]:
        """The files changed since the last call, once their burst has settled.

        Blocks until something changes; after ``timeout`` seconds with no
        change, returns an empty list.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._ready:
            while not self._pending:
                left = 1.0 if deadline is None else deadline - time.monotonic()
                if left <= 0:
                    return []
                # A bounded wait, so that Ctrl-C is seen at once on every platform.
                self._ready.wait(min(left, 1.0))
            while True:
                now = time.monotonic()
                quiet_at = min(self._last + self.settle, self._first + LONGEST_BURST)
                if now >= quiet_at:
                    break
                self._ready.wait(quiet_at - now)
            changed = sorted(self._pending)
            self._pending.clear()
            return changed


def _cannot_watch(root: Path, error: OSError) -> PipelineError:
    """The usage error for a folder the system will not watch."""
    if error.errno in (errno.ENOSPC, errno.EMFILE):
        # Linux's inotify says "no space left on device" when its watches run out.
        advice = (
            "the system's limit of watched folders is reached; watch a smaller folder (the "
            "sources' rather than a whole project's), or raise fs.inotify.max_user_watches"
        )
    else:
        advice = f"{error.strerror or error}; give an existing folder of sources"
    return PipelineError(
        Diagnostic(
            Location(root), Severity.ERROR, "usage.cannot-watch", f"cannot watch it: {advice}"
        ),
        category="usage",
    )


def _text(path: bytes | str) -> str:
    return path.decode() if isinstance(path, bytes) else path


def _outermost(roots: Iterator[Path]) -> list[Path]:
    """``roots`` without those inside another (a recursive watch of both sees each change twice)."""
    unique = sorted(set(roots))
    return [
        root for root in unique if not any(root.is_relative_to(o) and root != o for o in unique)
    ]


@dataclass(frozen=True)
class Rebuild:
    """What one build of a watch did: what changed, what it rebuilt, what to say about it."""

    #: When the build started, on the local clock (for people, never in an output).
    at: dt.datetime
    #: The files whose change started it; none for the first build.
    changed: tuple[Path, ...]
    #: The documents planned (the previous ones, when planning failed).
    jobs: tuple[plan.Job, ...]
    report: Report
    seconds: float
    #: The documents whose findings are worth repeating (see :meth:`Session.build`).
    shown: frozenset[Path] = frozenset()
    #: Why nothing could be built at all (a source folder deleted, two sources
    #: writing the same file).
    error: PipelineError | None = None

    @property
    def rebuilt(self) -> dict[Path, list[str]]:
        """The formats written for each document, in the order of the registry."""
        written: dict[Path, list[str]] = {}
        for output in self.report.outputs:
            written.setdefault(output.source, []).append(output.format)
        return written

    @property
    def findings(self) -> list[Diagnostic]:
        """The diagnostics to print: the shown documents', and those of no document."""
        if self.error is not None:
            return self.error.diagnostics
        sources = {job.source for job in self.jobs}
        return [
            d
            for d in self.report.diagnostics
            if d.location.path in self.shown or d.location.path not in sources
        ]

    def line(self) -> str:
        """One timestamped line: what changed, what was rebuilt, in how long.

        ``12:04:31 source/a.md changed: rebuilt html, pdf in 1.2 s``
        """
        stamp = self.at.strftime("%H:%M:%S")
        took = f"{self.seconds:.1f} s"
        if not self.changed:
            if self.error is not None:
                return f"{stamp} nothing built: the sources could not be planned"
            return f"{stamp} {_summary(self.report, len(self.jobs))} in {took}"
        what = f"{stamp} {_names(self.changed)} changed"
        if self.error is not None:
            return f"{what}: nothing built, the sources could not be planned"
        saved = [path.resolve() for path in self.changed]

        def named(source: Path) -> str:
            # The one file saved needs no naming twice: "a.md changed: rebuilt html".
            return "" if saved == [source.resolve()] else f"{display_path(source)} "

        parts: list[str] = []
        rebuilt = self.rebuilt
        if rebuilt:
            listed = [
                f"{named(source)}({', '.join(formats)})" if named(source) else ", ".join(formats)
                for source, formats in rebuilt.items()
            ]
            parts.append(f"rebuilt {', '.join(listed)} in {took}")
        for source in self.report.failed:
            errors = sum(
                d.location.path == source and d.severity is Severity.ERROR
                for d in self.report.diagnostics
            )
            state = f"not built ({errors} error(s))" if source in self.shown else "still not built"
            parts.append(f"{named(source)}{state}, its last good outputs are kept")
        if parts and not rebuilt:
            parts[-1] += f" ({took})"
        return f"{what}: {'; '.join(parts) or 'nothing to rebuild, all up to date'}"


def _names(paths: Sequence[Path], most: int = 3) -> str:
    """``paths`` for a line of text: the first few, and how many more."""
    shown = ", ".join(display_path(path) for path in paths[:most])
    return shown if len(paths) <= most else f"{shown} and {len(paths) - most} more"


def _summary(report: Report, documents: int) -> str:
    """What a first build did, counted: ``built 2 of 3 document(s), 14 file(s); ...``."""
    built = len({output.source for output in report.outputs})
    summary = f"built {built} of {documents} document(s), {len(report.outputs)} file(s)"
    if report.skipped:
        summary += f"; {len(report.skipped)} up to date"
    if report.failed:
        summary += f"; not built: {', '.join(display_path(p) for p in report.failed)}"
    return summary


@dataclass
class Session:
    """The builds of one ``watch`` or ``serve``: each the build that ``clearleaf build`` runs.

    ``sources`` are as given on the command line (files or folders; none
    means ``default``), searched again at each build, so that a new source is
    built when it is saved.
    """

    sources: Sequence[Path]
    formats: Sequence[Edition]
    out: Path
    default: Path = Path("source")
    progress: Progress | None = None
    #: The findings each document's last build reported, to repeat a failing
    #: document's only when they change.
    _said: dict[Path, tuple[Diagnostic, ...]] = field(default_factory=dict, init=False)
    _jobs: tuple[plan.Job, ...] = field(default=(), init=False)
    _builds: int = field(default=0, init=False)

    def plan(self) -> list[plan.Job]:
        """The documents to build; a usage error (no such source) is raised."""
        return plan.plan(self.sources, self.default)

    def roots(self) -> list[Path]:
        """The folders to watch: the sources' (a file's images sit beside it) and the styles."""
        folders = [
            path if path.is_dir() else path.parent for path in self.sources or [self.default]
        ]
        return [*folders, STYLES_DIR]

    def settings_files(self) -> list[Path]:
        """The project's ``clearleaf.toml``, if there is one: a change rebuilds what it sets."""
        found = config.find(self.default if self.default.is_dir() else Path.cwd())
        return [found] if found is not None else []

    def build(self, changed: Sequence[Path] = ()) -> Rebuild:
        """Build what is out of date; say what ``changed`` (none: the first build) rebuilt.

        The findings shown are every document's on the first build; after
        that, those of each document rebuilt, and of a document that still
        fails only when it is the one saved or what it reports changed.
        """
        at, started = dt.datetime.now(), time.perf_counter()
        first = self._builds == 0
        self._builds += 1
        try:
            jobs = tuple(self.plan())
            # As ``clearleaf build`` of the same paths: a deleted source's editions go.
            scope = plan.scope(self.sources, self.default)
            site = catalogue.Site.of(config.for_folder(self.default))
            report = builder.build(
                jobs, self.formats, self.out, progress=self.progress, scope=scope, site=site
            )
        except PipelineError as error:
            return Rebuild(
                at,
                tuple(changed),
                self._jobs,
                Report(diagnostics=error.diagnostics),
                time.perf_counter() - started,
                error=error,
            )
        self._jobs = jobs
        saved = {path.resolve() for path in changed}
        shown: set[Path] = set()
        for job in jobs:
            if job.source in report.skipped and not first:
                continue
            mine = tuple(d for d in report.diagnostics if d.location.path == job.source)
            if (
                first
                or job.source not in report.failed
                or job.source.resolve() in saved
                or mine != self._said.get(job.source)
            ):
                shown.add(job.source)
            self._said[job.source] = mine
        return Rebuild(
            at, tuple(changed), jobs, report, time.perf_counter() - started, frozenset(shown)
        )


def watch(
    session: Session,
    rebuilt: Callable[[Rebuild], None],
    settle: float = 0.2,
    rounds: int | None = None,
) -> int:
    """Build once, then again after every change; return how many builds ran.

    Each build is handed to ``rebuilt``. The folders are watched from before
    the first build, so that a save during it is not missed. ``rounds``
    bounds the number of rebuilds after the first (for tests); by default it
    runs until interrupted.
    """
    with Changes(
        session.roots(), ignore=[session.out], settle=settle, files=session.settings_files()
    ) as changes:
        rebuilt(session.build())
        builds = 1
        while rounds is None or builds <= rounds:
            changed = changes.wait()
            rebuilt(session.build(changed))
            builds += 1
    return builds
