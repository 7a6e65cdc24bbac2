"""Building documents: parse each source once, render each format, write outputs atomically."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import a11y
from pipeline import document as document_module
from pipeline.context import Context
from pipeline.document import Document
from pipeline.errors import Diagnostic, Location, PipelineError, Severity
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
        self.diagnostics.append(error.diagnostic)
        self.input_errors.append(error.diagnostic)
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


def inspect(source: Path, report: Report, strict: bool = False) -> Document | None:
    """Load ``source`` and run the source checks, recording every diagnostic in ``report``.

    Returns the document when it may be published: it could be read, and no
    check found an error (nor, under ``strict``, a warning). Otherwise the
    source is added to ``report.failed`` and ``None`` returned.
    """
    timings = report.timings.setdefault(source, {})
    started = time.perf_counter()
    try:
        document = document_module.load(source)
    except PipelineError as error:
        report.reject(source, error)
        return None
    finally:
        timings["read"] = time.perf_counter() - started
    report.documents[source] = document
    started = time.perf_counter()
    found = [*document.diagnostics, *a11y.run_checks(document)]
    timings["check"] = time.perf_counter() - started
    report.diagnostics.extend(found)
    blocking = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    if any(diagnostic.severity in blocking for diagnostic in found):
        report.failed.append(source)
        return None
    return document


def check(sources: Sequence[Path], strict: bool = False) -> Report:
    """Run the source checks on every source, writing nothing."""
    report = Report()
    for source in sources:
        inspect(source, report, strict)
    return report


def build(
    sources: Sequence[Path],
    formats: Sequence[Format],
    out_dir: Path,
    context: Context | None = None,
    strict: bool = False,
) -> Report:
    """Check, then build every source in every format into ``out_dir``.

    A document that fails (it cannot be read, a check finds an error, or
    under ``strict`` a warning) leaves no output of its own behind and does
    not stop the others.
    """
    context = context or Context()
    report = Report()
    for source in sources:
        document = inspect(source, report, strict)
        if document is None:
            continue
        rendered = []
        try:
            for fmt in formats:
                started = time.perf_counter()
                data = fmt.render(document, context)
                rendered.append((fmt, data, time.perf_counter() - started))
        except PipelineError as error:
            report.reject(source, error)
            continue
        # Write only once every format has rendered: a document is published
        # whole or not at all.
        started = time.perf_counter()
        for fmt, data, seconds in rendered:
            target = out_dir / fmt.output_name(document)
            write_atomic(target, data)
            report.outputs.append(Output(source, fmt.name, target, len(data), seconds))
        report.timings[source]["write"] = time.perf_counter() - started
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
