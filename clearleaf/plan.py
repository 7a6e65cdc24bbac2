"""Planning a build: which sources, where each one's editions go, and which editions.

A folder is searched for ``**/*.md``. Each source's editions go to its place
below the *source root*, the project's ``source/`` folder, so that a source
has one output location whatever path the build is given: ``build``,
``build source/clinic`` and ``build source/clinic/leaflet.md`` all write
``build/clinic/leaflet.*``. Two sources that would write the same file are
refused before anything is read. A catalogue too big for one machine is dealt
out in shards, the same on every machine (``--shard K/N``).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from clearleaf.editions import EDITIONS, Edition
from clearleaf.errors import (
    Diagnostic,
    Location,
    PipelineError,
    Severity,
    combined,
    display_path,
    resolved_path,
    usage_error,
)

#: The name of a project's folder of sources, looked for above a source given
#: outside the configured one.
SOURCE_FOLDER = "source"


@dataclass(frozen=True)
class Job:
    """One source to build, and the folder below the output folder its editions go to."""

    source: Path
    folder: Path = Path()

    def target(self, out_dir: Path, edition: Edition) -> Path:
        """The file ``edition`` of this source is written to below ``out_dir``."""
        return out_dir / self.folder / edition.output_name(self.source.stem)

    def targets(self, out_dir: Path, editions: Iterable[Edition] | None = None) -> dict[str, Path]:
        """The file of each of ``editions`` (default: every edition), by edition name."""
        chosen = EDITIONS.values() if editions is None else editions
        return {edition.name: self.target(out_dir, edition) for edition in chosen}


@dataclass(frozen=True)
class Scope:
    """What a build stands for in full: a source recorded in the output folder's manifest
    that lies in its scope and no longer exists is gone, and its editions are removed.

    A build of the whole catalogue (no paths, or the source root itself) holds
    every recorded source; one of folders holds the sources below them; one of
    named files holds none, so that it never removes another document's editions.
    """

    folders: tuple[Path, ...] = ()
    everything: bool = False

    def holds(self, source: Path) -> bool:
        """Whether ``source`` lies in this scope."""
        if self.everything:
            return True
        resolved = resolved_path(source)
        return any(resolved.is_relative_to(folder) for folder in self.folders)


def discover(paths: Sequence[Path], default: Path) -> list[Path]:
    """The sources in ``paths`` (files, or folders searched recursively), by default ``default``."""
    return [job.source for job in plan(paths, default)]


def source_root(source: Path, configured: Path) -> Path | None:
    """The folder ``source``'s place below the output folder is counted from.

    ``configured`` (the project's source folder) when it holds the source;
    otherwise the nearest ``source/`` folder holding it, found by walking up
    from the source to a folder that contains one; None when there is none.
    """
    resolved = resolved_path(source)
    root = configured.resolve()
    if resolved.is_relative_to(root):
        return root
    return next((folder for folder in resolved.parents if folder.name == SOURCE_FOLDER), None)


def plan(paths: Sequence[Path], default: Path) -> list[Job]:
    """The jobs for ``paths`` (default: the folder ``default``), each source placed below
    its source root (:func:`source_root`).

    A source outside any source root keeps its place below the folder given
    (a file given alone goes to the top of the output folder). Two sources
    that would write the same file are an error.
    """
    jobs: list[Job] = []
    for path in paths or [default]:
        if path.is_dir():
            for source in sorted(path.rglob("*.md")):
                if not any(part.startswith(".") for part in source.relative_to(path).parts):
                    jobs.append(Job(source, _folder(source, default, path)))
        elif path.is_file():
            jobs.append(Job(path, _folder(path, default, path.parent)))
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
    unique = list({resolved_path(job.source): job for job in jobs}.values())
    # Compare every file each source would write: "leaflet.md" makes
    # "leaflet-large-print.pdf", which is also "leaflet-large-print.md"'s PDF.
    seen: dict[Path, Path] = {}
    for job in unique:
        for target in job.targets(Path()).values():
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


def _folder(source: Path, configured: Path, given: Path) -> Path:
    """The folder below the output folder that ``source``'s editions go to: its place below
    its source root, else below ``given`` (the folder it was found in, or the file's own)."""
    root = source_root(source, configured)
    if root is not None:
        return resolved_path(source).parent.relative_to(root)
    return source.parent.relative_to(given)


def scope(paths: Sequence[Path], default: Path) -> Scope:
    """What a build of ``paths`` (default: the folder ``default``) stands for in full."""
    if not paths or any(path.resolve() == default.resolve() for path in paths):
        return Scope(everything=True)
    return Scope(folders=tuple(path.resolve() for path in paths if path.is_dir()))


def shard(jobs: Sequence[Job], index: int, count: int) -> list[Job]:
    """The ``index``-th (1-based) of ``count`` slices of ``jobs``, the same on every machine.

    Sources are dealt round-robin in path order, so slices differ by at most one document.
    """
    ordered = sorted(jobs, key=lambda job: job.source.as_posix())
    return [job for number, job in enumerate(ordered) if number % count == index - 1]


def resolve_formats(names: Iterable[str]) -> list[Edition]:
    """The editions called ``names`` in registry order; all of them when none is named.

    An edition whose tool is not installed (liblouis, for braille) is an
    error naming what to install, before any work starts.
    """
    wanted = set(names)
    chosen = [edition for name, edition in EDITIONS.items() if not wanted or name in wanted]
    problems = []
    for needs in dict.fromkeys(edition.needs for edition in chosen if edition.needs):
        problem: str | None = importlib.import_module(needs).available()
        if problem is not None:
            names_needing = ", ".join(e.name for e in chosen if e.needs == needs)
            problems.append(
                usage_error(
                    Path(names_needing),
                    "setup.missing-tool",
                    f"{problem}; or leave these editions out with --format "
                    "(or 'formats' in clearleaf.toml)",
                )
            )
    if problems:
        raise combined(problems)
    return chosen
