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
import itertools
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

from clearleaf import __version__, junit, sarif
from clearleaf.errors import Diagnostic, Location, PipelineError, Severity, display_path
from clearleaf.limits import MAX_REPORT_NESTING
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


#: The exit codes a report can record (:meth:`Report.exit_code`); any other
#: (256, -1, 130 for an interrupt, after which no report is written) is no
#: report of clearleaf's, and the merge refuses it rather than guess what it meant.
RECORDED_EXIT_CODES = (EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_TOOL)

#: A document's ``status`` in a report (:func:`to_dict`).
STATUSES = ("built", "checked", "up-to-date", "failed", "invalid", "tool-failed")

#: What the merge's messages tell a user to give it instead.
_GIVE = "give the files that 'clearleaf build --report FILE.json' (or 'check') wrote"


def read_all(paths: Sequence[Path]) -> list[tuple[Path, dict[str, Any]]]:
    """The JSON reports at ``paths``, each checked by :func:`read`.

    Every file that is not a report is raised at once, one diagnostic each,
    so that a CI job learns of all of them in one run.
    """
    loaded: list[tuple[Path, dict[str, Any]]] = []
    problems: list[Diagnostic] = []
    for path in paths:
        try:
            loaded.append((path, read(path)))
        except PipelineError as error:
            problems.extend(error.diagnostics)
    if problems:
        raise PipelineError(problems[0], category="usage", more=tuple(problems[1:]))
    return loaded


def read(path: Path) -> dict[str, Any]:
    """The JSON report at ``path``, checked to be one that :func:`merge` can use.

    A file that cannot be read, is not JSON or is not a clearleaf report is a
    usage error (``report.corrupt``) naming it and saying what is wrong: one
    diagnostic, never a traceback, whatever the file holds.
    """
    if path.is_dir():
        raise _corrupt(
            path,
            f"it is a folder, not a report; name the reports in it ({display_path(path)}/*.json)",
        )
    try:
        # A byte-order mark, which an editor may add, changes nothing.
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise _corrupt(
            path, f"cannot read it: {error.strerror or error}; give a report file that can be read"
        ) from None
    except UnicodeDecodeError:
        raise _corrupt(path, f"it is not UTF-8 text; {_GIVE}") from None
    data = _parse(path, text)
    problem = _unwritable(data) or _malformed(data)
    if problem:
        raise _corrupt(path, problem)
    assert isinstance(data, dict)
    return data


class _NotJson(ValueError):
    """A constant Python's JSON reader takes but JSON does not have (NaN, Infinity)."""


def _constant(name: str) -> object:
    raise _NotJson(name)


def _parse(path: Path, text: str) -> object:
    """The data of ``text``, or the error that says why it is not JSON a report can hold."""
    if not text.strip():
        raise _corrupt(
            path,
            "it is empty (a CI job that stopped while writing it?); write it again with --report",
        )
    if text.lstrip().startswith("<"):
        raise _corrupt(
            path,
            "it is XML (a JUnit report?), not JSON; merge the JSON reports (--report FILE.json), "
            "then write JUnit XML with -o FILE.xml",
        )
    try:
        return json.loads(text, parse_constant=_constant)
    except json.JSONDecodeError as error:
        raise _corrupt(
            path,
            f"it is not valid JSON ({error.msg.removesuffix(' at').lower()}); was it cut "
            "short? write it again with --report",
            error.lineno,
            error.colno,
        ) from None
    except _NotJson as error:
        raise _corrupt(path, f"it holds {error}, which is not JSON; {_GIVE}") from None
    except RecursionError:
        raise _corrupt(path, _TOO_DEEP) from None
    except ValueError:
        # Python reads no integer of more than 4300 digits (CVE-2020-10735).
        digits = max((len(run) for run in re.findall(r"\d+", text)), default=0)
        raise _corrupt(
            path, f"it holds a number of {digits} digits, which no report holds; {_GIVE}"
        ) from None


_TOO_DEEP = (
    f"it nests arrays or objects deeper than {MAX_REPORT_NESTING} levels, which no report "
    f"does; {_GIVE}"
)


def _unwritable(data: object) -> str:
    """Why ``data`` cannot be written again as it is: it nests too deeply, or holds a lone
    surrogate (``"\ud800"`` is valid JSON, but no UTF-8); "" when it can."""
    pending: list[tuple[object, int]] = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict | list):
            if depth > MAX_REPORT_NESTING:
                return _TOO_DEEP
            items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
            pending.extend((item, depth + 1) for item in items)
        elif isinstance(value, str):
            lone = _SURROGATE.search(value)
            if lone:
                return (
                    f"it holds a lone surrogate ({lone.group()!r}), which UTF-8 cannot carry and "
                    f"no report holds; {_GIVE}"
                )
    return ""


