"""Diagnostics and the project's exceptions.

Policy (after WeasyPrint's): a problem that stops a document from building is
raised as a :class:`PipelineError`; anything a user should know but that does
not stop the build is a :class:`Diagnostic` collected by the caller. Both print
as ``path:line:col: severity code: message``, so editors and CI can jump to the
line.
"""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass
from pathlib import Path


class Severity(enum.Enum):
    """How serious a diagnostic is.

    A note says what the pipeline did with something in a source (a heading
    level shifted, an HTML wrapper ignored); it never fails a build, not even
    under ``--strict``, and does not stand in the way of a conformance claim.
    """

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@dataclass(frozen=True)
class Location:
    """A place in a file; line and column count from 1, 0 means unknown."""

    path: Path
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        text = display_path(self.path)
        if self.line:
            text += f":{self.line}"
            if self.column:
                text += f":{self.column}"
        return text


@dataclass(frozen=True)
class Diagnostic:
    """One finding about an input, with a stable code such as ``meta.unknown-key``."""

    location: Location
    severity: Severity
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.severity.value} {self.code}: {self.message}"

    def as_dict(self, path: str | None = None) -> dict[str, object]:
        """The diagnostic as plain data, for reports and the build manifest."""
        location = self.location
        return {
            "path": str(location.path) if path is None else path,
            "line": location.line,
            "column": location.column,
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
        }


class PipelineError(Exception):
    """A problem that stops a document from building.

    ``category`` is ``input`` for the user's files, ``usage`` for the command
    line, ``tool`` for a third-party tool that failed on valid input.

    ``more`` are further problems of the same input found in the same run, so
    that an editor learns of every mistake at once, not one a run;
    :attr:`diagnostics` holds them all, the first being :attr:`diagnostic`.
    """

    def __init__(
        self, diagnostic: Diagnostic, category: str = "input", more: tuple[Diagnostic, ...] = ()
    ) -> None:
        super().__init__("\n".join(str(d) for d in (diagnostic, *more)))
        self.diagnostic = diagnostic
        self.category = category
        self.more = tuple(more)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Every problem this error reports, in the order found."""
        return [self.diagnostic, *self.more]

    def __reduce__(
        self,
    ) -> tuple[type[PipelineError], tuple[Diagnostic, str, tuple[Diagnostic, ...]]]:
        # Errors cross from worker processes to the parent by pickling.
        return (PipelineError, (self.diagnostic, self.category, self.more))


def combined(errors: list[PipelineError]) -> PipelineError:
    """One error reporting every diagnostic of ``errors``, sorted by line and column."""
    found = sorted(
        {d: None for error in errors for d in error.diagnostics},
        key=lambda d: (d.location.line, d.location.column),
    )
    return PipelineError(found[0], errors[0].category, tuple(found[1:]))


def input_error(
    path: Path, code: str, message: str, line: int = 0, column: int = 0
) -> PipelineError:
    """Make the error for a mistake in a user's file."""
    return PipelineError(Diagnostic(Location(path, line, column), Severity.ERROR, code, message))


def usage_error(path: Path, code: str, message: str) -> PipelineError:
    """Make the error for a command that cannot be carried out as given (exit code 2)."""
    return PipelineError(
        Diagnostic(Location(path), Severity.ERROR, code, message), category="usage"
    )


def note(path: Path, code: str, message: str, line: int = 0, column: int = 0) -> Diagnostic:
    """A note on what the pipeline did with something in a user's file."""
    return Diagnostic(Location(path, line, column), Severity.NOTE, code, message)


def warning(path: Path, code: str, message: str, line: int = 0, column: int = 0) -> Diagnostic:
    """A warning about something in a user's file that does not stop the build."""
    return Diagnostic(Location(path, line, column), Severity.WARNING, code, message)


def resolved_path(path: Path) -> Path:
    """``path`` with its links followed, or made absolute when they cannot be (a loop of
    links): reading it then says what is wrong, for that source alone."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def display_path(path: Path) -> str:
    """Show ``path`` relative to the working directory when it lies below it (a link is
    shown as itself, not as the file it leads to)."""
    try:
        return str(Path(os.path.abspath(path)).relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
