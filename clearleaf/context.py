"""Settings shared by every format during one build."""

from __future__ import annotations

import datetime as dt
import importlib.resources
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from clearleaf.errors import Diagnostic, Location, PipelineError, Severity
from clearleaf.values import ZIP_DATES

#: The styles, templates, font configuration and colour profile, shipped
#: inside the package (a wheel unpacks them as files beside the code).
STYLES_DIR = Path(str(importlib.resources.files("clearleaf") / "styles"))


@dataclass(frozen=True)
class Context:
    """What a format needs besides the document."""

    styles: Path = STYLES_DIR
    #: ``SOURCE_DATE_EPOCH`` when set; otherwise dates come from the source's
    #: metadata, never from the clock, so that builds are reproducible. One
    #: that is no time, or later than a ZIP file can hold, is a usage error
    #: (:func:`epoch_from_env`).
    source_date_epoch: int | None = field(default_factory=lambda: epoch_from_env())
    #: The project's wording of the pipeline's own words: language -> msgid ->
    #: text (``clearleaf.toml``'s ``[messages.<language>]``, :mod:`clearleaf.i18n`).
    messages: Mapping[str, Mapping[str, str]] = field(default_factory=dict, hash=False)

    def build_time(self, fallback: dt.date) -> dt.datetime:
        """The timestamp written into outputs, in UTC."""
        if self.source_date_epoch is not None:
            return dt.datetime.fromtimestamp(self.source_date_epoch, dt.UTC)
        return dt.datetime(fallback.year, fallback.month, fallback.day, tzinfo=dt.UTC)

    def style(self, name: str) -> str:
        """The text of a file in ``styles/``."""
        return (self.styles / name).read_text(encoding="utf-8")


#: The last second a ZIP entry can be dated (:data:`clearleaf.values.ZIP_DATES`), as a
#: ``SOURCE_DATE_EPOCH``: 2107-12-31 23:59:59 UTC.
LAST_EPOCH = int(dt.datetime(*ZIP_DATES[1].timetuple()[:3], 23, 59, 59, tzinfo=dt.UTC).timestamp())

# Whole seconds, as ``date +%s`` prints them (the Reproducible Builds
# specification of SOURCE_DATE_EPOCH); a sign is read so that a time before
# 1970 is told apart from text that is no time.
_EPOCH = re.compile(r"-?[0-9]+")


def epoch_from_env() -> int | None:
    """``SOURCE_DATE_EPOCH`` as seconds since 1970-01-01 00:00 UTC; None when it is unset or
    empty.

    A value that is not whole seconds, before 1970 or after :data:`LAST_EPOCH`
    raises the usage error that says so (as the specification asks of a
    malformed one: the build stops, and writes nothing), rather than dating
    the editions by something else than was asked. A time before 1980, such
    as 0, dates the ZIP entries of the e-book and the Word document
    1980-01-01, the first day they can carry, and everything else as given.
    """
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    shown = value if len(value) <= 40 else value[:39] + "\u2026"
    how = "whole seconds since 1970-01-01 00:00 UTC, as 'date +%s' prints them"
    if not _EPOCH.fullmatch(value):
        raise _epoch_error(f"{shown!r} is not a time; give {how}, or unset it")
    digits = value.lstrip("-").lstrip("0")
    seconds = int(value) if len(digits) <= 12 else (-1 if value.startswith("-") else LAST_EPOCH + 1)
    if seconds < 0:
        raise _epoch_error(f"{shown} is a time before 1970; give {how}, 0 or more")
    if seconds > LAST_EPOCH:
        when = f" ({_utc(seconds)})" if len(digits) <= 12 and seconds < 253402300800 else ""
        raise _epoch_error(
            f"{shown}{when} is later than the e-book and Word formats can date a file (the last "
            f"day is {ZIP_DATES[1]}): give a time before {ZIP_DATES[1].year + 1}, at most "
            f"{LAST_EPOCH}"
        )
    return seconds


def _utc(seconds: int) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def _epoch_error(message: str) -> PipelineError:
    return PipelineError(
        Diagnostic(
            Location(Path("SOURCE_DATE_EPOCH")), Severity.ERROR, "usage.source-date-epoch", message
        ),
        category="usage",
    )
