"""What a build or a check did, the exit code it earns, and its machine-readable form.

:class:`Report` is filled in as a build runs: per document its outputs,
every diagnostic, the readability figures and the timings. It decides the
exit code (:meth:`Report.exit_code`). :func:`to_json` writes it for a CI job
(``--report report.json``) to read instead of scraping the console; documents
appear in the order they were given, keys in a fixed order, so that two
reports of the same inputs differ only in their timings.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clearleaf import __version__
from clearleaf.errors import Diagnostic, PipelineError, Severity, display_path
from clearleaf.readability import Readability

#: Exit codes: success, findings (errors, or warnings under ``--strict``),
#: a mistake in a source or on the command line, and a tool or the
#: pipeline itself failing on valid input.
EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INPUT = 2
EXIT_TOOL = 3


@dataclass(frozen=True)
class Output:
    """One file written by a build."""

    source: Path
    format: str
    path: Path
    size: int
    #: Seconds the edition took to render.
    seconds: float = 0.0


@dataclass(frozen=True)
class Reading:
    """A document's readability figures (None: not English, or no prose) and its target."""

    figures: Readability | None
    lang: str
    target: int


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
    #: The diagnostics that stopped each of :attr:`invalid` (also in :attr:`diagnostics`).
    input_errors: list[Diagnostic] = field(default_factory=list)
    #: A tool (pandoc, say) that failed on a document: not the user's mistake.
    tool_errors: list[Diagnostic] = field(default_factory=list)
    #: Sources whose outputs were up to date: nothing was rendered for them.
    skipped: list[Path] = field(default_factory=list)
    #: The readability of every source that could be read.
    readings: dict[Path, Reading] = field(default_factory=dict)
    #: Seconds each source spent in each stage ("read", "check", "write").
    timings: dict[Path, dict[str, float]] = field(default_factory=dict)

    @property
    def findings(self) -> list[Diagnostic]:
        """The diagnostics that did not stop a document: what the checks (and tools) found."""
        stopped = {*self.input_errors, *self.tool_errors}
        return [d for d in self.diagnostics if d not in stopped]

    def stopped(self, diagnostic: Diagnostic) -> bool:
        """Whether ``diagnostic`` stopped its document being read or rendered."""
        return diagnostic in self.input_errors or diagnostic in self.tool_errors

    def reject(self, source: Path, error: PipelineError) -> None:
        """Record that ``source`` could not be read or rendered because of ``error``."""
        self.diagnostics.extend(error.diagnostics)
        if error.category == "tool":
            self.tool_errors.extend(error.diagnostics)
        else:
            self.input_errors.extend(error.diagnostics)
            self.invalid.append(source)
        if source not in self.failed:
            self.failed.append(source)

    def fail(self, source: Path) -> None:
        """Record that the checks found ``source`` not fit to publish."""
        if source not in self.failed:
            self.failed.append(source)

    @property
    def errors(self) -> int:
        """How many error diagnostics were reported."""
        return sum(d.severity is Severity.ERROR for d in self.diagnostics)

    @property
    def warnings(self) -> int:
        """How many warning diagnostics were reported."""
        return sum(d.severity is Severity.WARNING for d in self.diagnostics)

    def exit_code(self, strict: bool = False) -> int:
        """:data:`EXIT_TOOL` when a tool failed, :data:`EXIT_INPUT` when a source could
        not be read, :data:`EXIT_FINDINGS` for findings, else :data:`EXIT_OK`.

        Findings are errors, or under ``strict`` warnings too.
        """
        if self.tool_errors:
            return EXIT_TOOL
        if self.invalid:
            return EXIT_INPUT
        if self.failed or self.errors or (strict and self.warnings):
            return EXIT_FINDINGS
        return EXIT_OK


#: Bumped when a key changes meaning or disappears.
SCHEMA = 1


def _readability(report: Report, source: Path) -> dict[str, Any] | None:
    reading = report.readings.get(source)
    if reading is None or reading.figures is None:
        return None
    figures = reading.figures
    return {
        **dataclasses.asdict(figures),
        "reading_age": figures.reading_age,
        "flesch_kincaid_reading_age": figures.flesch_kincaid_reading_age,
        "stable": figures.stable,
        "target": reading.target,
        "above_target": figures.stable and figures.above(reading.target),
    }


def to_dict(report: Report, command: str, sources: Sequence[Path], strict: bool) -> dict[str, Any]:
    """The report as plain data."""
    documents = []
    for source in sources:
        diagnostics = [d for d in report.diagnostics if d.location.path == source]
        if source in report.invalid:
            status = "invalid"
        elif any(d.location.path == source for d in report.tool_errors):
            status = "tool-failed"
        elif source in report.failed:
            status = "failed"
        elif source in report.skipped:
            status = "up-to-date"
        else:
            status = "built" if command == "build" else "checked"
        documents.append(
            {
                "source": display_path(source),
                "status": status,
                "outputs": [
                    {
                        "format": output.format,
                        "path": display_path(output.path),
                        "bytes": output.size,
                        "seconds": round(output.seconds, 4),
                    }
                    for output in report.outputs
                    if output.source == source
                ],
                "diagnostics": [d.as_dict(display_path(d.location.path)) for d in diagnostics],
                "readability": _readability(report, source),
                "seconds": {
                    stage: round(seconds, 4)
                    for stage, seconds in report.timings.get(source, {}).items()
                },
            }
        )
    return {
        "schema": SCHEMA,
        "tool": "clearleaf",
        "version": __version__,
        "command": command,
        "strict": strict,
        "summary": {
            "documents": len(sources),
            "up_to_date": len(report.skipped),
            "failed": len(report.failed),
            "errors": sum(d.severity is Severity.ERROR for d in report.diagnostics),
            "warnings": sum(d.severity is Severity.WARNING for d in report.diagnostics),
            "outputs": len(report.outputs),
            "exit_code": report.exit_code(strict),
        },
        "documents": documents,
    }


def to_json(report: Report, command: str, sources: Sequence[Path], strict: bool) -> bytes:
    """The report as UTF-8 JSON, indented for people who open it."""
    data = to_dict(report, command, sources, strict)
    return (json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n").encode("utf-8")


def merge(reports: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """One report from the reports of the shards of a catalogue (``--shard K/N``)."""
    if not reports:
        raise ValueError("no reports to merge")
    documents = sorted(
        (document for data in reports for document in data["documents"]),
        key=lambda document: str(document["source"]),
    )
    keys = ("documents", "up_to_date", "failed", "errors", "warnings", "outputs")
    summary: dict[str, Any] = {
        key: sum(int(data["summary"].get(key, 0)) for data in reports) for key in keys
    }
    summary["exit_code"] = max(int(data["summary"]["exit_code"]) for data in reports)
    first = reports[0]
    return {
        "schema": SCHEMA,
        "tool": first["tool"],
        "version": first["version"],
        "command": first["command"],
        "strict": any(data["strict"] for data in reports),
        "summary": summary,
        "documents": documents,
    }
