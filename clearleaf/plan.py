"""Planning a build: which sources, where each one's editions go, and which editions.

A folder is searched for ``**/*.md`` and each source keeps its place below
the output folder; two sources that would write the same file are refused
before anything is read. A catalogue too big for one machine is dealt out in
shards, the same on every machine (``--shard K/N``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from clearleaf.editions import EDITIONS, Edition
from clearleaf.errors import Diagnostic, Location, PipelineError, Severity, display_path


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
        for edition in EDITIONS.values():
            target = job.folder / edition.output_name(job.source.stem)
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


def resolve_formats(names: Iterable[str]) -> list[Edition]:
    """The editions called ``names`` in registry order; all of them when none is named."""
    wanted = set(names)
    return [edition for name, edition in EDITIONS.items() if not wanted or name in wanted]
