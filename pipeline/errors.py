"""Diagnostics and the project's exceptions.

Policy (after WeasyPrint's): a problem that stops a document from building is
raised as a :class:`PipelineError`; anything a user should know but that does
not stop the build is a :class:`Diagnostic` collected by the caller. Both print
as ``path:line:col: severity code: message``, so editors and CI can jump to the
line.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path


class Severity(enum.Enum):
    """How serious a diagnostic is."""

    ERROR = "error"
    WARNING = "warning"


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
    """

    def __init__(self, diagnostic: Diagnostic, category: str = "input") -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic
        self.category = category

    def __reduce__(self) -> tuple[type[PipelineError], tuple[Diagnostic, str]]:
        # Errors cross from worker processes to the parent by pickling.
        return (PipelineError, (self.diagnostic, self.category))


def input_error(
    path: Path, code: str, message: str, line: int = 0, column: int = 0
) -> PipelineError:
    """Make the error for a mistake in a user's file."""
    return PipelineError(Diagnostic(Location(path, line, column), Severity.ERROR, code, message))


def display_path(path: Path) -> str:
    """Show ``path`` relative to the working directory when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