_SURROGATE = re.compile("[\ud800-\udfff]")


class _Malformed(Exception):
    """What makes data no report: the place in it, and what a report has there."""


def _malformed(data: object) -> str:
    """What makes ``data`` no report of ``build`` or ``check``, or "" when it is one."""
    if not isinstance(data, dict):
        return f"it holds {_kind(data)}, not an object; {_GIVE}"
    if "runs" in data and "tool" not in data:
        return (
            "it is a SARIF log, not a clearleaf JSON report; merge the JSON reports "
            "(--report FILE.json), then write SARIF with -o FILE.sarif"
        )
    schema = data.get("schema")
    if data.get("tool") == "clearleaf" and _whole(schema) and schema > SCHEMA:
        return (
            f"it was written by a newer clearleaf (report schema {schema}); merge it with that "
            "version"
        )
    try:
        _check_report(data)
    except _Malformed as problem:
        return f"it is not a clearleaf JSON report: {problem}; {_GIVE}"
    return ""


def _check_report(data: dict[str, Any]) -> None:
    """Raise :class:`_Malformed` at the first value of ``data`` that a report (:func:`to_dict`)
    would not have where the merge, or the SARIF and JUnit made of it, reads it."""
    _field(data, "", "tool", _one_of("clearleaf"))
    _field(data, "", "schema", _one_of(SCHEMA))
    _field(data, "", "version", _STRING)
    _field(data, "", "command", _one_of(*COMMANDS))
    _field(data, "", "strict", _BOOLEAN)
    shard = _field(data, "", "shard", _NULL_OR_OBJECT)
    if shard is not None:
        index = _field(shard, "shard", "index", _WHOLE)
        count = _field(shard, "shard", "count", _WHOLE)
        if not 1 <= index <= count:
            raise _Malformed(
                f"'shard' is {_shown(index)}/{_shown(count)}, where a report has K/N, K from 1 to N"
            )
    summary = _field(data, "", "summary", _OBJECT)
    for key in ("documents", "up_to_date", "failed", "errors", "warnings", "outputs"):
        _field(summary, "summary", key, _WHOLE)
    _field(summary, "summary", "exit_code", _one_of(*RECORDED_EXIT_CODES))
    for number, document in enumerate(_field(data, "", "documents", _ARRAY)):
        _check_document(document, f"documents[{number}]")
    for number, item in enumerate(_field(data, "", "removed", _ARRAY)):
        where = f"removed[{number}]"
        _value(item, where, _OBJECT)
        _field(item, where, "path", _STRING)
        _field(item, where, "reason", _STRING)
        _field(item, where, "source", _NULL_OR_STRING)


def _check_document(document: object, where: str) -> None:
    """Raise :class:`_Malformed` at the first value of a report's ``document`` that is wrong."""
    _value(document, where, _OBJECT)
    assert isinstance(document, dict)
    _field(document, where, "source", _STRING)
    _field(document, where, "status", _one_of(*STATUSES))
    for number, output in enumerate(_field(document, where, "outputs", _ARRAY)):
        place = f"{where}.outputs[{number}]"
        _value(output, place, _OBJECT)
        _field(output, place, "format", _STRING)
        _field(output, place, "path", _STRING)
        _field(output, place, "bytes", _WHOLE)
    for number, diagnostic in enumerate(_field(document, where, "diagnostics", _ARRAY)):
        place = f"{where}.diagnostics[{number}]"
        _value(diagnostic, place, _OBJECT)
        for key in ("path", "code", "message"):
            _field(diagnostic, place, key, _STRING)
        _field(diagnostic, place, "line", _WHOLE)
        _field(diagnostic, place, "column", _WHOLE)
        _field(diagnostic, place, "severity", _one_of(*(s.value for s in Severity)))
    _field(document, where, "readability", _NULL_OR_OBJECT)
    for stage, seconds in _field(document, where, "seconds", _OBJECT).items():
        # The key is the file's: shown escaped unless it is a plain word.
        key = stage if stage.isidentifier() and len(stage) <= 40 else f"[{_shown(stage)}]"
        _value(seconds, f"{where}.seconds.{key}", _SECONDS)


#: What a report has at a place, and the test of a value for it.
_Kind = tuple[str, Callable[[object], bool]]


