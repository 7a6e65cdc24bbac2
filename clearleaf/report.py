"""What a build or a check did, the exit code it earns, and its machine-readable form.

:class:`Report` is filled in as a build runs: per document its outputs,
every diagnostic, the readability figures and the timings. It decides the
exit code (:meth:`Report.exit_code`). :func:`to_json` writes it for a CI job
(``--report report.json``) to read instead of scraping the console; documents
appear in the order they were given, keys in a fixed order, so that two
reports of the same inputs differ only in their timings. The same data is
written as SARIF (:mod:`clearleaf.sarif`) or JUnit XML (:mod:`clearleaf.junit`)
for the CI systems that show those (:func:`serialise`).

The shards of a catalogue built on several CI runners each write a report
that records its shard (``K/N``) and command; :func:`merge` makes one of them
only when they are the whole set, so that a runner that died before writing
its report fails the merge instead of leaving a green pipeline.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clearleaf import __version__, junit, sarif
from clearleaf.errors import Diagnostic, Location, PipelineError, Severity, display_path
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
    #: Its page count, where the edition gives one (braille).
    pages: int | None = None


#: Why a file was removed from the output folder: its source is gone, its
#: source now writes its editions elsewhere, or ``clearleaf clean`` was run.
GONE = "gone"
MOVED = "moved"
CLEANED = "clean"


@dataclass(frozen=True)
class Removed:
    """A file a build or ``clearleaf clean`` removed from the output folder, and why."""

    path: Path
    #: :data:`GONE`, :data:`MOVED` or :data:`CLEANED`.
    reason: str
    #: The source the file was an edition of, when known.
    source: Path | None = None
    #: For :data:`MOVED`: the folder the source's editions now go to.
    elsewhere: Path | None = None

    def __str__(self) -> str:
        removed = f"removed {display_path(self.path)}"
        if self.reason == GONE and self.source is not None:
            return f"{removed}: its source {display_path(self.source)} is gone"
        if self.reason == MOVED and self.source is not None and self.elsewhere is not None:
            return (
                f"{removed}: {display_path(self.source)} now writes its editions "
                f"in {display_path(self.elsewhere)}"
            )
        return removed


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
    #: Files removed from the output folder: editions of sources that are gone.
    removed: list[Removed] = field(default_factory=list)

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


#: A shard of a catalogue: the K-th of N slices (``--shard K/N``).
Shard = tuple[int, int]


def to_dict(
    report: Report,
    command: str,
    sources: Sequence[Path],
    strict: bool,
    shard: Shard | None = None,
) -> dict[str, Any]:
    """The report as plain data: what :func:`to_json` writes and the CI formats are made from."""
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
                        **({"pages": output.pages} if output.pages is not None else {}),
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
        "shard": None if shard is None else {"index": shard[0], "count": shard[1]},
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
        "removed": [
            {
                "path": display_path(item.path),
                "reason": item.reason,
                "source": None if item.source is None else display_path(item.source),
            }
            for item in report.removed
        ],
    }


def to_json(
    report: Report,
    command: str,
    sources: Sequence[Path],
    strict: bool,
    shard: Shard | None = None,
) -> bytes:
    """The report as UTF-8 JSON, indented for people who open it."""
    return dumps(to_dict(report, command, sources, strict, shard))


def dumps(data: Mapping[str, Any]) -> bytes:
    """Report data as UTF-8 JSON, indented for people who open it."""
    return (json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n").encode("utf-8")


# -- the formats a report is written in ------------------------------------------------

#: The formats of a report, and the file-name suffix that chooses each
#: (``--report report.sarif``); any other suffix is JSON.
FORMATS = {"json": ".json", "sarif": ".sarif", "junit": ".xml"}


def format_of(path: Path, chosen: str | None = None) -> str:
    """The format a report written to ``path`` is in: ``chosen``, or the one its suffix names."""
    if chosen is not None:
        return chosen
    suffix = path.suffix.lower()
    return next((name for name, known in FORMATS.items() if suffix == known), "json")


def serialise(data: Mapping[str, Any], format_name: str) -> bytes:
    """Report ``data`` (:func:`to_dict`, :func:`merge`) as the bytes of ``format_name``."""
    if format_name == "sarif":
        return sarif.render(data)
    if format_name == "junit":
        return junit.render(data)
    return dumps(data)


# -- merging the shards' reports ---------------------------------------------------------

#: The commands whose reports can be merged.
COMMANDS = ("build", "check")


def read(path: Path) -> dict[str, Any]:
    """The JSON report at ``path``, checked to be one that :func:`merge` can use.

    A file that cannot be read, is not JSON or is not a clearleaf report is a
    usage error (``report.corrupt``) naming it.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise _report_error(path, "report.corrupt", f"cannot read it: {error.strerror}") from None
    except UnicodeDecodeError:
        raise _report_error(
            path, "report.corrupt", "it is not UTF-8 text; give the JSON file --report wrote"
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise _report_error(
            path,
            "report.corrupt",
            f"it is not valid JSON ({error.msg.removesuffix(' at').lower()}); was it cut "
            "short? write it again with --report",
            error.lineno,
            error.colno,
        ) from None
    problem = _malformed(data)
    if problem:
        raise _report_error(
            path,
            "report.corrupt",
            f"it is not a JSON report of clearleaf: {problem}; give the files --report wrote",
        )
    assert isinstance(data, dict)
    return data


def _malformed(data: object) -> str:
    """What makes ``data`` no report of ``build`` or ``check``, or "" when it is one."""
    if not isinstance(data, dict):
        return "it holds no object"
    if data.get("tool") != "clearleaf":
        return "its 'tool' is not clearleaf"
    if data.get("command") not in COMMANDS:
        return f"its 'command' is {data.get('command')!r}, not one of {', '.join(COMMANDS)}"
    summary = data.get("summary")
    if not isinstance(summary, dict) or not isinstance(summary.get("exit_code"), int):
        return "it has no 'summary' with an 'exit_code'"
    documents = data.get("documents")
    if not isinstance(documents, list) or not all(
        isinstance(document, dict) and isinstance(document.get("source"), str)
        for document in documents
    ):
        return "its 'documents' are not a list of documents with a 'source'"
    shard = data.get("shard")
    if shard is not None and (
        not isinstance(shard, dict)
        or not all(isinstance(shard.get(key), int) for key in ("index", "count"))
        or not 1 <= shard["index"] <= shard["count"]
    ):
        return "its 'shard' is not an index and a count, K of N"
    return ""


def merge(reports: Sequence[tuple[Path, Mapping[str, Any]]]) -> dict[str, Any]:
    """One report from the reports of the shards of a catalogue (``--shard K/N``), by file.

    They must be the whole set: one command, one N, and every shard from 1 to
    N exactly once (a report written without ``--shard`` is shard 1/1).
    Every problem is raised at once, each naming its file
    (``report.command``, ``report.shards``).
    """
    if not reports:
        raise ValueError("no reports to merge")
    problems = _set_problems(reports)
    if problems:
        raise PipelineError(problems[0], category="usage", more=tuple(problems[1:]))
    datas = [data for _path, data in reports]
    documents = sorted(
        (document for data in datas for document in data["documents"]),
        key=lambda document: str(document["source"]),
    )
    keys = ("documents", "up_to_date", "failed", "errors", "warnings", "outputs")
    summary: dict[str, Any] = {
        key: sum(int(data["summary"].get(key, 0)) for data in datas) for key in keys
    }
    summary["exit_code"] = max(int(data["summary"]["exit_code"]) for data in datas)
    first = datas[0]
    return {
        "schema": SCHEMA,
        "tool": first["tool"],
        "version": first["version"],
        "command": first["command"],
        "shard": None,
        "strict": any(data.get("strict") for data in datas),
        "summary": summary,
        "documents": documents,
        "removed": [item for data in datas for item in data.get("removed", [])],
    }


def shard_of(data: Mapping[str, Any]) -> Shard:
    """The shard a report records; a report of a build that was not split is 1/1."""
    shard = data.get("shard")
    return (1, 1) if shard is None else (int(shard["index"]), int(shard["count"]))


def _set_problems(reports: Sequence[tuple[Path, Mapping[str, Any]]]) -> list[Diagnostic]:
    """Why ``reports`` are not the whole set of one build's shards, one diagnostic each."""
    problems: list[Diagnostic] = []
    first_path, first = reports[0]
    command = first["command"]
    same: list[tuple[Path, Mapping[str, Any]]] = []
    for path, data in reports:
        if data["command"] == command:
            same.append((path, data))
            continue
        problems.append(
            _problem(
                path,
                "report.command",
                f"it is the report of '{data['command']}', but {display_path(first_path)} "
                f"is of '{command}'; merge the reports of one command",
            )
        )
    count = shard_of(first)[1]
    given: dict[int, Path] = {}
    for path, data in same:
        index, total = shard_of(data)
        if total != count:
            problems.append(
                _problem(
                    path,
                    "report.shards",
                    f"it is shard {index}/{total}, of a catalogue split in {total}, but "
                    f"{display_path(first_path)} is of one split in {count}; merge the shards "
                    "of one build",
                )
            )
        elif index in given:
            problems.append(
                _problem(
                    path,
                    "report.shards",
                    f"shard {index}/{count} is given twice, also by "
                    f"{display_path(given[index])}; give each shard's report once",
                )
            )
        else:
            given[index] = path
    missing = [f"{index}/{count}" for index in range(1, count + 1) if index not in given]
    if missing:
        names = (
            f"shard {missing[0]} is" if len(missing) == 1 else f"shards {', '.join(missing)} are"
        )
        problems.append(
            _problem(
                first_path,
                "report.shards",
                f"{names} missing from the reports given (a CI job that failed before "
                f"writing its report?); merge the reports of all {count} shards",
            )
        )
    return problems


def _problem(path: Path, code: str, message: str, line: int = 0, column: int = 0) -> Diagnostic:
    return Diagnostic(Location(path, line, column), Severity.ERROR, code, message)


def _report_error(
    path: Path, code: str, message: str, line: int = 0, column: int = 0
) -> PipelineError:
    return PipelineError(_problem(path, code, message, line, column), category="usage")
