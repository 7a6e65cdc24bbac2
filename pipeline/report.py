"""The machine-readable report of a build or a check (``--report report.json``).

A CI job reads it instead of scraping the console: per document its outputs
with sizes, every diagnostic, the readability figures and the timings, and
a summary with the exit code. Documents appear in the order they were given,
keys in a fixed order, so that two reports of the same inputs differ only in
their timings.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.build import Report
from pipeline.errors import Severity, display_path

#: Bumped when a key changes meaning or disappears.
SCHEMA = 1


def _readability(report: Report, source: Path) -> dict[str, Any] | None:
    document = report.documents.get(source)
    if document is None:
        return None
    from pipeline import readability  # the figures are computed only for reports that ask

    figures = readability.measure(document)
    if figures is None:
        return None
    return {
        **dataclasses.asdict(figures),
        "reading_age": figures.reading_age,
        "flesch_kincaid_reading_age": figures.flesch_kincaid_reading_age,
        "stable": figures.stable,
        "target": document.meta.reading_age_target,
        "above_target": figures.stable and figures.above(document.meta.reading_age_target),
    }


def to_dict(report: Report, command: str, sources: Sequence[Path], strict: bool) -> dict[str, Any]:
    """The report as plain data."""
    documents = []
    for source in sources:
        diagnostics = [d for d in report.diagnostics if d.location.path == source]
        if source in report.invalid:
            status = "invalid"
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
