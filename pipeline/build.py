"""Building documents: parse each source once, render each format, write outputs atomically."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import document as document_module
from pipeline.context import Context
from pipeline.errors import Diagnostic, Location, PipelineError, Severity
from pipeline.formats import FORMATS, Format


@dataclass(frozen=True)
class Output:
    """One file written by a build."""

    source: Path
    format: str
    path: Path
    size: int


@dataclass
class Report:
    """What a build did: its outputs and every diagnostic; it decides the exit code."""

    outputs: list[Output] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    failed: list[Path] = field(default_factory=list)

    @property
    def errors(self) -> int:
        """How many error diagnostics were reported."""
        return sum(d.severity is Severity.ERROR for d in self.diagnostics)

    @property
    def warnings(self) -> int:
        """How many warning diagnostics were reported."""
        return sum(d.severity is Severity.WARNING for d in self.diagnostics)

    def exit_code(self, strict: bool = False) -> int:
        """0 for success, 2 when a source could not be built, 1 for other findings."""
        if self.failed:
            return 2
        if self.errors or (strict and self.warnings):
            return 1
        return 0


def discover(paths: Sequence[Path], default: Path) -> list[Path]:
    """The sources in ``paths`` (files, or folders of ``*.md``), by default in ``default``."""
    if not paths:
        paths = [default]
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(path.glob("*.md")))
        elif path.is_file():
            found.append(path)
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
    return list(dict.fromkeys(found))


def resolve_formats(names: Iterable[str]) -> list[Format]:
    """The formats called ``names`` in registry order; all of them when none is named."""
    wanted = set(names)
    return [fmt for name, fmt in FORMATS.items() if not wanted or name in wanted]


def build(
    sources: Sequence[Path],
    formats: Sequence[Format],
    out_dir: Path,
    context: Context | None = None,
) -> Report:
    """Build every source in every format into ``out_dir``.

    A document that fails leaves no output of its own behind and does not stop
    the others.
    """
    context = context or Context()
    report = Report()
    for source in sources:
        try:
            document = document_module.load(source)
            report.diagnostics.extend(document.diagnostics)
            rendered = [(fmt, fmt.render(document, context)) for fmt in formats]
        except PipelineError as error:
            report.diagnostics.append(error.diagnostic)
            report.failed.append(source)
            continue
        # Write only once every format has rendered: a document is published
        # whole or not at all.
        for fmt, data in rendered:
            target = out_dir / fmt.output_name(document)
            write_atomic(target, data)
            report.outputs.append(Output(source, fmt.name, target, len(data)))
    return report


def write_atomic(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` so that readers see the old file or the whole new one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