def _whole(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _one_of(*values: object) -> _Kind:
    """The kind of a value that must be one of ``values``."""
    shown = [_shown(value) for value in values]
    said = shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} or {shown[-1]}"
    # ``True == 1``: a value must be of the type too.
    return said, lambda value: any(value == v and type(value) is type(v) for v in values)


_STRING: _Kind = ("a string", lambda value: isinstance(value, str))
_NULL_OR_STRING: _Kind = ("a string or null", lambda value: value is None or isinstance(value, str))
_BOOLEAN: _Kind = ("true or false", lambda value: isinstance(value, bool))
_WHOLE: _Kind = ("a whole number, 0 or more", _whole)
_SECONDS: _Kind = (
    "a number of seconds, 0 or more",
    lambda value: (
        isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value < math.inf
    ),
)
_ARRAY: _Kind = ("an array", lambda value: isinstance(value, list))
_OBJECT: _Kind = ("an object", lambda value: isinstance(value, dict))
_NULL_OR_OBJECT: _Kind = (
    "an object or null",
    lambda value: value is None or isinstance(value, dict),
)


def _field(container: dict[str, Any], where: str, key: str, kind: _Kind) -> Any:
    """``container[key]``, checked to be of ``kind``; ``where`` is the container's place."""
    if key not in container:
        raise _Malformed(f"'{where}' has no '{key}'" if where else f"it has no '{key}'")
    return _value(container[key], f"{where}.{key}" if where else key, kind)


def _value(value: object, where: str, kind: _Kind) -> Any:
    """``value``, at ``where`` in a report, checked to be of ``kind``."""
    expected, test = kind
    if not test(value):
        raise _Malformed(f"'{where}' is {_shown(value)}, where a report has {expected}")
    return value


def _shown(value: object) -> str:
    """``value`` as a message shows it: a short one itself (escaped, as Python writes it),
    else its kind."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, float) and not math.isfinite(value):
        return "a number too large to hold"  # 1e400, which Python reads as infinity
    if isinstance(value, int | float) and len(repr(value)) <= 20:
        return repr(value)
    if isinstance(value, str) and len(value) <= 40:
        return repr(value)
    return _kind(value)


def _kind(value: object) -> str:
    """The JSON kind of ``value``, with its article: "an array", "a string"."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "true or false"
    if value is None:
        return "null"
    return "a number"


def merge(reports: Sequence[tuple[Path, Mapping[str, Any]]]) -> dict[str, Any]:
    """One report from the reports of the shards of a catalogue (``--shard K/N``), by file.

    They must be the whole set: one command, one N, and every shard from 1 to
    N exactly once (a report written without ``--shard`` is shard 1/1).
    Every problem is raised at once, each naming its file
    (``report.command``, ``report.shards``). The reports are as :func:`read`
    checks them; the merge's exit code is the worst they record, the
    highest, as :meth:`Report.exit_code` ranks them (a tool failing over a
    source that cannot be read, over findings).
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
    summary: dict[str, Any] = {key: sum(data["summary"][key] for data in datas) for key in keys}
    summary["exit_code"] = max(data["summary"]["exit_code"] for data in datas)
    first = datas[0]
    return {
        "schema": SCHEMA,
        "tool": first["tool"],
        "version": first["version"],
        "command": first["command"],
        "shard": None,
        "strict": any(data["strict"] for data in datas),
        "summary": summary,
        "documents": documents,
        "removed": [item for data in datas for item in data["removed"]],
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
    absent = count - len(given)
    if absent:
        # A report may say it is one of millions: name the first few, count the rest.
        missing = [
            f"{index}/{count}"
            for index in itertools.islice(
                (index for index in range(1, count + 1) if index not in given), _NAMED
            )
        ]
        if absent > _NAMED:
            missing[-1] += f" and {absent - _NAMED} more"
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


#: How many missing shards a message names.
_NAMED = 5


def _problem(path: Path, code: str, message: str, line: int = 0, column: int = 0) -> Diagnostic:
    return Diagnostic(Location(path, line, column), Severity.ERROR, code, message)


def _corrupt(path: Path, message: str, line: int = 0, column: int = 0) -> PipelineError:
    """The error for a file given to the merge that is no report it can use."""
    return _report_error(path, "report.corrupt", message, line, column)


def _report_error(
    path: Path, code: str, message: str, line: int = 0, column: int = 0
) -> PipelineError:
    return PipelineError(_problem(path, code, message, line, column), category="usage")
